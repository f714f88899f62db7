import { expect } from 'chai';
import { applyRecord, emptyImage, type MetadataImage, type MetadataRecord } from '../../src/controller/metadata-image.js';
import { kafkaAddressBook, kafkaAddresses } from '../../src/kafka/addresses.js';

/** Applies records at offsets 0, 1, 2, ... as the controller's log would. */
function replay(records: MetadataRecord[], from: MetadataImage = emptyImage()): MetadataImage {
  return records.reduce((image, record) => applyRecord(image, record, image.version), from);
}

const register = (id: number, kafkaAddress?: string): MetadataRecord => ({
  type: 'registerBroker',
  id,
  host: '127.0.0.1',
  port: 7100 + id,
  incarnation: `i${id}`,
  interBrokerAddress: `127.0.0.1:${7200 + id}`,
  ...(kafkaAddress === undefined ? {} : { kafkaAddress }),
});

describe('kafka addresses from broker registrations', () => {
  it('keeps the Kafka listener a broker registered', () => {
    const image = replay([register(4, '127.0.0.1:9104')]);
    expect(image.brokers[4]).to.deep.equal({
      id: 4, host: '127.0.0.1', port: 7104, epoch: 0, incarnation: 'i4', interBrokerAddress: '127.0.0.1:7204', kafkaAddress: '127.0.0.1:9104',
    });
    expect(kafkaAddresses(new Map(), image)).to.deep.equal(new Map([[4, { host: '127.0.0.1', port: 9104 }]]));
  });

  it('replays registrations logged before they carried one (JSON without the field): no Kafka address', () => {
    const old = JSON.parse('{"type":"registerBroker","id":2,"host":"h","port":7102,"incarnation":"x","interBrokerAddress":"h:7202"}') as MetadataRecord;
    const image = replay([old, register(3, 'h3:9103')]);
    expect(image.brokers[2]).to.deep.equal({ id: 2, host: 'h', port: 7102, epoch: 0, incarnation: 'x', interBrokerAddress: 'h:7202' });
    expect(kafkaAddresses(new Map(), image)).to.deep.equal(new Map([[3, { host: 'h3', port: 9103 }]]));
    // An old registration is still reachable through kafka.cluster.brokers.
    expect(kafkaAddresses(new Map([[2, { host: 'h', port: 9102 }]]), image).get(2)).to.deep.equal({ host: 'h', port: 9102 });
  });

  it('lets the configured addresses (kafka.cluster.brokers, this broker) win over registered ones', () => {
    const image = replay([register(1, '0.0.0.0:9101'), register(2, '127.0.0.1:9102'), register(5)]);
    const configured = new Map([[1, { host: 'sluice-1', port: 9101 }]]);
    expect(kafkaAddresses(configured, image)).to.deep.equal(
      new Map([[1, { host: 'sluice-1', port: 9101 }], [2, { host: '127.0.0.1', port: 9102 }]]),
    );
    expect(configured.size, 'the configured map is not changed').to.equal(1);
  });

  it('follows a re-registration at a new address and forgets an unregistered broker', () => {
    const moved = replay([register(4, 'a:9104'), register(4, 'b:9999'), register(6, 'c:9106'), { type: 'unregisterBroker', id: 6 }]);
    expect(kafkaAddresses(new Map(), moved)).to.deep.equal(new Map([[4, { host: 'b', port: 9999 }]]));
  });

  it('reads bracketed IPv6 addresses and skips malformed ones', () => {
    const image = replay([register(1, '[::1]:9101'), register(2, 'no-port'), register(3, 'h:0'), register(4, ':9104')]);
    expect(kafkaAddresses(new Map(), image)).to.deep.equal(new Map([[1, { host: '::1', port: 9101 }]]));
  });

  it('recomputes the address book only when the image or the configuration changes', () => {
    let image = replay([register(1, 'h1:9101')]);
    const configured = new Map([[9, { host: 'self', port: 9109 }]]);
    const book = kafkaAddressBook(() => configured, () => image);
    const first = book();
    expect(book()).to.equal(first);
    image = replay([register(2, 'h2:9102')], image);
    expect(book()).to.not.equal(first);
    expect([...book().keys()].sort()).to.deep.equal([1, 2, 9]);
  });
});

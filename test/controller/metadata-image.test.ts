import { expect } from 'chai';
import { TOPIC_CONFIG_DEFAULTS } from '../../src/config/topic-config.js';
import { applyRecord, emptyImage, interBrokerAddresses, partitionsOnBroker, type MetadataImage, type MetadataRecord } from '../../src/controller/metadata-image.js';

/** Applies records at offsets 0, 1, 2, ... as the controller's log would. */
function replay(records: MetadataRecord[], from: MetadataImage = emptyImage()): MetadataImage {
  return records.reduce((image, record) => applyRecord(image, record, image.version), from);
}

const register = (id: number, interBrokerAddress?: string): MetadataRecord => ({
  type: 'registerBroker',
  id,
  host: '127.0.0.1',
  port: 7100 + id,
  incarnation: `i${id}`,
  ...(interBrokerAddress === undefined ? {} : { interBrokerAddress }),
});

const orders: MetadataRecord = { type: 'createTopic', name: 'orders', replicas: [[1, 2], [2, 3]], config: TOPIC_CONFIG_DEFAULTS, internal: false };

describe('metadata image: joining', () => {
  describe('broker registrations', () => {
    it('keep the inter-broker address a broker registered', () => {
      const image = replay([register(4, '10.0.0.4:7204')]);
      expect(image.brokers[4]).to.deep.equal({ id: 4, host: '127.0.0.1', port: 7104, epoch: 0, incarnation: 'i4', interBrokerAddress: '10.0.0.4:7204' });
    });

    it('replays registrations logged before they carried one (JSON without the field)', () => {
      const old = JSON.parse('{"type":"registerBroker","id":2,"host":"h","port":7102,"incarnation":"x"}') as MetadataRecord;
      const image = replay([old]);
      expect(image.brokers[2]).to.deep.equal({ id: 2, host: 'h', port: 7102, epoch: 0, incarnation: 'x' });
      expect(interBrokerAddresses(new Map([[2, 'h:7202']]), image)).to.deep.equal(new Map([[2, 'h:7202']]));
    });
  });

  describe('interBrokerAddresses', () => {
    it('adds registered brokers the configuration does not name, and lets the configuration win where both do', () => {
      const image = replay([register(1, '0.0.0.0:7201'), register(4, '127.0.0.1:7204'), register(5)]);
      const configured = new Map([[1, 'sluice-1:7201'], [2, 'sluice-2:7202']]);
      expect(interBrokerAddresses(configured, image)).to.deep.equal(
        new Map([[1, 'sluice-1:7201'], [2, 'sluice-2:7202'], [4, '127.0.0.1:7204']]),
      );
      expect(configured.size, 'the configured map is not changed').to.equal(2);
    });

    it('forgets a broker once it is unregistered', () => {
      const image = replay([register(4, '127.0.0.1:7204'), { type: 'unregisterBroker', id: 4 }]);
      expect(image.brokers[4]).to.equal(undefined);
      expect(interBrokerAddresses(new Map(), image)).to.deep.equal(new Map());
    });
  });

  describe('createPartitions', () => {
    it('appends the new partitions’ replicas and keeps the existing ones', () => {
      const before = replay([orders]);
      const topicId = before.topics.orders!.topicId;
      const after = replay([{ type: 'createPartitions', name: 'orders', topicId, from: 2, replicas: [[3, 4], [4, 1]] }], before);
      expect(after.topics.orders!.replicas).to.deep.equal([[1, 2], [2, 3], [3, 4], [4, 1]]);
      expect(after.topics.orders!.topicId).to.equal(topicId);
      expect(before.topics.orders!.replicas, 'the old image is untouched').to.have.length(2);
      expect(after.version).to.equal(before.version + 1);
    });

    it('ignores a record that lost a race: another growth first, or the topic deleted or re-created', () => {
      const image = replay([orders]);
      const topicId = image.topics.orders!.topicId;
      const stale = replay([{ type: 'createPartitions', name: 'orders', topicId, from: 1, replicas: [[3, 4]] }], image);
      expect(stale.topics.orders!.replicas).to.have.length(2);
      const recreated = replay([{ type: 'deleteTopic', name: 'orders' }, orders], image);
      const other = replay([{ type: 'createPartitions', name: 'orders', topicId, from: 2, replicas: [[3, 4]] }], recreated);
      expect(other.topics.orders!.replicas).to.have.length(2);
      const gone = replay([{ type: 'createPartitions', name: 'nope', topicId: 0, from: 0, replicas: [[1]] }], image);
      expect(gone.topics.nope).to.equal(undefined);
    });
  });

  it('partitionsOnBroker names every partition that lists a broker among its replicas', () => {
    const image = replay([orders, { type: 'createTopic', name: 'audit', replicas: [[3]], config: TOPIC_CONFIG_DEFAULTS, internal: false }]);
    expect(partitionsOnBroker(image, 2)).to.deep.equal(['orders/0', 'orders/1']);
    expect(partitionsOnBroker(image, 3)).to.deep.equal(['orders/1', 'audit/0']);
    expect(partitionsOnBroker(image, 4)).to.deep.equal([]);
  });
});

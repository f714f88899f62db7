/**
 * `max.connections` on a real broker: idle connections beyond the limit are refused at once, the
 * clients already connected keep being served (and the broker's own files keep their descriptors),
 * and a new client gets in once others leave.
 */
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { brokerApi, CHANNEL_OPTIONS } from '../../src/protocol/grpc.js';
import { fromServiceError, type SluiceError } from '../../src/protocol/errors.js';
import { encodeBatch } from '../../src/protocol/batch.js';
import { BrokerProcess, waitFor } from '../helpers/broker-process.js';
import { RawClient } from '../helpers/raw-client.js';

const MAX_CONNECTIONS = 8;
const IDLE_CONNECTIONS = 300;

/** A Metadata call on a connection of its own (grpc-js otherwise shares one per address across clients). */
function metadataOnNewConnection(address: string): Promise<SluiceError | undefined> {
  const client = new (brokerApi().Broker)(address, grpc.credentials.createInsecure(), { ...CHANNEL_OPTIONS, 'grpc.use_local_subchannel_pool': 1 });
  return new Promise((resolve) => {
    client.Metadata({ topics: [] }, { deadline: Date.now() + 5_000 }, (err) => {
      client.close();
      resolve(err ? fromServiceError(err) : undefined);
    });
  });
}

/** Opens a TCP connection and resolves once it is established; it may be closed by the peer later. */
function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('broker process: max.connections', function () {
  this.timeout(60_000);
  let broker: BrokerProcess | undefined;
  const clients: RawClient[] = [];
  const sockets: Socket[] = [];

  after(async () => {
    for (const socket of sockets) socket.destroy();
    for (const client of clients) client.close();
    await broker?.cleanup();
  });

  it('refuses connections beyond the limit and keeps serving the clients it has', async () => {
    broker = await BrokerProcess.start({ args: ['--max-connections', String(MAX_CONNECTIONS)] });
    const first = new RawClient(broker.address);
    clients.push(first);
    await first.createTopic({ name: 'busy', partitions: 1, replicationFactor: 1 });
    const produce = (client: RawClient) => client.produce({ topic: 'busy', partition: 0, acks: -1, batch: encodeBatch([{ key: null, value: Buffer.from('x') }]) });
    await produce(first);

    // Idle connections, as a misbehaving client opens them; those beyond the limit are closed by the broker.
    const opened = await Promise.all(Array.from({ length: IDLE_CONNECTIONS }, () => openSocket(broker!.port)));
    sockets.push(...opened);
    const open = () => opened.filter((socket) => !socket.destroyed && socket.readyState === 'open');
    opened.forEach((socket) => socket.on('close', () => socket.destroy()));
    await waitFor('connections beyond the limit to be closed', () => (open().length <= MAX_CONNECTIONS - 1 ? true : undefined));

    const refused = await metadataOnNewConnection(broker.address);
    expect(refused?.code, refused?.message).to.equal('BROKER_NOT_AVAILABLE');

    // The clients it has are still served, writes included (LevelDB kept its descriptors).
    expect((await produce(first)).baseOffset).to.equal(1);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    const refusedCount = Number(/^sluice_connections_refused (\d+)/m.exec(metrics)?.[1]);
    expect(refusedCount).to.be.at.least(IDLE_CONNECTIONS - MAX_CONNECTIONS);
    expect(broker.output).to.include(`max.connections=${MAX_CONNECTIONS}`);

    for (const socket of opened) socket.destroy();
    await waitFor('a new client to get in once others left', async () => ((await metadataOnNewConnection(broker!.address)) === undefined ? true : undefined), 20_000, 200);
  });
});

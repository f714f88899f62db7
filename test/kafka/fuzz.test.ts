/**
 * Random bodies behind valid request headers, for every API and version served: KafkaApi answers
 * or refuses the connection (KafkaConnectionError), and nothing else escapes — a network input
 * must never reach an uncaught throw. Seeded; the seed is printed on failure by fast-check.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { KafkaWriter, concatFrame } from '../../src/kafka/codec.js';
import { KafkaApi, KafkaConnectionError } from '../../src/kafka/handlers.js';
import { SUPPORTED_APIS } from '../../src/kafka/apis.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { Broker } from '../../src/broker/broker.js';
import type { GroupCoordinator } from '../../src/groups/coordinator.js';
import { crc32c } from '@node-rs/crc32';
import { compressFrameSync } from 'lz4-napi';
import { kafkaBatchToSluice } from '../../src/kafka/records.js';
import { KafkaProtocolError } from '../../src/kafka/errors.js';

const refuse = (): never => {
  throw new SluiceError('UNKNOWN_TOPIC', 'no such topic');
};
const broker = {
  brokers: () => [{ id: 1, host: 'h', port: 1, alive: true, epoch: 1 }],
  controllerId: () => 1,
  listTopics: () => [],
  describeTopic: refuse,
  partition: refuse,
  produce: () => Promise.reject(new SluiceError('NOT_LEADER', 'elsewhere')),
  fetch: () => Promise.reject(new SluiceError('OFFSET_OUT_OF_RANGE', 'out of range')),
  createTopic: () => Promise.reject(new SluiceError('INVALID_CONFIG', 'no')),
} as unknown as Broker;
const groups = {
  findCoordinator: () => ({ brokerId: 1, host: 'h', port: 1, offsetsPartition: 0 }),
  resetOffsets: () => Promise.resolve(),
  fetchOffsets: () => [],
} as unknown as GroupCoordinator;

describe('kafka handlers under random request bodies', () => {
  it('answer or close the connection, never throw anything else', async () => {
    const api = new KafkaApi({ broker, groups, listeners: () => new Map([[1, { host: 'k', port: 9092 }]]), produceTimeoutMs: 100, fetchMaxWaitMs: 0 });
    const request = fc
      .constantFrom(...SUPPORTED_APIS)
      .chain((spec) => fc.tuple(fc.constant(spec.key), fc.integer({ min: spec.minVersion, max: spec.maxVersion + 1 }), fc.uint8Array({ maxLength: 200 })));
    await fc.assert(
      fc.asyncProperty(request, async ([key, version, body]) => {
        const w = new KafkaWriter(false);
        w.int16(key).int16(version).int32(1).nullableString('fuzz');
        const frame = Buffer.concat([concatFrame(w.finish()).subarray(4), Buffer.from(body)]);
        try {
          const answer = await api.handle(frame, new AbortController().signal);
          if (answer !== null) expect(concatFrame(answer).readInt32BE(4)).to.equal(1);
        } catch (err) {
          if (!(err instanceof KafkaConnectionError)) throw err;
        }
      }),
      { seed: 21, numRuns: 3000 },
    );
  });
});

describe('kafka batch conversion under damaged batches with valid CRCs', () => {
  it('converts or refuses with a Kafka error code, never throws anything else', () => {
    const records = Buffer.from('0c0000000002763104000000', 'hex');
    const arbitrary = fc.record({
      codec: fc.constantFrom(0, 1, 2, 3, 4, 5, 7),
      body: fc.oneof(fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)), fc.constant(compressFrameSync(records))),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      count: fc.integer({ min: -2, max: 5 }),
      length: fc.integer({ min: -20, max: 20 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ codec, body, flips, count, length }) => {
        const batch = Buffer.alloc(61 + body.length);
        batch.writeInt32BE(batch.length - 12 + (length % 3 === 0 ? length : 0), 8);
        batch.writeInt8(2, 16);
        batch.writeInt16BE(codec, 21);
        batch.writeInt32BE(count - 1, 23);
        batch.writeInt32BE(count, 57);
        body.copy(batch, 61);
        for (const [at, xor] of flips) if (body.length > 0) batch[61 + (at % body.length)]! ^= xor;
        batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
        try {
          kafkaBatchToSluice(batch);
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err;
        }
      }),
      { seed: 21, numRuns: 3000 },
    );
  });
});

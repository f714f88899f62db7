/**
 * The Kafka codec against frames built by hand from the protocol's grammar
 * (https://kafka.apache.org/protocol), byte by byte, not by the code under test.
 */
import { expect } from 'chai';
import { KafkaDecodeError, KafkaReader, KafkaWriter, concatFrame } from '../../src/kafka/codec.js';
import { KafkaApi, KafkaConnectionError } from '../../src/kafka/handlers.js';
import { decodeMetadataRequest, encodeMetadataResponse } from '../../src/kafka/api/metadata.js';
import { decodeProduceRequest, encodeProduceResponse } from '../../src/kafka/api/produce.js';
import { decodeFetchRequest, encodeFetchResponse } from '../../src/kafka/api/fetch.js';
import { decodeListOffsetsRequest, encodeListOffsetsResponse } from '../../src/kafka/api/list-offsets.js';
import { SUPPORTED_APIS } from '../../src/kafka/apis.js';
import type { Broker } from '../../src/broker/broker.js';

/** Hex with spaces and comments allowed: `hex('00 01 # a comment')`. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex');
}

const str16 = (s: string): string => Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex') + Buffer.from(s).toString('hex');
const compact = (s: string): string => Buffer.from([s.length + 1]).toString('hex') + Buffer.from(s).toString('hex');

/** The frame body after the 4-byte size prefix, checking the prefix on the way. */
function body(chunks: Buffer[]): Buffer {
  const frame = concatFrame(chunks);
  expect(frame.readInt32BE(0)).to.equal(frame.length - 4);
  return frame.subarray(4);
}

describe('kafka codec: primitives', () => {
  it('writes classic strings, nullable strings, bytes and arrays with fixed-width lengths', () => {
    const w = new KafkaWriter(false);
    w.string('ab').nullableString(null).nullableBytes(Buffer.from([9])).nullableBytes(null).int32Array([1, -1]).bool(true).int64(2 ** 40).tags();
    expect(body(w.finish()).toString('hex')).to.equal(
      '0002' + '6162' + 'ffff' + '00000001' + '09' + 'ffffffff' + '00000002' + '00000001' + 'ffffffff' + '01' + '0000010000000000',
    );
  });

  it('writes compact (flexible) encodings: unsigned varint length + 1, and empty tagged fields', () => {
    const w = new KafkaWriter(true);
    w.string('ab').nullableString(null).int32Array([7]).uvarint(300).tags();
    expect(body(w.finish()).toString('hex')).to.equal('03' + '6162' + '00' + '02' + '00000007' + 'ac02' + '00');
  });

  it('sends large byte fields as chunks of their own, without copying them', () => {
    const big = Buffer.alloc(4096, 7);
    const w = new KafkaWriter(false);
    w.int16(1).nullableBytes(big).int8(2);
    const chunks = w.finish();
    expect(chunks).to.include(big);
    const b = body(chunks);
    expect(b.readInt16BE(0)).to.equal(1);
    expect(b.readInt32BE(2)).to.equal(4096);
    expect(b[b.length - 1]).to.equal(2);
  });

  it('reads what it is given, skipping unknown tagged fields', () => {
    const r = new KafkaReader(hex('03 6162 # compact "ab"\n 02 # two tags\n 00 01 ff # tag 0, 1 byte\n 05 02 aaaa # tag 5, 2 bytes\n 02 00000007 00'), true);
    expect(r.string()).to.equal('ab');
    r.tags();
    expect(r.array((x) => x.int32())).to.deep.equal([7]);
    r.tags();
    expect(r.remaining).to.equal(0);
  });

  it('refuses short input, negative lengths, and array counts the input cannot hold', () => {
    expect(() => new KafkaReader(hex('0005 6162'), false).string()).to.throw(KafkaDecodeError);
    expect(() => new KafkaReader(hex('fffe'), false).nullableString()).to.throw(KafkaDecodeError);
    expect(() => new KafkaReader(hex('7fffffff 00'), false).array((x) => x.int8())).to.throw(KafkaDecodeError, /array of/);
    expect(() => new KafkaReader(hex('ffffffffff'), true).uvarint()).to.throw(KafkaDecodeError);
    expect(() => new KafkaReader(hex('00'), true).string()).to.throw(KafkaDecodeError, /null/);
  });
});

/** A KafkaApi whose broker is never reached (ApiVersions needs none). */
function apiWithoutBroker(): KafkaApi {
  const unreachable = new Proxy({}, { get: () => { throw new Error('the broker was reached'); } }) as unknown as Broker;
  return new KafkaApi({ broker: unreachable, listeners: () => new Map(), produceTimeoutMs: 1000, fetchMaxWaitMs: 1000 });
}

describe('kafka codec: ApiVersions', () => {
  const ranges = SUPPORTED_APIS.map((a) => [a.key, a.minVersion, a.maxVersion] as const);

  it('answers librdkafka\'s v3 request with a v3 body behind a v0 header (no header tags)', async () => {
    const frame = hex(`
      0012 0003 0000002a ${str16('rdkafka')} 00    # header v2: key 18, v3, correlation 42, client id, no tags
      ${compact('librdkafka')} ${compact('2.0.2')} 00   # software name and version, no tags`);
    const answer = body((await apiWithoutBroker().handle(frame, new AbortController().signal))!);
    let expected = '0000002a' + '0000' + Buffer.from([ranges.length + 1]).toString('hex');
    for (const [key, min, max] of ranges) expected += Buffer.from([key >> 8, key & 0xff, 0, min, 0, max]).toString('hex') + '00';
    expected += '00000000' + '00';
    expect(answer.toString('hex')).to.equal(expected);
  });

  it('answers a version it does not serve with UNSUPPORTED_VERSION and its ranges in a v0 body', async () => {
    const frame = hex(`0012 0009 00000007 ffff 00 ${compact('x')} ${compact('y')} 00`);
    const answer = body((await apiWithoutBroker().handle(frame, new AbortController().signal))!);
    let expected = '00000007' + '0023' + ranges.length.toString(16).padStart(8, '0');
    for (const [key, min, max] of ranges) expected += Buffer.from([key >> 8, key & 0xff, 0, min, 0, max]).toString('hex');
    expect(answer.toString('hex')).to.equal(expected);
  });

  it('treats unknown API keys, unserved versions and truncated frames as connection errors', async () => {
    const api = apiWithoutBroker();
    const signal = new AbortController().signal;
    for (const frame of [hex('0063 0000 00000001 ffff'), hex('0003 000c 00000001 ffff'), hex('0012 00'), hex('0003 0001 00000001 ffff 00000005')]) {
      let failure: unknown;
      await api.handle(frame, signal).catch((err: unknown) => (failure = err));
      expect(failure, frame.toString('hex')).to.be.instanceOf(KafkaConnectionError);
    }
  });
});

describe('kafka codec: Metadata', () => {
  it('decodes v1 (null = all topics), v0 (empty = all) and flexible v9 requests', () => {
    expect(decodeMetadataRequest(new KafkaReader(hex('ffffffff'), false), 1).topics).to.equal(null);
    expect(decodeMetadataRequest(new KafkaReader(hex('00000000'), false), 0).topics).to.equal(null);
    expect(decodeMetadataRequest(new KafkaReader(hex('00000000'), false), 1).topics).to.deep.equal([]);
    const v9 = decodeMetadataRequest(new KafkaReader(hex(`02 ${compact('kt')} 00  01 00 01  00`), true), 9);
    expect(v9).to.deep.equal({ topics: ['kt'], allowAutoTopicCreation: true });
  });

  const response = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
    clusterId: null,
    controllerId: 1,
    topics: [
      {
        errorCode: 0,
        name: 't',
        isInternal: false,
        partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
      },
    ],
  };

  it('encodes a v1 response', () => {
    const w = new KafkaWriter(false);
    encodeMetadataResponse(w, 1, response);
    expect(body(w.finish()).toString('hex')).to.equal(
      hex(`
      00000001 00000001 ${str16('h')} 00002384 ffff     # brokers: id 1, "h", 9092, rack null
      00000001                                         # controller id
      00000001 0000 ${str16('t')} 00                   # topic: no error, "t", not internal
      00000001 0000 00000000 00000001 00000001 00000001 00000001 00000001   # partition 0, leader 1, replicas [1], isr [1]
      `).toString('hex'),
    );
  });

  it('encodes a flexible v9 response', () => {
    const w = new KafkaWriter(true);
    encodeMetadataResponse(w, 9, response);
    expect(body(w.finish()).toString('hex')).to.equal(
      hex(`
      00000000                                         # throttle
      02 00000001 ${compact('h')} 00002384 00 00       # brokers: compact array of 1, rack null, tags
      00 00000001                                      # cluster id null, controller 1
      02 0000 ${compact('t')} 00                       # topics: 1, no error, "t", not internal
      02 0000 00000000 00000001 00000003 02 00000001 02 00000001 01 00   # partition, epoch 3, [1], [1], [], tags
      80000000 00                                      # topic authorized operations omitted, tags
      80000000 00                                      # cluster authorized operations omitted, tags
      `).toString('hex'),
    );
  });
});

describe('kafka codec: Produce', () => {
  it('decodes a v7 request and encodes v8 and v2 responses', () => {
    const records = hex('0102030405');
    const request = decodeProduceRequest(
      new KafkaReader(hex(`ffff ffff 00007530 00000001 ${str16('kt')} 00000001 00000002 00000005 0102030405`), false),
      7,
    );
    expect(request).to.deep.equal({ transactionalId: null, acks: -1, timeoutMs: 30000, topics: [{ name: 'kt', partitions: [{ index: 2, records }] }] });
    const answer = { topics: [{ name: 'kt', partitions: [{ index: 2, errorCode: 6, baseOffset: 10, logAppendTimeMs: -1, logStartOffset: 0, errorMessage: 'x' }] }], throttleTimeMs: 0 };
    const v8 = new KafkaWriter(false);
    encodeProduceResponse(v8, 8, answer);
    expect(body(v8.finish()).toString('hex')).to.equal(
      hex(`00000001 ${str16('kt')} 00000001 00000002 0006 000000000000000a ffffffffffffffff 0000000000000000 00000000 ${str16('x')} 00000000`).toString('hex'),
    );
    const v2 = new KafkaWriter(false);
    encodeProduceResponse(v2, 2, answer);
    expect(body(v2.finish()).toString('hex')).to.equal(hex(`00000001 ${str16('kt')} 00000001 00000002 0006 000000000000000a ffffffffffffffff 00000000`).toString('hex'));
  });
});

describe('kafka codec: Fetch', () => {
  it('decodes a v11 request', () => {
    const request = decodeFetchRequest(
      new KafkaReader(
        hex(`ffffffff 000001f4 00000001 03200000 00 00000000 ffffffff   # replica, wait 500, min 1, max, isolation, session, epoch
             00000001 ${str16('kt')} 00000001 00000000 ffffffff 0000000000000005 ffffffffffffffff 00100000   # partition 0 from offset 5
             00000000 ${str16('')}                                   # forgotten topics, rack`),
        false,
      ),
      11,
    );
    expect(request).to.deep.equal({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 0x03200000,
      isolationLevel: 0,
      topics: [{ topic: 'kt', partitions: [{ partition: 0, fetchOffset: 5, partitionMaxBytes: 0x100000 }] }],
    });
  });

  it('encodes a v11 response with the records sent back to back', () => {
    const w = new KafkaWriter(false);
    encodeFetchResponse(w, 11, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      topics: [{ topic: 'kt', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 7, lastStableOffset: 7, logStartOffset: 0, records: [hex('aa'), hex('bbcc')] }] }],
    });
    expect(body(w.finish()).toString('hex')).to.equal(
      hex(`00000000 0000 00000000 00000001 ${str16('kt')} 00000001 00000000 0000
           0000000000000007 0000000000000007 0000000000000000 ffffffff ffffffff 00000003 aabbcc`).toString('hex'),
    );
  });
});

describe('kafka codec: ListOffsets', () => {
  it('decodes a v5 request and encodes its response', () => {
    const request = decodeListOffsetsRequest(new KafkaReader(hex(`ffffffff 00 00000001 ${str16('kt')} 00000001 00000000 ffffffff fffffffffffffffe`), false), 5);
    expect(request).to.deep.equal({ replicaId: -1, topics: [{ name: 'kt', partitions: [{ partitionIndex: 0, timestamp: -2 }] }] });
    const w = new KafkaWriter(false);
    encodeListOffsetsResponse(w, 5, { throttleTimeMs: 0, topics: [{ name: 'kt', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 12, leaderEpoch: 2 }] }] });
    expect(body(w.finish()).toString('hex')).to.equal(
      hex(`00000000 00000001 ${str16('kt')} 00000001 00000000 0000 ffffffffffffffff 000000000000000c 00000002`).toString('hex'),
    );
  });
});

/**
 * KafkaApi over a stand-in broker: the answers' error codes for what the broker core throws, and
 * ACLs held against the listener's (ANONYMOUS) clients.
 */
import { expect } from 'chai';
import { KafkaReader, KafkaWriter, concatFrame } from '../../src/kafka/codec.js';
import * as handlersModule from '../../src/kafka/handlers.js';
import { KafkaApi, type KafkaApiOptions } from '../../src/kafka/handlers.js';
import { KafkaError } from '../../src/kafka/errors.js';
import { SluiceError } from '../../src/protocol/errors.js';
import { encodeBatch } from '../../src/protocol/batch.js';
import { sluiceBatchToKafka } from '../../src/kafka/records.js';
import type { Broker, TopicView } from '../../src/broker/broker.js';
import type { Access } from '../../src/broker/access-rules.js';
import type { AclOperation, Resource } from '../../src/security/acl.js';

function topicView(name: string): TopicView {
  return {
    name,
    replicationFactor: 1,
    configs: {},
    internal: false,
    partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], logStartOffset: 0, logEndOffset: 0, highWatermark: 0, sizeBytes: 0, leaderEpoch: 1 }],
  };
}

/** The few Broker methods the handlers call; anything else fails the test. */
function stubBroker(methods: Partial<Record<keyof Broker, unknown>>): Broker {
  return new Proxy(methods, {
    get: (target, key) => {
      if (key in target) return target[key as keyof typeof target];
      throw new Error(`the handler called broker.${String(key)}`);
    },
  }) as unknown as Broker;
}

const metadataBroker = stubBroker({
  brokers: () => [{ id: 1, host: 'h', port: 7001, alive: true, epoch: 1 }],
  controllerId: () => 1,
  listTopics: () => [topicView('open'), topicView('secret')],
  describeTopic: (name: string) => {
    if (name === 'missing') throw new SluiceError('UNKNOWN_TOPIC', 'no such topic');
    return topicView(name);
  },
  produce: () => Promise.reject(new SluiceError('NOT_LEADER', 'moved')),
});

function denying(secret: string): Access {
  const allowed = (_operation: AclOperation, resource: Resource): boolean => resource.name !== secret;
  return {
    allowed,
    require: (operation, resource) => {
      if (!allowed(operation, resource)) throw new SluiceError('UNAUTHORIZED', `${operation} on ${resource.name} denied`);
    },
    holdsAny: () => true,
  };
}

function api(options: Partial<KafkaApiOptions> = {}): KafkaApi {
  return new KafkaApi({
    broker: metadataBroker,
    listeners: () => new Map([[1, { host: 'k', port: 9092 }]]),
    produceTimeoutMs: 1000,
    fetchMaxWaitMs: 1000,
    ...options,
  });
}

/** A request frame (without size prefix): header v1 and the body `write` adds. */
function request(apiKey: number, version: number, write: (w: KafkaWriter) => void): Buffer {
  const w = new KafkaWriter(false);
  w.int16(apiKey).int16(version).int32(99).nullableString('test');
  write(w);
  return concatFrame(w.finish()).subarray(4);
}

/** Metadata v1 answer: topic names with their error codes, and the brokers listed. */
async function metadata(kafka: KafkaApi, topics: string[] | null) {
  const answer = await kafka.handle(request(3, 1, (w) => w.nullableArray(topics, (x, t) => x.string(t))), new AbortController().signal);
  const r = new KafkaReader(concatFrame(answer!).subarray(4), false);
  expect(r.int32()).to.equal(99);
  const brokers = r.array((x) => ({ id: x.int32(), host: x.string(), port: x.int32(), rack: x.nullableString() }));
  r.int32(); // controller
  const listed = r.array((x) => {
    const errorCode = x.int16();
    const name = x.string();
    x.bool();
    x.array((p) => [p.int16(), p.int32(), p.int32(), p.array((q) => q.int32()), p.array((q) => q.int32())]);
    return [name, errorCode];
  });
  return { brokers, listed };
}

/** A Produce v3 partition answer's error code (index, error, base offset, log append time). */
function partitionCode(r: KafkaReader): number {
  r.int32();
  const code = r.int16();
  r.int64();
  r.int64();
  return code;
}

describe('kafka handlers', () => {
  it('Metadata lists brokers at their Kafka listeners, and answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic', async () => {
    const { brokers, listed } = await metadata(api(), ['open', 'missing']);
    expect(brokers).to.deep.equal([{ id: 1, host: 'k', port: 9092, rack: null }]);
    expect(listed).to.deep.equal([
      ['open', KafkaError.NONE],
      ['missing', KafkaError.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
  });

  it('with ACLs: hides topics the client may not describe and answers TOPIC_AUTHORIZATION_FAILED when asked for them', async () => {
    const kafka = api({ access: denying('secret') });
    expect((await metadata(kafka, null)).listed).to.deep.equal([['open', KafkaError.NONE]]);
    expect((await metadata(kafka, ['secret'])).listed).to.deep.equal([['secret', KafkaError.TOPIC_AUTHORIZATION_FAILED]]);
  });

  it('Produce maps the core\'s errors and ACL refusals to Kafka codes per partition, and acks=0 gets no answer', async () => {
    const batch = Buffer.concat(sluiceBatchToKafka(encodeBatch([{ value: Buffer.from('v') }])));
    const produce = (acks: number) =>
      request(0, 3, (w) =>
        w
          .nullableString(null)
          .int16(acks)
          .int32(1000)
          .array(['open', 'secret', '__consumer_offsets'], (x, t) => x.string(t).array([0], (y, p) => y.int32(p).nullableBytes(batch))),
      );
    const kafka = api({ access: denying('secret') });
    const answer = await kafka.handle(produce(1), new AbortController().signal);
    const r = new KafkaReader(concatFrame(answer!).subarray(4), false);
    r.int32();
    const codes = r.array((x) => [x.string(), x.array(partitionCode)]);
    // "open": the core says NOT_LEADER; "secret": refused before the core is asked; clients never write the offsets topic.
    expect(codes).to.deep.equal([
      ['open', [KafkaError.NOT_LEADER_OR_FOLLOWER]],
      ['secret', [KafkaError.TOPIC_AUTHORIZATION_FAILED]],
      ['__consumer_offsets', [KafkaError.INVALID_TOPIC_EXCEPTION]],
    ]);
    expect(await kafka.handle(produce(0), new AbortController().signal)).to.equal(null);
    const badAcks = await kafka.handle(produce(2), new AbortController().signal);
    const b = new KafkaReader(concatFrame(badAcks!).subarray(4), false);
    b.int32();
    expect(b.array((x) => (x.string(), x.array(partitionCode)))).to.deep.equal([[KafkaError.INVALID_REQUIRED_ACKS], [KafkaError.INVALID_REQUIRED_ACKS], [KafkaError.INVALID_REQUIRED_ACKS]]);
  });
});

describe('kafka handlers: CreateTopics', () => {
  const str16 = (s: string): string => Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex') + Buffer.from(s).toString('hex');

  it('creates topics through the broker (-1 = defaults), refuses manual assignments, and maps TOPIC_EXISTS', async () => {
    const created: unknown[] = [];
    const broker = stubBroker({
      createTopic: (spec: { name: string }) => {
        if (spec.name === 'taken') return Promise.reject(new SluiceError('TOPIC_EXISTS', 'topic "taken" already exists'));
        created.push(spec);
        return Promise.resolve(topicView(spec.name));
      },
    });
    const frame = Buffer.from(
      (
        '0013 0004 00000005 ffff' + // CreateTopics v4, correlation 5, null client id
        '00000003' +
        `${str16('fresh')} ffffffff ffff 00000000 00000001 ${str16('retention.ms')} ${str16('1000')}` + // -1 partitions, -1 replication, one config
        `${str16('manual')} 00000001 0001 00000001 00000000 00000001 00000001 00000000` + // one manual assignment
        `${str16('taken')} 00000002 0001 00000000 00000000` +
        '00007530 00' // timeout 30000, not validate-only
      ).replace(/\s+/g, ''),
      'hex',
    );
    const answer = concatFrame((await api({ broker }).handle(frame, new AbortController().signal))!);
    const expected =
      '00000005 00000000 00000003' +
      `${str16('fresh')} 0000 ffff` +
      `${str16('manual')} 002a ${str16('manual replica assignments are not supported; give num_partitions and replication_factor')}` +
      `${str16('taken')} 0024 ${str16('TOPIC_EXISTS: topic "taken" already exists')}`;
    expect(answer.subarray(4).toString('hex')).to.equal(expected.replace(/\s+/g, ''));
    expect(created).to.deep.equal([{ name: 'fresh', partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '1000' } }]);
  });
});

describe('kafka handlers: group offsets', () => {
  const str16 = (s: string): string => Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex') + Buffer.from(s).toString('hex');
  const hexFrame = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
  const resets: unknown[] = [];
  const groups = {
    findCoordinator: (groupId: string) => {
      if (groupId === 'early') throw new SluiceError('NOT_COORDINATOR', 'no leader yet');
      return { brokerId: 1, host: 'h', port: 7001, offsetsPartition: 3 };
    },
    commitClassic: (groupId: string, memberId: string, generationId: number, offsets: unknown[]) => {
      resets.push({ groupId, memberId, generationId, offsets });
      return Promise.resolve(memberId === '' ? 'NONE' : 'ILLEGAL_GENERATION');
    },
    fetchOffsets: (_groupId: string, keys?: readonly string[]) =>
      [{ topic: 'kt', partition: 0, offset: 42, metadata: 'm', commitTimestampMs: 1, attempts: undefined }].filter(() => keys === undefined || keys.includes(`kt\u00000`)),
  } as unknown as import('../../src/groups/coordinator.js').GroupCoordinator;
  const kafka = () => api({ groups });
  const answer = async (frame: Buffer): Promise<string> => concatFrame((await kafka().handle(frame, new AbortController().signal))!).subarray(4).toString('hex');

  it('FindCoordinator v1 names the offsets partition leader at its Kafka listener, or COORDINATOR_NOT_AVAILABLE', async () => {
    expect(await answer(hexFrame(`000a 0001 00000001 ffff ${str16('g1')} 00`))).to.equal(hexFrame(`00000001 00000000 0000 ffff 00000001 ${str16('k')} 00002384`).toString('hex'));
    expect(await answer(hexFrame(`000a 0001 00000002 ffff ${str16('early')} 00`))).to.equal(
      hexFrame(`00000002 00000000 000f ${str16('NOT_COORDINATOR: no leader yet')} ffffffff 0000 ffffffff`).toString('hex'),
    );
  });

  it('OffsetCommit v2: hands member, generation and offsets to the coordinator and answers its verdict per partition', async () => {
    const commit = (generation: string, member: string) =>
      hexFrame(`0008 0002 00000003 ffff ${str16('g1')} ${generation} ${str16(member)} ffffffffffffffff 00000001 ${str16('kt')} 00000001 00000000 0000000000000007 ffff`);
    expect(await answer(commit('ffffffff', ''))).to.equal(hexFrame(`00000003 00000001 ${str16('kt')} 00000001 00000000 0000`).toString('hex'));
    expect(await answer(commit('00000001', 'member-1'))).to.equal(hexFrame(`00000003 00000001 ${str16('kt')} 00000001 00000000 0016`).toString('hex'));
    expect(resets).to.deep.equal([
      { groupId: 'g1', memberId: '', generationId: -1, offsets: [{ topic: 'kt', partition: 0, offset: 7, metadata: '' }] },
      { groupId: 'g1', memberId: 'member-1', generationId: 1, offsets: [{ topic: 'kt', partition: 0, offset: 7, metadata: '' }] },
    ]);
  });

  it('OffsetFetch v5 answers committed offsets and -1 where nothing was committed', async () => {
    const frame = hexFrame(`0009 0005 00000004 ffff ${str16('g1')} 00000001 ${str16('kt')} 00000002 00000000 00000001`);
    expect(await answer(frame)).to.equal(
      hexFrame(`00000004 00000000 00000001 ${str16('kt')} 00000002
        00000000 000000000000002a ffffffff ${str16('m')} 0000
        00000001 ffffffffffffffff ffffffff ${str16('')} 0000
        0000`).toString('hex'),
    );
  });
});

describe('kafka handlers: InitProducerId', () => {
  it('hands out a producer id from the broker and refuses transactional ids', async () => {
    const broker = stubBroker({ initProducerId: () => Promise.resolve({ producerId: 4096, producerEpoch: 0 }) });
    const frame = (transactionalId: string) => Buffer.from(`0016000100000009ffff${transactionalId}00001388`, 'hex');
    const idempotent = concatFrame((await api({ broker }).handle(frame('ffff'), new AbortController().signal))!);
    expect(idempotent.subarray(4).toString('hex')).to.equal('00000009' + '00000000' + '0000' + '0000000000001000' + '0000');
    const transactional = concatFrame((await api({ broker }).handle(frame('000174'), new AbortController().signal))!);
    expect(transactional.subarray(4).toString('hex')).to.equal('00000009' + '00000000' + '0035' + 'ffffffffffffffff' + 'ffff');
  });
});

describe('kafka handlers: quotas', () => {
  it('records produced bytes and request time against ANONYMOUS, holds the answer for the throttle time and reports it', async () => {
    const recorded: Array<[string, string, number]> = [];
    const held: number[] = [];
    const requestTimes: string[] = [];
    const quotas = {
      record: (principal: string, kind: 'produce' | 'fetch' | 'request', amount: number) => (recorded.push([principal, kind, amount]), 250),
      hold: (ms: number) => (held.push(ms), Promise.resolve()),
      requestThrottleMs: () => 100,
      recordRequestTime: (principal: string) => void requestTimes.push(principal),
    };
    const broker = stubBroker({ produce: () => Promise.resolve({ baseOffset: 0, lastOffset: 0, logStartOffset: 0 }) });
    const batch = Buffer.concat(sluiceBatchToKafka(encodeBatch([{ value: Buffer.from('v') }])));
    const frame = request(0, 3, (w) => w.nullableString(null).int16(1).int32(1000).array(['t'], (x, t) => x.string(t).array([0], (y, p) => y.int32(p).nullableBytes(batch))));
    const answer = concatFrame((await api({ broker, quotas }).handle(frame, new AbortController().signal))!);
    expect(recorded).to.deep.equal([['ANONYMOUS', 'produce', batch.length]]);
    expect(held).to.deep.equal([250]);
    expect(answer.readInt32BE(answer.length - 4)).to.equal(250); // Produce v1+: throttle_time_ms last
    expect(requestTimes).to.deep.equal(['ANONYMOUS']);
    // Any API is held back for the request-time throttle earned so far.
    held.length = 0;
    await api({ broker, quotas }).handle(request(18, 0, () => undefined), new AbortController().signal);
    expect(held).to.deep.equal([100]);
  });
});

describe('kafka handlers: Fetch', () => {
  it('answers whole batches within the request\'s max_bytes, always the first one, in request order', async () => {
    const stored = (value: string) => encodeBatch([{ value: Buffer.from(value) }]);
    const batches = [stored('a'), stored('b'), stored('c')];
    const broker = stubBroker({
      fetch: (_topic: string, index: number) =>
        Promise.resolve({ batches: index === 0 ? batches.slice(0, 2) : batches.slice(2), bytes: 1, highWatermark: 9, logStartOffset: 0, logEndOffset: 9, nextOffset: 9, expiredRecords: 0 }),
    });
    const kafkaSize = batches[0]!.length - 8; // a Kafka batch is 8 bytes shorter (no expireTimestamp)
    const fetch = (maxBytes: number) =>
      request(1, 4, (w) =>
        w.int32(-1).int32(0).int32(1).int32(maxBytes).int8(0).array(['t'], (x, t) => x.string(t).array([0, 1], (y, p) => y.int32(p).int64(0).int32(1 << 20))),
      );
    const sizes = async (maxBytes: number): Promise<number[]> => {
      const answer = concatFrame((await api({ broker }).handle(fetch(maxBytes), new AbortController().signal))!);
      const r = new KafkaReader(answer.subarray(4), false);
      r.int32(); // correlation id
      r.int32(); // throttle
      return r.array((x) => (x.string(), x.array((p) => (p.int32(), p.int16(), p.int64(), p.int64(), p.nullableArray((a) => a.int64()), p.nullableBytes()!.length)))).flat();
    };
    expect(await sizes(1 << 20)).to.deep.equal([2 * kafkaSize, kafkaSize]);
    expect(await sizes(2 * kafkaSize)).to.deep.equal([2 * kafkaSize, 0]);
    expect(await sizes(1)).to.deep.equal([kafkaSize, 0]);
  });
});

describe('kafka handlers: DeleteTopics', () => {
  it('deletes through the broker and answers each topic\'s error code', async () => {
    const deleted: string[] = [];
    const broker = stubBroker({
      deleteTopic: (name: string) => (name === 'gone' ? Promise.reject(new SluiceError('UNKNOWN_TOPIC', 'no such topic')) : (deleted.push(name), Promise.resolve())),
    });
    const str16 = (s: string): string => Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex') + Buffer.from(s).toString('hex');
    const frame = Buffer.from(`0014 0001 00000006 ffff 00000003 ${str16('a')} ${str16('gone')} ${str16('secret')} 00007530`.replace(/\s+/g, ''), 'hex');
    const answer = concatFrame((await api({ broker, access: denying('secret') }).handle(frame, new AbortController().signal))!);
    expect(answer.subarray(4).toString('hex')).to.equal(`00000006 00000000 00000003 ${str16('a')} 0000 ${str16('gone')} 0003 ${str16('secret')} 001d`.replace(/\s+/g, ''));
    expect(deleted).to.deep.equal(['a']);
  });
});

describe('kafka handlers: classic group membership', () => {
  const str16 = (s: string): string => Buffer.from([s.length >> 8, s.length & 0xff]).toString('hex') + Buffer.from(s).toString('hex');
  /** A classic bytes field: int32 length, then the hex bytes. */
  const bytes32 = (b: string): string => (b.length / 2).toString(16).padStart(8, '0') + b;
  const hexFrame = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
  const calls: unknown[] = [];
  const groups = {
    joinGroup: (groupId: string, input: Record<string, unknown>) => {
      calls.push({ groupId, ...input, protocols: (input.protocols as Array<{ name: string; metadata: Buffer }>).map((p) => [p.name, p.metadata.toString('hex')]) });
      if (groupId === 'sluice') throw new SluiceError('GROUP_PROTOCOL_MISMATCH', 'a Sluice group');
      if (input.memberId === '') return Promise.resolve({ error: 'MEMBER_ID_REQUIRED', generationId: -1, protocolName: '', leaderId: '', memberId: 'c-1', members: [] });
      return Promise.resolve({ error: 'NONE', generationId: 4, protocolName: 'range', leaderId: 'c-1', memberId: 'c-1', members: [{ memberId: 'c-1', instanceId: undefined, metadata: Buffer.from([0xab]) }] });
    },
    syncGroup: (groupId: string, memberId: string, generationId: number, assignments: Array<{ memberId: string; assignment: Buffer }>) => {
      calls.push({ groupId, memberId, generationId, assignments: assignments.map((a) => [a.memberId, a.assignment.toString('hex')]) });
      return Promise.resolve({ error: 'NONE', assignment: Buffer.from([0xcd, 0xef]) });
    },
    heartbeatClassic: (groupId: string, memberId: string, generationId: number) => {
      if (groupId === 'loading') throw new SluiceError('NOT_COORDINATOR', 'loading');
      if (groupId === 'elsewhere') throw new SluiceError('NOT_COORDINATOR', 'another broker');
      return generationId === 4 && memberId === 'c-1' ? 'NONE' : 'REBALANCE_IN_PROGRESS';
    },
    leaveGroup: (_groupId: string, memberId: string) => (memberId === 'c-1' ? 'NONE' : 'UNKNOWN_MEMBER_ID'),
    describeClassic: (groupId: string) =>
      groupId === 'g1'
        ? { groupId, state: 'Stable', generationId: 4, protocolType: 'consumer', protocolName: 'range', leaderId: 'c-1', members: [{ memberId: 'c-1', instanceId: undefined, clientId: 'c', clientHost: '', metadata: Buffer.from([1]), assignment: Buffer.from([2]) }] }
        : undefined,
    listGroups: () => [
      { groupId: 'g1', state: 'Stable', members: 1, protocolType: 'consumer' },
      { groupId: 'offsets-only', state: 'Empty', members: 0, protocolType: '' },
    ],
    loading: (groupId: string) => groupId === 'loading',
  } as unknown as import('../../src/groups/coordinator.js').GroupCoordinator;
  const answer = async (frame: Buffer): Promise<string> => concatFrame((await api({ groups }).handle(frame, new AbortController().signal))!).subarray(4).toString('hex');

  it('JoinGroup v5: MEMBER_ID_REQUIRED with the id, then the leader\'s answer with every member; v4+ asks for a known member id', async () => {
    const join = (member: string) =>
      hexFrame(`000b 0005 00000007 ${str16('kafkajs')} ${str16('g1')} 00007530 0000ea60 ${str16(member)} ffff ${str16('consumer')} 00000001 ${str16('range')} ${bytes32('ab')}`);
    expect(await answer(join(''))).to.equal(hexFrame(`00000007 00000000 004f ffffffff ${str16('')} ${str16('')} ${str16('c-1')} 00000000`).toString('hex'));
    expect(await answer(join('c-1'))).to.equal(
      hexFrame(`00000007 00000000 0000 00000004 ${str16('range')} ${str16('c-1')} ${str16('c-1')} 00000001 ${str16('c-1')} ffff ${bytes32('ab')}`).toString('hex'),
    );
    expect(calls[0]).to.deep.include({ groupId: 'g1', memberId: '', clientId: 'kafkajs', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, protocolType: 'consumer', requireKnownMemberId: true });
    expect(calls[0]).to.deep.include({ protocols: [['range', 'ab']] });
  });

  it('JoinGroup v0 (no rebalance timeout: the session timeout) and a Sluice group\'s id: INCONSISTENT_GROUP_PROTOCOL', async () => {
    calls.length = 0;
    const frame = hexFrame(`000b 0000 00000008 ffff ${str16('sluice')} 00001770 ${str16('')} ${str16('consumer')} 00000001 ${str16('range')} ${bytes32('')}`);
    expect(await answer(frame)).to.equal(hexFrame(`00000008 0017 ffffffff ${str16('')} ${str16('')} ${str16('')} 00000000`).toString('hex'));
    expect(calls[0]).to.deep.include({ sessionTimeoutMs: 6_000, rebalanceTimeoutMs: 6_000, requireKnownMemberId: false, clientId: '' });
  });

  it('JoinGroup refuses an over-long group id (INVALID_GROUP_ID) and more protocols than it keeps (INVALID_REQUEST) before the coordinator sees them', async () => {
    calls.length = 0;
    const longGroup = 'g'.repeat(256);
    const frame = (group: string, protocols: number) =>
      hexFrame(`000b 0005 0000000f ffff ${str16(group)} 00007530 0000ea60 ${str16('c-1')} ffff ${str16('consumer')} ${protocols.toString(16).padStart(8, '0')} ${`${str16('range')} ${bytes32('')}`.repeat(protocols)}`);
    expect(await answer(frame(longGroup, 1))).to.equal(hexFrame(`0000000f 00000000 0018 ffffffff ${str16('')} ${str16('')} ${str16('c-1')} 00000000`).toString('hex'));
    expect(await answer(frame('g1', 65))).to.equal(hexFrame(`0000000f 00000000 002a ffffffff ${str16('')} ${str16('')} ${str16('c-1')} 00000000`).toString('hex'));
    expect(calls).to.deep.equal([]);
  });

  it('SyncGroup v3 passes the leader\'s assignments and answers the member\'s', async () => {
    calls.length = 0;
    const frame = hexFrame(`000e 0003 00000009 ffff ${str16('g1')} 00000004 ${str16('c-1')} ffff 00000001 ${str16('c-1')} ${bytes32('0102')}`);
    expect(await answer(frame)).to.equal(hexFrame(`00000009 00000000 0000 ${bytes32('cdef')}`).toString('hex'));
    expect(calls).to.deep.equal([{ groupId: 'g1', memberId: 'c-1', generationId: 4, assignments: [['c-1', '0102']] }]);
  });

  it('Heartbeat v0 and v3: the coordinator\'s verdict; NOT_COORDINATOR, or COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const beat = (version: number, group: string, generation: string) =>
      hexFrame(`000c 000${version} 0000000a ffff ${str16(group)} ${generation} ${str16('c-1')} ${version >= 3 ? 'ffff' : ''}`);
    expect(await answer(beat(3, 'g1', '00000004'))).to.equal('0000000a' + '00000000' + '0000');
    expect(await answer(beat(0, 'g1', '00000003'))).to.equal('0000000a' + '001b');
    expect(await answer(beat(3, 'elsewhere', '00000004'))).to.equal('0000000a' + '00000000' + '0010');
    expect(await answer(beat(3, 'loading', '00000004'))).to.equal('0000000a' + '00000000' + '000e');
  });

  it('LeaveGroup v3 answers per member; v0 with the one member\'s error', async () => {
    const v3 = hexFrame(`000d 0003 0000000b ffff ${str16('g1')} 00000002 ${str16('c-1')} ffff ${str16('c-2')} ffff`);
    expect(await answer(v3)).to.equal(hexFrame(`0000000b 00000000 0000 00000002 ${str16('c-1')} ffff 0000 ${str16('c-2')} ffff 0019`).toString('hex'));
    const v0 = hexFrame(`000d 0000 0000000c ffff ${str16('g1')} ${str16('c-2')}`);
    expect(await answer(v0)).to.equal('0000000c' + '0019');
  });

  it('DescribeGroups v4 shows a classic group\'s members and bytes; unknown groups are Dead', async () => {
    const frame = hexFrame(`000f 0004 0000000d ffff 00000002 ${str16('g1')} ${str16('nobody')} 00`);
    expect(await answer(frame)).to.equal(
      hexFrame(`0000000d 00000000 00000002
        0000 ${str16('g1')} ${str16('Stable')} ${str16('consumer')} ${str16('range')}
          00000001 ${str16('c-1')} ffff ${str16('c')} ${str16('')} ${bytes32('01')} ${bytes32('02')} 80000000
        0000 ${str16('nobody')} ${str16('Dead')} ${str16('')} ${str16('')} 00000000 80000000`).toString('hex'),
    );
  });

  it('ListGroups v2 lists the groups this broker coordinates with their protocol type', async () => {
    expect(await answer(hexFrame(`0010 0002 0000000e ffff`))).to.equal(
      hexFrame(`0000000e 00000000 0000 00000002 ${str16('g1')} ${str16('consumer')} ${str16('offsets-only')} ${str16('')}`).toString('hex'),
    );
  });
});

describe('kafka handlers: Metadata broker list', () => {
  const view = (id: number, alive: boolean, epoch = 5) => ({ id, host: 'h', port: 7000 + id, alive, epoch, storageFault: '', damagedReplicas: [] });
  const listeners = new Map([1, 2, 3, 4].map((id) => [id, { host: 'k', port: 9100 + id }]));
  const led = (leaderId: number) => ({ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId, leaderEpoch: 1, replicaNodes: [1, 2, 3], isrNodes: [leaderId], offlineReplicas: [] }] });

  it('lists alive brokers, and a partition leader or the controller even when this broker does not know them alive', () => {
    const { metadataBrokers } = handlersModule;
    // Right after start: only this broker (2) is known alive, broker 1 leads, broker 3 is the controller.
    const ids = metadataBrokers([view(1, false), view(2, true), view(3, false), view(4, false)], listeners, [led(1)], 3).map((b) => b.nodeId);
    expect(ids).to.deep.equal([1, 2, 3]);
  });

  it('leaves out brokers that never registered or have no Kafka listener', () => {
    const { metadataBrokers } = handlersModule;
    const ids = metadataBrokers([view(1, false, -1), view(2, true), view(5, true)], listeners, [led(1)], -1).map((b) => b.nodeId);
    expect(ids).to.deep.equal([2]);
  });
});

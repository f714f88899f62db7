/**
 * What the producer does with records of the wrong shape: a bad record fails its own send, at
 * once, with an error naming it, and leaves the producer as it was (nothing buffered, nothing sent,
 * later sends and close work).
 */
import { expect } from 'chai';
import { Cluster, Producer, resolveClientOptions, SluiceError, type ProduceCall, type ProducerRecord, type ProducerTransport } from '../../src/client/index.js';
import { decodeBatch, type DecodedRecord } from '../../src/protocol/batch.js';
import { VirtualClock } from '../../src/runtime/virtual-clock.js';

/** A one-partition "broker" that appends every batch it gets. */
class StoringTransport implements ProducerTransport {
  readonly records: DecodedRecord[] = [];
  /** Base sequence of each batch. */
  readonly sequences: number[] = [];
  /** Whether metadata is cached: when not, `send` appends its records a few microtasks later. */
  cached = true;

  cachedPartitionCount(): number | undefined {
    return this.cached ? 1 : undefined;
  }

  async partitionCount(): Promise<number> {
    return 1;
  }

  /** The leader never moves here: the watch only ends with its backoff. */
  leaderMoved(_topic: string, _partition: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true }));
  }

  async initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
    return { producerId: 1, producerEpoch: 0 };
  }

  async produce(call: ProduceCall): Promise<{ baseOffset: number }> {
    const baseOffset = this.records.length;
    const { header, records } = decodeBatch(call.batch);
    this.records.push(...records);
    this.sequences.push(header.baseSequence);
    return { baseOffset };
  }

  close(): void {}
}

const LINGER_MS = 5;

function setup(): { transport: StoringTransport; clock: VirtualClock; producer: Producer } {
  const transport = new StoringTransport();
  const clock = new VirtualClock();
  const cluster = new Cluster(resolveClientOptions({ bootstrap: '127.0.0.1:1', retry: { retries: 0, initialBackoffMs: 1, maxBackoffMs: 1 }, runtime: { clock } }));
  return { transport, clock, producer: new Producer(cluster, { lingerMs: LINGER_MS }, { transport }) };
}

/** The promise's outcome once it settles, or 'pending' when it has not after many event-loop turns. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  let result: unknown = 'pending';
  promise.then(
    () => (result = 'resolved'),
    (err: unknown) => (result = err),
  );
  for (let i = 0; i < 100 && result === 'pending'; i++) await new Promise((resolve) => setImmediate(resolve));
  return result;
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const values = (records: DecodedRecord[]) => records.map((record) => record.value?.toString() ?? null);

describe('Producer record checks', () => {
  const bad: Array<[string, unknown, typeof TypeError | typeof RangeError, RegExp]> = [
    ['a number value', { value: 42 }, TypeError, /^record 1: value must be a string, a Buffer or null, got number 42$/],
    ['an object value', { value: { a: 1 } }, TypeError, /^record 1: value must .* got an object$/],
    ['no value', {}, TypeError, /^record 1: value must .* got undefined$/],
    ['a number key', { key: 7, value: 'x' }, TypeError, /^record 1: key must be a string, a Buffer or null, got number 7$/],
    ['a string timestamp', { value: 'x', timestamp: 'now' }, RangeError, /^record 1: timestamp must be an integer >= 0 .* got "now"$/],
    ['a negative timestamp', { value: 'x', timestamp: -5 }, RangeError, /^record 1: timestamp .* got number -5$/],
    ['a fractional timestamp', { value: 'x', timestamp: 1.5 }, RangeError, /^record 1: timestamp .* got number 1.5$/],
    ['a timestamp beyond 2^53', { value: 'x', timestamp: 2 ** 60 }, RangeError, /^record 1: timestamp/],
    ['a ttlMs beyond 2^53', { value: 'x', ttlMs: 1e300 }, RangeError, /^record 1: ttlMs must be a positive integer/],
    ['an expiry beyond 2^53', { value: 'x', ttlMs: Number.MAX_SAFE_INTEGER - 1 }, RangeError, /^record 1: timestamp \+ ttlMs .* beyond 2\^53/],
    ['a number header value', { value: 'x', headers: { a: 5 } }, TypeError, /^record 1: header "a" value must be a string or a Buffer, got number 5$/],
    ['a null header value', { value: 'x', headers: { a: null } }, TypeError, /^record 1: header "a" value .* got null$/],
    ['a number header key', { value: 'x', headers: [{ key: 1, value: 'v' }] }, TypeError, /^record 1: headers\[0\]\.key must be a string, got number 1$/],
    ['a header that is no object', { value: 'x', headers: ['a'] }, TypeError, /^record 1: headers\[0\] must be \{ key, value \}/],
    ['headers that are a string', { value: 'x', headers: 'a=b' }, TypeError, /^record 1: headers must be an object or an array/],
    ['no record at all', null, TypeError, /^record 1 must be an object, got null$/],
  ];

  for (const [what, record, type, message] of bad) {
    it(`fails a send with ${what} at once, appending none of its records, and the producer goes on`, async () => {
      const { transport, clock, producer } = setup();
      const sent = producer.send({ topic: 't', records: [{ value: 'good' }, record as ProducerRecord] });
      const err = await outcome(sent);
      expect(err).to.be.instanceOf(type);
      expect((err as Error).message).to.match(message);
      expect(producer.bufferedBytes).to.equal(0);
      await clock.run(clock.nowMs() + LINGER_MS); // the linger timer of a batch left behind would fire here
      const next = producer.send({ topic: 't', records: [{ value: 'next' }] });
      await producer.flush();
      expect((await next).map((metadata) => metadata.offset)).to.deep.equal([0]);
      expect(values(transport.records)).to.deep.equal(['next']);
      await producer.close();
    });
  }

  it('fails a send whose record was changed, before it was appended, into one of no measurable size', async () => {
    const { transport, clock, producer } = setup();
    transport.cached = false;
    const record = { value: 'x', headers: { a: 'b' } as Record<string, unknown> };
    const sent = producer.send({ topic: 't', records: [record as ProducerRecord] });
    record.headers.a = 5;
    const err = await outcome(sent);
    expect(err).to.be.instanceOf(TypeError);
    expect((err as Error).message).to.equal('record 0 was changed after send(): its size came out as NaN');
    expect(producer.bufferedBytes).to.equal(0);
    await clock.run(clock.nowMs() + LINGER_MS);
    transport.cached = true;
    const next = producer.send({ topic: 't', records: [{ value: 'next' }] });
    expect(await outcome(producer.close())).to.equal('resolved');
    expect((await next).map((metadata) => metadata.offset)).to.deep.equal([0]);
    expect(values(transport.records)).to.deep.equal(['next']);
  });

  it('fails the sends of a batch that cannot be encoded when its linger time is up, and goes on', async () => {
    const { transport, clock, producer } = setup();
    transport.cached = false;
    const record: ProducerRecord = { value: 'x' };
    const sent = producer.send({ topic: 't', records: [record] });
    (record as { timestamp: unknown }).timestamp = 'now'; // the record is appended with it, and its batch stamped with it
    await until('the record is appended', () => producer.bufferedBytes > 0);
    const settled = outcome(sent);
    await clock.run(clock.nowMs() + LINGER_MS); // the linger timer seals the batch: a throw there would end the process
    const err = await settled;
    expect(err).to.be.instanceOf(SluiceError);
    expect(err).to.include({ code: 'INTERNAL', message: 'INTERNAL: cannot encode a batch of t/0: now is not a safe integer' });
    expect(producer.bufferedBytes).to.equal(0);
    transport.cached = true;
    const next = producer.send({ topic: 't', records: [{ value: 'next' }] });
    expect(await outcome(producer.close())).to.equal('resolved');
    expect((await next).map((metadata) => metadata.offset)).to.deep.equal([0]);
    expect(values(transport.records)).to.deep.equal(['next']);
    expect(transport.sequences).to.deep.equal([0]); // the dropped batch took no sequence numbers
  });

  it('takes every shape the types allow, and a Uint8Array as bytes', async () => {
    const { transport, producer } = setup();
    const records: ProducerRecord[] = [
      { value: null },
      { key: null, value: Buffer.from('buffer'), timestamp: 0 },
      { key: 'k', value: new Uint8Array([0x75, 0x38]) as Buffer, headers: [{ key: 'h', value: new Uint8Array([1]) as Buffer }] },
      { value: 'ttl', ttlMs: 1000, headers: { a: 'b', c: Buffer.from('d') } },
    ];
    const sent = producer.send({ topic: 't', records });
    await producer.flush();
    expect((await sent).map((metadata) => metadata.offset)).to.deep.equal([0, 1, 2, 3]);
    expect(values(transport.records)).to.deep.equal([null, 'buffer', 'u8', 'ttl']);
    expect(transport.records[1]!.timestamp).to.equal(0);
    expect(transport.records[2]!.headers).to.deep.equal([{ key: 'h', value: Buffer.from([1]) }]);
    expect(transport.records[3]!.ttlMs).to.equal(1000);
    await producer.close();
  });
});

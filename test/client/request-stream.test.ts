/**
 * RequestStream against an in-process gRPC server that speaks the ProduceStream method with a
 * scripted handler: matching by correlation id, errors, timeouts, aborts and broken streams.
 */
import { expect } from 'chai';
import * as grpc from '@grpc/grpc-js';
import { Cancellation } from '../../src/client/cancellation.js';
import { RequestStream } from '../../src/client/request-stream.js';
import { SluiceError } from '../../src/protocol/errors.js';
import type { ProduceRequest__Output } from '../../src/protocol/generated/sluice/v1/ProduceRequest.js';
import type { ProduceResponse, ProduceResponse__Output } from '../../src/protocol/generated/sluice/v1/ProduceResponse.js';
import { brokerApi } from '../../src/protocol/grpc.js';
import { systemClock } from '../../src/runtime/clock.js';

type Call = grpc.ServerDuplexStream<ProduceRequest__Output, ProduceResponse>;
const method = () => brokerApi().Broker.service.ProduceStream;
const body = (topic: string) => (correlationId: number): Buffer =>
  method().requestSerialize({ topic, partition: 0, acks: 1, batch: Buffer.from('x'), correlationId });

describe('RequestStream', function () {
  this.timeout(10_000);
  let server: grpc.Server;
  let client: grpc.Client;
  let onRequest: (request: ProduceRequest__Output, call: Call) => void;
  let streamsOpened: number;

  beforeEach(async () => {
    streamsOpened = 0;
    server = new grpc.Server();
    server.addService({ ProduceStream: method() }, {
      ProduceStream: (call: Call) => {
        streamsOpened++;
        call.on('data', (request: ProduceRequest__Output) => onRequest(request, call));
        call.on('error', () => undefined);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  afterEach(() => {
    client.close();
    server.forceShutdown();
  });

  function stream(): RequestStream<ProduceResponse__Output> {
    return new RequestStream(client, method().path, method().responseDeserialize, systemClock);
  }

  async function failure(promise: Promise<unknown>): Promise<SluiceError> {
    try {
      await promise;
    } catch (err) {
      expect(err).to.be.instanceOf(SluiceError);
      return err as SluiceError;
    }
    throw new Error('expected a failure');
  }

  it('matches answers given in another order to their requests by correlation id', async () => {
    const held: Array<[ProduceRequest__Output, Call]> = [];
    onRequest = (request, call) => {
      held.push([request, call]);
      if (held.length < 3) return;
      for (const [r, c] of held.reverse()) c.write({ correlationId: r.correlationId, baseOffset: Number(r.topic.slice(1)) });
    };
    const requests = stream();
    const answers = await Promise.all(['t1', 't2', 't3'].map((topic) => requests.request(body(topic), 5_000)));
    expect(answers.map((a) => a.baseOffset)).to.deep.equal([1, 2, 3]);
    expect(requests.unanswered).to.equal(0);
    expect(streamsOpened).to.equal(1);
    requests.close();
  });

  it('turns an answer with an error into that SluiceError, leader hint included, and keeps the stream', async () => {
    onRequest = (request, call) =>
      call.write(
        request.topic === 'moved'
          ? { correlationId: request.correlationId, error: { code: 'NOT_LEADER', message: 'NOT_LEADER: ask broker 2', leaderHint: '127.0.0.1:7002' } }
          : { correlationId: request.correlationId, baseOffset: 9 },
      );
    const requests = stream();
    const err = await failure(requests.request(body('moved'), 5_000));
    expect([err.code, err.message, err.leaderHint, err.retriable]).to.deep.equal(['NOT_LEADER', 'NOT_LEADER: ask broker 2', '127.0.0.1:7002', true]);
    expect((await requests.request(body('fine'), 5_000)).baseOffset).to.equal(9);
    expect(streamsOpened).to.equal(1);
    requests.close();
  });

  it('honours throttle_time_ms: sends nothing more to the broker for that long, then the held requests in order', async () => {
    const THROTTLE_MS = 600;
    const arrivals: Array<[string, number]> = [];
    onRequest = (request, call) => {
      arrivals.push([request.topic, Date.now()]);
      call.write({ correlationId: request.correlationId, baseOffset: 1, throttleTimeMs: request.topic === 'first' ? THROTTLE_MS : 0 });
    };
    const requests = stream();
    await requests.request(body('first'), 5_000);
    const answeredAt = Date.now();
    await Promise.all(['a', 'b', 'c'].map((topic) => requests.request(body(topic), 5_000)));
    expect(arrivals.map(([topic]) => topic)).to.deep.equal(['first', 'a', 'b', 'c']);
    // Timers may fire a millisecond early by Date.now(); never a whole throttle early.
    for (const [, at] of arrivals.slice(1)) expect(at - answeredAt).to.be.at.least(THROTTLE_MS - 5);
    // Unthrottled answers send at once again.
    const before = Date.now();
    await requests.request(body('d'), 5_000);
    expect(arrivals.at(-1)![1] - before).to.be.below(THROTTLE_MS);
    requests.close();
  });

  it('times a request out, resets the stream (failing the others retriably) and opens a new one for the next', async () => {
    onRequest = (request, call) => {
      if (request.topic === 'answer') call.write({ correlationId: request.correlationId, baseOffset: 1 });
    };
    const requests = stream();
    const other = failure(requests.request(body('silent'), 5_000));
    const timedOut = await failure(requests.request(body('silent'), 100));
    expect(timedOut.code).to.equal('REQUEST_TIMED_OUT');
    const reset = await other;
    expect([reset.code, reset.retriable]).to.deep.equal(['BROKER_NOT_AVAILABLE', true]);
    expect((await requests.request(body('answer'), 5_000)).baseOffset).to.equal(1);
    expect(streamsOpened).to.equal(2);
    requests.close();
  });

  it('fails unanswered requests retriably when the broker ends or breaks the stream, then reconnects', async () => {
    onRequest = (request, call) => {
      if (request.topic === 'end') call.end();
      else if (request.topic === 'break') call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'boom' });
      else call.write({ correlationId: request.correlationId, baseOffset: 2 });
    };
    const requests = stream();
    const ended = await failure(requests.request(body('end'), 5_000));
    expect([ended.code, ended.retriable]).to.deep.equal(['BROKER_NOT_AVAILABLE', true]);
    expect((await requests.request(body('ok'), 5_000)).baseOffset).to.equal(2);
    const broken = await failure(requests.request(body('break'), 5_000));
    expect([broken.code, broken.message]).to.deep.equal(['BROKER_NOT_AVAILABLE', 'BROKER_NOT_AVAILABLE: boom']);
    expect((await requests.request(body('ok'), 5_000)).baseOffset).to.equal(2);
    expect(streamsOpened).to.equal(3);
    requests.close();
  });

  it('drops a cancelled request at once and ignores its late answer', async () => {
    let late: (() => void) | undefined;
    onRequest = (request, call) => {
      if (request.topic === 'slow') late = () => call.write({ correlationId: request.correlationId, baseOffset: 5 });
      else call.write({ correlationId: request.correlationId, baseOffset: 6 });
    };
    const requests = stream();
    const cancellation = new Cancellation();
    const slow = failure(requests.request(body('slow'), 5_000, cancellation));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => late && (clearInterval(poll), resolve()), 5);
    });
    cancellation.cancel();
    await slow;
    expect(requests.unanswered).to.equal(0);
    late!();
    expect((await requests.request(body('next'), 5_000)).baseOffset).to.equal(6);
    requests.close();
  });

  it('refuses a request whose cancellation already fired, without sending it', async () => {
    let sent = 0;
    onRequest = (request, call) => {
      sent++;
      call.write({ correlationId: request.correlationId, baseOffset: 7 });
    };
    const requests = stream();
    const cancellation = new Cancellation();
    cancellation.cancel();
    const err = await failure(requests.request(body('never'), 5_000, cancellation));
    expect(err.message).to.match(/cancelled/);
    expect((await requests.request(body('next'), 5_000)).baseOffset).to.equal(7);
    expect(sent).to.equal(1);
    requests.close();
  });

  it('fails what is unanswered when closed, and refuses new requests', async () => {
    onRequest = () => undefined;
    const requests = stream();
    const pending = failure(requests.request(body('silent'), 5_000));
    requests.close();
    expect((await pending).code).to.equal('BROKER_NOT_AVAILABLE');
    expect((await failure(requests.request(body('after'), 5_000))).message).to.match(/closed/);
  });
});

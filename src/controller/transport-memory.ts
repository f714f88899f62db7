/**
 * ControllerTransports for several brokers in one process, over a MemoryNetwork (shared with the
 * in-memory Raft transport in a simulation, so controller traffic meets the same faults). A call
 * travels to the target as a message, runs against the controller service the target broker
 * serves (`serve`), and its answer or error travels back; errors cross as code, message and leader
 * hint, as over gRPC. A broker that serves nothing refuses the call (BROKER_NOT_AVAILABLE, a
 * connection refused); a call whose request or answer is lost fails at its deadline.
 */
import { SluiceError, isErrorCode } from '../protocol/errors.js';
import type { MemoryNetwork } from '../runtime/memory-network.js';
import type { ControllerRpc, ControllerTransport } from './rpc.js';

type Method = keyof ControllerRpc;

interface Request {
  method: Method;
  args: unknown[];
}

interface Caller {
  id: number;
  closed: boolean;
}

type Answer = { ok: true; value: unknown } | { ok: false; code: string; message: string; leaderHint: string | undefined };

function errorAnswer(err: unknown): Answer {
  if (err instanceof SluiceError) {
    // The message starts with the code, which the receiving side's SluiceError adds again.
    const prefix = `${err.code}: `;
    const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return { ok: false, code: err.code, message, leaderHint: err.leaderHint };
  }
  return { ok: false, code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), leaderHint: undefined };
}

function answerError(answer: Extract<Answer, { ok: false }>): SluiceError {
  return new SluiceError(isErrorCode(answer.code) ? answer.code : 'INTERNAL', answer.message, answer.leaderHint);
}

export class MemoryControllerTransportHub {
  private readonly services = new Map<number, ControllerRpc>();

  constructor(readonly network: MemoryNetwork) {}

  /** Broker `brokerId` answers controller calls with `service` (until `stopServing`). */
  serve(brokerId: number, service: ControllerRpc): void {
    this.services.set(brokerId, service);
  }

  /** The broker stopped (or crashed): calls to it are refused. */
  stopServing(brokerId: number): void {
    this.services.delete(brokerId);
  }

  /** The calling side of broker `brokerId`; once closed (the broker stopped or crashed), its calls never settle. */
  transport(brokerId: number): ControllerTransport {
    const caller = { id: brokerId, closed: false };
    return {
      to: (target, deadlineMs) => this.stub(caller, target, deadlineMs),
      close: () => {
        caller.closed = true;
      },
    };
  }

  private stub(caller: Caller, to: number, deadlineMs: number): ControllerRpc {
    const call = <T>(method: Method, ...args: unknown[]): Promise<T> => this.call(caller, to, deadlineMs, { method, args }) as Promise<T>;
    return {
      registerBroker: (request) => call('registerBroker', request),
      brokerHeartbeat: (request) => call('brokerHeartbeat', request),
      createTopic: (spec) => call('createTopic', spec),
      deleteTopic: (name) => call('deleteTopic', name),
      alterTopicConfig: (name, set, reset) => call('alterTopicConfig', name, set, reset),
      allocateProducerIds: (brokerId, count) => call('allocateProducerIds', brokerId, count),
      upsertScramCredential: (user, mechanism, credential) => call('upsertScramCredential', user, mechanism, credential),
      deleteUser: (user) => call('deleteUser', user),
      createAcl: (acl) => call('createAcl', acl),
      deleteAcl: (acl) => call('deleteAcl', acl),
      alterClientQuotas: (principal, set, remove) => call('alterClientQuotas', principal, set, remove),
      alterReassignments: (spec) => call('alterReassignments', spec),
      createPartitions: (name, count) => call('createPartitions', name, count),
      unregisterBroker: (brokerId) => call('unregisterBroker', brokerId),
    };
  }

  private call(caller: Caller, to: number, deadlineMs: number, request: Request): Promise<unknown> {
    const clock = this.network.clock;
    const from = caller.id;
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (answer: Answer): void => {
        // A duplicated answer, one after the deadline, or one to a caller that is gone.
        if (settled || caller.closed) return;
        settled = true;
        clock.clearTimer(timer);
        if (answer.ok) resolve(answer.value);
        else reject(answerError(answer));
      };
      const timer = clock.setTimeout(
        () => settle({ ok: false, code: 'REQUEST_TIMED_OUT', message: `broker ${to} did not answer ${request.method} in time`, leaderHint: undefined }),
        deadlineMs - clock.nowMs(),
      );
      this.network.send(from, to, request, {
        arrive: (arrived) => void this.answer(to, arrived).then((answer) => this.network.send(to, from, answer, { arrive: settle, lost: () => undefined })),
        lost: () => undefined,
      });
    });
  }

  /** Runs a request on the target broker's service. */
  private async answer(brokerId: number, request: Request): Promise<Answer> {
    const service = this.services.get(brokerId);
    if (service === undefined) return { ok: false, code: 'BROKER_NOT_AVAILABLE', message: `broker ${brokerId} is not serving`, leaderHint: undefined };
    try {
      const method = service[request.method] as (...args: unknown[]) => Promise<unknown>;
      return { ok: true, value: await method.apply(service, request.args) };
    } catch (err) {
      return errorAnswer(err);
    }
  }
}

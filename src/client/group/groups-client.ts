/**
 * Calls to the Groups service: finds each group's coordinator (FindCoordinator on any broker),
 * caches it, and finds it again when the coordinator moved or went away.
 */
import * as grpc from '@grpc/grpc-js';
import { fromServiceError, SluiceError } from '../../protocol/errors.js';
import type { FindCoordinatorResponse__Output } from '../../protocol/generated/sluice/v1/FindCoordinatorResponse.js';
import type { GroupsClient as GroupsStub } from '../../protocol/generated/sluice/v1/Groups.js';
import { Cluster, unary } from '../cluster.js';
import { withRetry, type RetryOptions } from '../retry.js';

/** Codes after which the cached coordinator address is probably wrong. */
const STALE_COORDINATOR_CODES: ReadonlySet<string> = new Set(['NOT_COORDINATOR', 'BROKER_NOT_AVAILABLE', 'SHUTTING_DOWN', 'REQUEST_TIMED_OUT']);

export type GroupsInvoke<T> = (stub: GroupsStub, options: grpc.CallOptions, callback: grpc.requestCallback<T>) => grpc.ClientUnaryCall;

export class GroupsClient {
  private readonly coordinators = new Map<string, string>();

  constructor(readonly cluster: Cluster) {}

  /** Calls the group's coordinator; retries retriable errors (after finding the coordinator again). */
  toCoordinator<T>(groupId: string, invoke: GroupsInvoke<T>, retry: RetryOptions = this.cluster.options.retry): Promise<T> {
    return withRetry(async () => {
      const address = await this.coordinator(groupId);
      try {
        return await unary<T>((cb) => invoke(this.stub(address), this.cluster.deadline(), cb));
      } catch (raw) {
        const err = fromServiceError(raw);
        if (STALE_COORDINATOR_CODES.has(err.code)) this.coordinators.delete(groupId);
        throw err;
      }
    }, retry, this.cluster.retryHooks);
  }

  /** Calls one broker (for requests every broker answers for its own groups, e.g. ListGroups). */
  toBroker<T>(address: string, invoke: GroupsInvoke<T>): Promise<T> {
    return withRetry(async () => {
      try {
        return await unary<T>((cb) => invoke(this.stub(address), this.cluster.deadline(), cb));
      } catch (raw) {
        throw fromServiceError(raw);
      }
    }, this.cluster.options.retry, this.cluster.retryHooks);
  }

  close(): void {
    this.cluster.close();
  }

  private async coordinator(groupId: string): Promise<string> {
    const cached = this.coordinators.get(groupId);
    if (cached) return cached;
    const address = this.cluster.anyAddress();
    let response: FindCoordinatorResponse__Output;
    try {
      response = await unary<FindCoordinatorResponse__Output>((cb) =>
        this.stub(address).FindCoordinator({ groupId }, this.cluster.deadline(), cb),
      );
    } catch (raw) {
      const err = fromServiceError(raw);
      this.cluster.noteAddressError(address, err);
      throw err;
    }
    if (!response.host) throw new SluiceError('NOT_COORDINATOR', `no coordinator for group ${groupId} yet`);
    const found = `${response.host}:${response.port}`;
    this.coordinators.set(groupId, found);
    return found;
  }

  private stub(address: string): GroupsStub {
    return this.cluster.groups(address);
  }
}

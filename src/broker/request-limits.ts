/** The per-broker limits the request handlers apply (docs/SECURITY.md "Limits"), shared by every service. */
import { LIMIT_DEFAULTS, type BrokerLimits } from '../config/limits.js';
import { SluiceError } from '../protocol/errors.js';
import { ByteBudget } from './byte-budget.js';

export class RequestLimits {
  /** queued.max.request.bytes: produce bytes being served, over every client. */
  readonly produceBytes: ByteBudget;
  readonly inflightPerStream: number;
  readonly messageMaxBytes: number;
  private readonly waitingFetchesMax: number;
  private waitingFetchCount = 0;

  constructor(limits: BrokerLimits = LIMIT_DEFAULTS) {
    this.produceBytes = new ByteBudget(limits.queuedMaxRequestBytes);
    this.inflightPerStream = limits.maxInflightRequestsPerStream;
    this.messageMaxBytes = limits.messageMaxBytes;
    this.waitingFetchesMax = limits.maxWaitingFetches;
  }

  /** Counts a fetch that may long-poll (BROKER_BUSY at max.waiting.fetches); exitWaitingFetch when it ends. */
  enterWaitingFetch(): void {
    if (this.waitingFetchCount >= this.waitingFetchesMax) {
      throw new SluiceError('BROKER_BUSY', `${this.waitingFetchCount} fetches are waiting on this broker, max.waiting.fetches=${this.waitingFetchesMax}; retry later`);
    }
    this.waitingFetchCount++;
  }

  exitWaitingFetch(): void {
    this.waitingFetchCount--;
  }

  /** A unary produce's bytes (BROKER_BUSY when the budget is used up: streams wait instead); call the result when it ends. */
  enterProduce(bytes: number): () => void {
    if (!this.produceBytes.tryAcquire(bytes)) {
      throw new SluiceError('BROKER_BUSY', `${this.produceBytes.used} bytes of produce requests are being served, queued.max.request.bytes=${this.produceBytes.capacityBytes}; retry later`);
    }
    return () => this.produceBytes.release(bytes);
  }
}

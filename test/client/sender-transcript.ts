/**
 * Transcript harness for the producer's per-partition sender (src/client/producer/partition-sender.ts),
 * in the format of test/raft/transcript.ts: each command, then `----` and the actions it caused.
 * The harness plays the driver: it holds the batches the accumulator would hand over, seals them
 * while the sender has room (as `Producer.pump` does), and prints every action, naming batches
 * b0, b1, … by the sender's ids with their epoch and sequence range.
 *
 * Commands:
 *   sender [idempotent|plain] [max-in-flight=N] [retries=N] [epoch=N]   a new sender, starting over
 *   ready N [N…]          batches of N records become sendable
 *   ok bI OFFSET          the leader stored bI at OFFSET
 *   err bI CODE           bI's attempt failed with CODE (retriable as the error table says)
 *   elapse                the backoff asked for is over
 *   close                 the producer closes
 *   status                the sender's state
 *
 * Backoffs: 100 ms doubling to at most 1000 ms; the jitter (20%) is drawn as 0.5, so it cancels.
 */
import { ERROR_CODES, SluiceError, type ErrorCode } from '../../src/protocol/errors.js';
import { PartitionSender, SEQUENCE_MODULUS, type SenderAction, type SenderEvent } from '../../src/client/producer/partition-sender.js';
import { parseTranscript } from '../raft/transcript.js';

interface Stamp {
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

class SenderTranscript {
  private sender: PartitionSender | undefined;
  private idempotent = true;
  /** Record counts of batches the accumulator would hand over next. */
  private readonly sendable: number[] = [];
  /** What each sealed batch was last stamped with. */
  private readonly stamps = new Map<number, Stamp>();
  private readonly attempts = new Map<number, number>();
  private out: string[] = [];

  run(cmd: string, args: string[]): string {
    this.out = [];
    this.exec(cmd, args);
    return this.out.length > 0 ? this.out.join('\n') : 'ok';
  }

  private exec(cmd: string, args: string[]): void {
    if (cmd === 'sender') return this.create(args);
    const sender = this.sender;
    if (sender === undefined) throw new Error(`${cmd}: no sender yet`);
    switch (cmd) {
      case 'ready':
        for (const count of args) this.sendable.push(positive(count));
        break;
      case 'ok':
        this.step({ type: 'answered', id: batchId(args[0]), baseOffset: Number(args[1]) });
        break;
      case 'err':
        this.step({ type: 'failed', id: batchId(args[0]), error: new SluiceError(errorCode(args[1]), 'scripted') });
        break;
      case 'elapse':
        this.step({ type: 'backoffElapsed' });
        break;
      case 'close':
        this.step({ type: 'close' });
        break;
      case 'status':
        this.printStatus(sender);
        return;
      default:
        throw new Error(`unknown command ${cmd}`);
    }
    this.pump(sender);
  }

  private create(args: string[]): void {
    const settings = new Map<string, string>();
    for (const arg of args) {
      const [key, value] = arg.split('=');
      settings.set(key!, value ?? '');
    }
    this.idempotent = !settings.has('plain');
    this.sendable.length = 0;
    this.stamps.clear();
    this.attempts.clear();
    this.sender = new PartitionSender({
      topic: 't',
      partition: 0,
      idempotent: this.idempotent,
      maxInFlight: Number(settings.get('max-in-flight') ?? 5),
      retry: { retries: Number(settings.get('retries') ?? 3), initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2, jitter: 0.2 },
      producerEpoch: Number(settings.get('epoch') ?? 0),
      random: () => 0.5,
    });
  }

  /** What `Producer.pump` does: seal sendable batches while the sender has room. */
  private pump(sender: PartitionSender): void {
    for (let stamp = sender.nextSeal(); stamp !== undefined && this.sendable.length > 0; stamp = sender.nextSeal()) {
      const recordCount = this.sendable.shift()!;
      this.stamps.set(stamp.id, { producerEpoch: stamp.producerEpoch, baseSequence: stamp.baseSequence, recordCount });
      this.perform(sender.step({ type: 'sealed', id: stamp.id, recordCount }));
    }
  }

  private step(event: SenderEvent): void {
    this.perform(this.sender!.step(event));
  }

  private perform(actions: SenderAction[]): void {
    for (const action of actions) this.out.push(this.describe(action));
  }

  private describe(action: SenderAction): string {
    switch (action.type) {
      case 'send': {
        const attempt = (this.attempts.get(action.id) ?? 0) + 1;
        this.attempts.set(action.id, attempt);
        return `send ${this.named(action.id)}${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
      }
      case 'acknowledge':
        return `ack b${action.id} at ${action.baseOffset}`;
      case 'fail':
        return `fail b${action.id}: ${action.error.message}`;
      case 'restamp': {
        const stamp = this.stamps.get(action.id)!;
        stamp.producerEpoch = action.producerEpoch;
        stamp.baseSequence = action.baseSequence;
        return `restamp ${this.named(action.id)}`;
      }
      case 'split':
        for (const half of [action.first, action.second]) this.stamps.set(half.id, half);
        return `split b${action.id} into ${this.named(action.first.id)} and ${this.named(action.second.id)}`;
      case 'backoff':
        return `backoff ${action.delayMs} ms`;
      case 'cancelBackoff':
        return 'cancel backoff';
    }
  }

  /** `b3 e0 s5..6` (idempotent; `s5` for one record) or `b3 (2 records)`. */
  private named(id: number): string {
    const { producerEpoch, baseSequence, recordCount } = this.stamps.get(id)!;
    if (!this.idempotent) return `b${id} (${recordCount} record${recordCount === 1 ? '' : 's'})`;
    const lastSequence = (baseSequence + recordCount - 1) % SEQUENCE_MODULUS;
    return `b${id} e${producerEpoch} s${baseSequence}${lastSequence === baseSequence ? '' : `..${lastSequence}`}`;
  }

  private printStatus(sender: PartitionSender): void {
    const s = sender.status();
    const ids = (list: number[]) => `[${list.map((id) => `b${id}`).join(' ')}]`;
    const flags = [s.recovering && 'recovering', s.backoffArmed && 'backoff', s.established && 'established', s.closed && 'closed'].filter(Boolean);
    this.out.push(`in-flight=${ids(s.inFlight)} waiting=${ids(s.waiting)} sendable=${this.sendable.length}`);
    this.out.push(`epoch=${s.producerEpoch} next-seq=${s.nextSequence}${s.holeAtOrder === undefined ? '' : ` hole-at-order=${s.holeAtOrder}`}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`);
  }
}

function positive(text: string): number {
  const n = Number(text);
  if (!(Number.isSafeInteger(n) && n > 0)) throw new Error(`expected a record count, got ${text}`);
  return n;
}

function batchId(text: string | undefined): number {
  const match = /^b(\d+)$/.exec(text ?? '');
  if (!match) throw new Error(`expected a batch like b3, got ${text}`);
  return Number(match[1]);
}

function errorCode(text: string | undefined): ErrorCode {
  const code = ERROR_CODES.find((c) => c === text);
  if (code === undefined) throw new Error(`unknown error code ${text}`);
  return code;
}

/** Runs a transcript; returns the actual text (same commands, fresh output) and the blocks that differ. */
export function runSenderTranscript(text: string): { actual: string; mismatches: string[] } {
  const { blocks } = parseTranscript(text);
  const env = new SenderTranscript();
  const parts: string[] = [];
  const mismatches: string[] = [];
  for (const block of blocks) {
    const [cmd, ...args] = block.cmd.trim().split(/\s+/);
    const got = env.run(cmd!, args);
    if (got !== block.expected) mismatches.push(`${block.cmd}\n--- expected\n${block.expected}\n--- got\n${got}`);
    parts.push(...block.comments.filter((c) => c.startsWith('#')), block.cmd, '----', got, '');
  }
  return { actual: parts.join('\n'), mismatches };
}

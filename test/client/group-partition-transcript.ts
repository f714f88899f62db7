/**
 * Transcript harness for the group consumer's partition machine (src/client/group/partition-state.ts),
 * in the format of test/raft/transcript.ts: each command is one event (or a query), followed by `----`
 * and the actions it produced, one per line (`ok` when none).
 *
 * Commands:
 *   assign epoch=E [max-attempts=N] [backoff=MS] [backoff-max=MS]   a fresh machine (jitter-free backoff)
 *   time T                                       the clock reads T ms from now on
 *   started at=P [committed] [attempts=OxC:error] [careful-until=O]
 *   fetched O...            fetched-up-to O      next [batch]        done [throw=text]
 *   ack O [tag=E/G]         nack O [delay=MS] [tag=E/G]              seek O
 *   pause   resume   tick   revoke
 *   commit                  what a commit sent now carries (a query)
 *   stored                  the coordinator stored what `commit` last showed
 *   settled ok|fail|fail-retriable              the send a `commit` action asked for settled
 *   dlq ok|fail             status
 */
import { PartitionState, type CommitRequest, type DeliveryTag, type PartitionAction, type PartitionEvent } from '../../src/client/group/partition-state.js';
import { parseTranscript } from '../raft/transcript.js';

function formatAction(action: PartitionAction): string {
  switch (action.type) {
    case 'fetch':
      return `fetch from=${action.from}`;
    case 'stopFetch':
      return 'stop-fetch';
    case 'seekFetch':
      return `seek-fetch to=${action.to}`;
    case 'wakeAt':
      return `wake at=${action.atMs}`;
    case 'deliver':
      return `deliver ${action.records.map(({ offset, attempt }) => `${offset}#${attempt}`).join(' ')} tag=${action.tag.epoch}/${action.tag.generation}`;
    case 'deadLetter':
      return `dead-letter ${action.offset} attempts=${action.attempts} error=${JSON.stringify(action.error)}`;
    case 'commit':
      return 'commit';
    case 'release':
      return 'release';
    case 'reportHandlerError':
      return 'report-handler-error';
  }
}

/** `key=value` arguments; bare words map to ''. */
function namedArgs(args: string[]): Map<string, string> {
  return new Map(args.map((arg) => {
    const at = arg.indexOf('=');
    return at < 0 ? [arg, ''] : [arg.slice(0, at), arg.slice(at + 1)];
  }));
}

function numberArg(named: Map<string, string>, name: string, fallback?: number): number {
  const text = named.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`missing ${name}=`);
    return fallback;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name}=${text} is not a number`);
  return value;
}

function tagArg(named: Map<string, string>): DeliveryTag | undefined {
  const text = named.get('tag');
  if (text === undefined) return undefined;
  const [epoch, generation] = text.split('/').map(Number);
  return { epoch: epoch!, generation: generation! };
}

class PartitionTranscript {
  private machine: PartitionState | undefined;
  private nowMs = 0;
  private lastRequest: CommitRequest | undefined;

  /** A thrown error (a programmer error in the machine, or a script that misuses it) is printed, so a transcript shows it. */
  run(command: string, args: string[]): string {
    try {
      const out = this.exec(command, args);
      return out.length > 0 ? out.join('\n') : 'ok';
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private get state(): PartitionState {
    if (!this.machine) throw new Error('assign first');
    return this.machine;
  }

  private step(event: PartitionEvent): string[] {
    return this.state.step(event, this.nowMs).map(formatAction);
  }

  private exec(command: string, args: string[]): string[] {
    const named = namedArgs(args);
    const offset = (): number => Number(args[0]);
    switch (command) {
      case 'assign':
        this.machine = new PartitionState({
          epoch: numberArg(named, 'epoch'),
          maxAttempts: numberArg(named, 'max-attempts', 5),
          retryBackoff: { retries: Number.MAX_SAFE_INTEGER, initialBackoffMs: numberArg(named, 'backoff', 100), maxBackoffMs: numberArg(named, 'backoff-max', 30_000), multiplier: 2, jitter: 0.2 },
          // The middle of the jitter range: the backoff is exactly initial × 2^(attempt-1).
          random: () => 0.5,
        });
        this.lastRequest = undefined;
        return [this.state.describe()];
      case 'time':
        this.nowMs = Number(args[0]);
        return [];
      case 'started': {
        const attempts = named.get('attempts');
        const match = attempts === undefined ? undefined : /^(\d+)x(\d+):(.*)$/.exec(attempts);
        if (attempts !== undefined && !match) throw new Error(`attempts=${attempts} is not OxC:error`);
        const position = numberArg(named, 'at');
        return this.step({
          type: 'started',
          position,
          committed: named.has('committed') ? { offset: position, attempts: match ? { offset: Number(match[1]), count: Number(match[2]), lastError: match[3]! } : undefined } : undefined,
          carefulUntil: numberArg(named, 'careful-until', 0),
        });
      }
      case 'fetched':
        return this.step({ type: 'fetched', offsets: args.map(Number) });
      case 'fetched-up-to':
        return this.step({ type: 'fetchedUpTo', offset: offset() });
      case 'next':
        return this.step({ type: 'next', batch: args[0] === 'batch' });
      case 'round-ended':
        return this.step({ type: 'roundEnded' });
      case 'done':
        return this.step({ type: 'handlerDone', threw: named.get('throw') });
      case 'ack':
        return this.step({ type: 'acked', offset: offset(), tag: tagArg(named) });
      case 'nack':
        return this.step({ type: 'nacked', offset: offset(), error: 'nacked', delayMs: named.has('delay') ? numberArg(named, 'delay') : undefined, tag: tagArg(named) });
      case 'seek':
        return this.step({ type: 'seek', offset: offset() });
      case 'pause':
      case 'resume':
      case 'tick':
      case 'revoke':
        return this.step({ type: command });
      case 'commit': {
        this.lastRequest = this.state.commitRequest();
        const request = this.lastRequest;
        if (!request) return ['nothing to commit'];
        const attempts = request.attempts ? ` attempts=${request.attempts.offset}x${request.attempts.count}:${request.attempts.lastError}` : '';
        return [`offset=${request.offset}${attempts}`];
      }
      case 'stored': {
        if (!this.lastRequest) throw new Error('stored without a commit');
        return this.step({ type: 'commitStored', request: this.lastRequest });
      }
      case 'settled':
        return this.step({ type: 'commitSettled', ok: args[0] === 'ok', retriable: args[0] === 'fail-retriable' });
      case 'dlq':
        return this.step({ type: args[0] === 'ok' ? 'deadLettered' : 'deadLetterFailed' });
      case 'status':
        return [this.state.describe()];
      default:
        throw new Error(`unknown command ${command}`);
    }
  }
}

/** Runs a transcript; returns the actual text (same commands, fresh output) and the blocks that differ. */
export function runPartitionTranscript(text: string): { actual: string; mismatches: string[] } {
  const { blocks } = parseTranscript(text);
  const env = new PartitionTranscript();
  const parts: string[] = [];
  const mismatches: string[] = [];
  for (const block of blocks) {
    const [command, ...args] = block.cmd.trim().split(/\s+/);
    const got = env.run(command!, args);
    if (got !== block.expected) mismatches.push(`${block.cmd}\n--- expected\n${block.expected}\n--- got\n${got}`);
    parts.push(...block.comments.filter((line) => line.startsWith('#')), block.cmd, '----', got, '');
  }
  return { actual: parts.join('\n'), mismatches };
}

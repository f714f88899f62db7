/**
 * `sluice consume TOPIC --group G`: a group member printing its records, from the group's committed
 * offsets (the earliest offset where the group has none yet). With --max-messages it
 * stops after that many (acknowledged and committed); otherwise it runs until SIGINT/SIGTERM (or
 * --timeout-ms without a record), then commits, leaves the group and exits 0.
 */
import type { Command } from 'commander';
import { GroupConsumer } from '../client/index.js';
import type { ConsumeOptions } from './consume.js';
import { clientFor, globalOptions, type CommandContext } from './context.js';
import { ChunkedWriter, recordFormatter } from './output.js';

/** How often the idle timeout (--timeout-ms) is checked, in ms. */
const IDLE_CHECK_INTERVAL_MS = 100;

export async function consumeWithGroup(topic: string, group: string, options: ConsumeOptions, command: Command, { io, onStop }: CommandContext): Promise<void> {
  const client = clientFor(globalOptions(command));
  const consumer = new GroupConsumer(client.options, {
    groupId: group,
    // A group is a queue: partitions it never committed start at the beginning, so the first
    // members of a new group work through the backlog (its later members resume at the commits).
    autoOffsetReset: 'earliest',
    ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
  }, (err) => io.stderr.write(`sluice: ${err instanceof Error ? err.message : String(err)}\n`));
  consumer.subscribe([topic]);
  const writer = new ChunkedWriter(io.stdout);
  const format = recordFormatter(options.format, globalOptions(command).json);
  const maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let printed = 0;
  let lastRecordAtMs = Date.now();
  const stop = (): void => void consumer.close();
  const release = onStop(stop);
  const idle = options.timeoutMs === undefined
    ? undefined
    : setInterval(() => {
        if (Date.now() - lastRecordAtMs >= options.timeoutMs!) stop();
      }, IDLE_CHECK_INTERVAL_MS);
  try {
    await consumer.run({
      eachBatch: async ({ messages }) => {
        const take = messages.slice(0, Math.max(0, maxMessages - printed));
        for (const message of take) {
          const pending = writer.write(format(message));
          if (pending) await pending;
          consumer.ack(message);
        }
        // Printed before acknowledged: a crash here repeats records, never loses them.
        await writer.flush();
        printed += take.length;
        lastRecordAtMs = Date.now();
        // Records past --max-messages stay unacknowledged, so the group delivers them again later.
        if (printed >= maxMessages) stop();
      },
    });
  } finally {
    clearInterval(idle);
    release();
    await consumer.close();
    await writer.flush();
  }
}

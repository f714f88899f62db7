/**
 * Feeds the console's History every `intervalMs`: the cluster's topic high watermarks and group
 * offsets through a client of the cluster (so every broker's console shows the whole cluster), and
 * this broker's latency histograms. A sample that fails (a broker down, no controller) is skipped.
 */
import { logger } from '../observability/log.js';
import { mapBounded } from './bounded.js';
import type { ConsoleConnection } from './connection.js';
import type { BucketCounts, History, Sample } from './history.js';

/** This broker's cumulative latency histograms (produce request time, produce-to-consume time). */
export interface LatencySource {
  produce(): Promise<BucketCounts | undefined>;
  endToEnd(): Promise<BucketCounts | undefined>;
}

const log = logger('console');

/** Describe calls in flight at once while sampling. */
const SAMPLE_CONCURRENCY = 8;

/** Reads one sample of the cluster through `connection`. */
export async function sampleCluster(connection: ConsoleConnection, latency: LatencySource, nowMs: () => number): Promise<Sample> {
  const { admin, groupAdmin } = connection;
  const metadata = await admin.metadata();
  const topicEnds = new Map<string, number>();
  await mapBounded(
    metadata.topics.filter((topic) => !topic.name.startsWith('__')),
    SAMPLE_CONCURRENCY,
    async (topic) => {
      // One topic or group that cannot be read now (deleted meanwhile, coordinator moving) leaves a gap in its own series only.
      const description = await admin.describeTopic(topic.name).catch(() => undefined);
      if (description !== undefined) topicEnds.set(topic.name, description.partitions.reduce((sum, p) => sum + p.highWatermark, 0));
    },
  );
  const groupCommitted = new Map<string, number>();
  const groupLag = new Map<string, number>();
  const groups = await groupAdmin.listGroups();
  await mapBounded(groups, SAMPLE_CONCURRENCY, async (group) => {
    const description = await groupAdmin.describeGroup(group.groupId).catch(() => undefined);
    if (description === undefined) return;
    groupCommitted.set(group.groupId, description.partitions.reduce((sum, p) => sum + Math.max(0, p.committedOffset), 0));
    groupLag.set(group.groupId, description.partitions.reduce((sum, p) => sum + Math.max(0, p.lag), 0));
  });
  return { timeMs: nowMs(), topicEnds, groupCommitted, groupLag, produceLatency: await latency.produce(), endToEndLatency: await latency.endToEnd() };
}

export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly history: History,
    private readonly connection: ConsoleConnection,
    private readonly latency: LatencySource,
  ) {}

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = sampleCluster(this.connection, this.latency, Date.now)
        .then((sample) => this.history.add(sample))
        // Skipped: the chart joins the neighbours of the gap.
        .catch((err: unknown) => log.debug({ err }, 'console history sample skipped'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.history.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

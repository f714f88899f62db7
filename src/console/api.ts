/**
 * The console's JSON API under /api/v1 (docs/CONSOLE.md lists every route). Each handler calls
 * the cluster through the caller's ConsoleConnection (its session's principal, or ANONYMOUS), so
 * the brokers' ACLs decide what it may see and do; the answers are views.ts shapes.
 */
import type { SaslMechanism } from '../client/index.js';
import { isScramMechanism } from '../security/scram.js';
import { ApiError } from './api-error.js';
import type { ConsoleConnection } from './connection.js';
import { deadLetters, listDeadLetterTopics, redrive } from './dead-letters.js';
import type { History } from './history.js';
import { badRequest, field, queryInteger } from './http-io.js';
import { browse, BROWSE_LIMIT_MAX, produce, type BrowseFrom } from './messages.js';
import { clusterView, groupSummaries, groupView, topicSummaries, topicView } from './overview.js';
import type { ResetTargetView, ResetView, SessionView } from './views.js';

export interface ApiContext {
  connection: ConsoleConnection;
  history: History;
  /** Whether the caller's principal may describe this topic or group (ACLs; true when they are off). */
  mayDescribe(type: 'topic' | 'group' | 'cluster', name: string): boolean;
  session: Omit<SessionView, 'principal'>;
  query: URLSearchParams;
  params: string[];
  body(): Promise<Record<string, unknown>>;
  /** Logs in; resolves to the cookie to set. */
  login(username: string, password: string, mechanism: SaslMechanism): Promise<string>;
  logout(): string;
}

/** An answer with a status other than 200, or a cookie; handlers return a plain view for 200. */
export class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** A Set-Cookie header value. */
    readonly cookie?: string,
  ) {}
}

type Handler = (ctx: ApiContext) => Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  /** Changes something: refused in read-only mode. */
  mutates: boolean;
  handler: Handler;
}

const NAME = '([^/]+)';
const routes: Route[] = [];
function route(method: string, path: string, handler: Handler, mutates = method !== 'GET'): void {
  routes.push({ method, pattern: new RegExp(`^/api/v1${path.replace(/:name/g, NAME)}$`), mutates, handler });
}

function resetTarget(value: unknown): ResetTargetView {
  const target = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  switch (target.kind) {
    case 'earliest':
    case 'latest':
      return { kind: target.kind };
    case 'offset':
      return { kind: 'offset', offset: field.integer(target, 'offset', 0) };
    case 'timestamp':
      return { kind: 'timestamp', timestampMs: field.integer(target, 'timestampMs', 0) };
    case 'shift':
      return { kind: 'shift', by: field.integer(target, 'by', Number.MIN_SAFE_INTEGER) };
    default:
      return badRequest("target.kind must be 'earliest', 'latest', 'offset', 'timestamp' or 'shift'");
  }
}

function browseFrom(query: URLSearchParams): BrowseFrom {
  const from = query.get('from') ?? 'end';
  switch (from) {
    case 'beginning':
    case 'end':
      return { kind: from };
    case 'offset':
      return { kind: 'offset', offset: queryInteger(query, 'offset', 0) ?? badRequest('from=offset needs offset') };
    case 'timestamp':
      return { kind: 'timestamp', timestampMs: queryInteger(query, 'timestamp', 0) ?? badRequest('from=timestamp needs timestamp (ms since the epoch)') };
    default:
      return badRequest('from must be beginning, end, offset or timestamp');
  }
}

// Session
route('GET', '/session', async (ctx) => ({ ...ctx.session, principal: ctx.connection.principal }) satisfies SessionView);
route(
  'POST',
  '/session',
  async (ctx) => {
    const body = await ctx.body();
    const mechanism = field.string(body, 'mechanism', 'SCRAM-SHA-256');
    if (!isScramMechanism(mechanism)) badRequest('mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512');
    const cookie = await ctx.login(field.string(body, 'username'), field.string(body, 'password'), mechanism);
    return new Answer(200, { principal: field.string(body, 'username') }, cookie);
  },
  false,
);
route('DELETE', '/session', async (ctx) => new Answer(200, { principal: 'ANONYMOUS' }, ctx.logout()), false);

// Cluster and charts
route('GET', '/cluster', (ctx) => clusterView(ctx.connection, ctx.history, ctx.session.brokerId, ctx.session.version));
route('GET', '/history', async (ctx) => {
  const view = ctx.history.view({ group: (id) => ctx.mayDescribe('group', id), topic: (name) => ctx.mayDescribe('topic', name) });
  // Cluster-wide totals and this broker's latency: for those who may describe the cluster.
  return ctx.mayDescribe('cluster', '') ? view : { ...view, points: [] };
});

// Topics
route('GET', '/topics', (ctx) => topicSummaries(ctx.connection, ctx.history));
route('POST', '/topics', async (ctx) => {
  const body = await ctx.body();
  const name = field.string(body, 'name');
  await ctx.connection.admin.createTopic({
    name,
    partitions: field.integer(body, 'partitions', 1, 1),
    replicationFactor: field.integer(body, 'replicationFactor', 1, 1),
    configs: field.stringMap(body, 'configs'),
  });
  return new Answer(201, await topicView(ctx.connection, ctx.history, name));
});
route('GET', '/topics/:name', (ctx) => topicView(ctx.connection, ctx.history, ctx.params[0]!));
route('PATCH', '/topics/:name/configs', async (ctx) => {
  const body = await ctx.body();
  const remove = body.delete ?? [];
  if (!Array.isArray(remove) || !remove.every((key) => typeof key === 'string')) badRequest('delete must be an array of config keys');
  await ctx.connection.admin.alterTopicConfig({ name: ctx.params[0]!, set: field.stringMap(body, 'set'), delete: remove });
  return topicView(ctx.connection, ctx.history, ctx.params[0]!);
});
route('DELETE', '/topics/:name', async (ctx) => {
  // The page asks for the name typed again; scripts say it in the query.
  if (ctx.query.get('confirm') !== ctx.params[0]) badRequest('deleting a topic needs ?confirm=<its name>');
  await ctx.connection.admin.deleteTopic(ctx.params[0]!);
  return { deleted: ctx.params[0] };
});

// Messages
route('GET', '/topics/:name/messages', (ctx) => {
  const query = ctx.query;
  return browse(ctx.connection, {
    topic: ctx.params[0]!,
    partition: queryInteger(query, 'partition', 0),
    from: browseFrom(query),
    limit: Math.min(BROWSE_LIMIT_MAX, queryInteger(query, 'limit', 1) ?? 50),
    keyFilter: query.get('key') ?? '',
    valueFilter: query.get('value') ?? '',
  });
});
route('POST', '/topics/:name/messages', async (ctx) => {
  const body = await ctx.body();
  const headers = body.headers ?? [];
  if (!Array.isArray(headers) || !headers.every((h) => typeof h === 'object' && h !== null && typeof h.key === 'string' && typeof h.value === 'string')) {
    badRequest('headers must be an array of {key, value} strings');
  }
  const value = body.value === null ? null : field.string(body, 'value', '');
  return new Answer(
    201,
    await produce(ctx.connection, {
      topic: ctx.params[0]!,
      partition: field.optionalInteger(body, 'partition', 0),
      key: field.optionalString(body, 'key') ?? null,
      value,
      headers: headers as Array<{ key: string; value: string }>,
      ttlMs: field.optionalInteger(body, 'ttlMs', 1),
    }),
  );
});

// Consumer groups
route('GET', '/groups', (ctx) => groupSummaries(ctx.connection));
route('GET', '/groups/:name', (ctx) => groupView(ctx.connection, ctx.params[0]!));
route('POST', '/groups/:name/reset-offsets', async (ctx) => {
  const body = await ctx.body();
  const groupId = ctx.params[0]!;
  const topic = field.string(body, 'topic');
  const dryRun = body.dryRun !== false;
  const plan = await ctx.connection.groupAdmin.planReset(groupId, topic, resetTarget(body.target));
  const ends = await ctx.connection.admin.describeTopic(topic);
  const changes: ResetView['changes'] = plan.map((p) => {
    const logEndOffset = ends.partitions.find((e) => e.partition === p.partition)?.highWatermark ?? 0;
    return { topic, partition: p.partition, currentOffset: p.currentOffset, newOffset: p.offset, logEndOffset, lagAfter: Math.max(0, logEndOffset - p.offset) };
  });
  if (!dryRun) {
    if (ctx.session.readOnly) throw new ApiError(403, 'READ_ONLY', 'this console is read-only (console.read.only=true)');
    await ctx.connection.groupAdmin.writeOffsets(groupId, plan.map((p) => ({ topic, partition: p.partition, offset: p.offset })));
  }
  return { applied: !dryRun, changes } satisfies ResetView;
}, false);

// Dead letters
route('GET', '/dead-letters', (ctx) => listDeadLetterTopics(ctx.connection));
route('GET', '/dead-letters/:name', (ctx) =>
  deadLetters(ctx.connection, ctx.params[0]!, ctx.query.get('include') === 'redriven', Math.min(BROWSE_LIMIT_MAX, queryInteger(ctx.query, 'limit', 1) ?? 200)),
);
route('POST', '/dead-letters/:name/redrive', async (ctx) => {
  const body = await ctx.body();
  const records = body.records;
  if (records !== undefined && !(Array.isArray(records) && records.every((r) => typeof r === 'object' && r !== null && Number.isSafeInteger(r.partition) && Number.isSafeInteger(r.offset)))) {
    badRequest('records must be an array of {partition, offset} integers');
  }
  return redrive(ctx.connection, ctx.params[0]!, { records: records as Array<{ partition: number; offset: number }> | undefined, all: body.all === true });
});

/** The route for a request, with its URL-decoded parameters; 404 / 405 as ApiErrors. */
export function findRoute(method: string, path: string, readOnly: boolean): { handler: Handler; params: string[] } {
  let pathMatched = false;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (match === null) continue;
    pathMatched = true;
    if (candidate.method !== method) continue;
    if (readOnly && candidate.mutates) throw new ApiError(403, 'READ_ONLY', 'this console is read-only (console.read.only=true)');
    let params: string[];
    try {
      params = match.slice(1).map((part) => decodeURIComponent(part));
    } catch {
      return badRequest('malformed URL escape in the path');
    }
    return { handler: candidate.handler, params };
  }
  throw pathMatched ? new ApiError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`) : new ApiError(404, 'NOT_FOUND', `no API route ${path}`);
}

/** Starts a broker's console from its config (called by broker/server.ts once the broker serves). */
import { readFileSync } from 'node:fs';
import type { AclBinding } from '../security/acl.js';
import { CLUSTER_RESOURCE } from '../security/acl.js';
import { authorize } from '../security/authorizer.js';
import { loadClientConfig, type ClientSecurity } from '../client/index.js';
import { saslMechanisms, superUsers, type BrokerConfig } from '../config/broker-config.js';
import type { BrokerMetrics } from '../metrics/broker-metrics.js';
import type { HttpEndpoint } from '../metrics/http.js';
import { Console } from './console.js';
import { histogramBuckets } from './latency.js';

/** Produce requests, whichever way they came (unary, request stream, Kafka listener). */
const PRODUCE_METHODS: ReadonlySet<string> = new Set(['Produce', 'ProduceStream', 'KafkaProduce']);

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
}

export interface ConsoleHost {
  http: HttpEndpoint;
  /** The bound client listener port. */
  clientPort: number;
  metrics: BrokerMetrics;
  acls(): readonly AclBinding[];
}

export function startConsole(config: BrokerConfig, host: ConsoleHost): Console | undefined {
  if (!config.consoleEnabled) return undefined;
  const ownSecurity: ClientSecurity = config.consoleClientConfig === '' ? {} : loadClientConfig(config.consoleClientConfig);
  // The client listener's CA when it runs TLS and the console's own file names none.
  const tls = ownSecurity.tls ?? (config.listenerClientTls ? { ca: readFileSync(config.tlsCaFile) } : undefined);
  const authorizer = { superUsers: superUsers(config), allowEveryoneIfNoAclFound: config.allowEveryoneIfNoAclFound };
  // The client listener as this machine reaches it (a wildcard bind is reached on loopback).
  const clientHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.advertisedHost || config.host;
  const web = new Console({
    bootstrap: `${clientHost}:${host.clientPort}`,
    brokerId: config.brokerId,
    version: packageVersion(),
    readOnly: config.consoleReadOnly,
    historyIntervalMs: config.consoleHistoryIntervalMs,
    tls,
    samplerSecurity: { ...ownSecurity, ...(tls === undefined ? {} : { tls }) },
    loginSuggested: config.authenticationRequired || config.authorizationEnabled,
    mechanisms: [...saslMechanisms(config)],
    mayDescribe: (principal, type, name) =>
      !config.authorizationEnabled || authorize(host.acls(), authorizer, principal, 'describe', { type, name: type === 'cluster' ? CLUSTER_RESOURCE : name }),
    latency: {
      produce: () => histogramBuckets(host.metrics.requestSeconds, (labels) => PRODUCE_METHODS.has(String(labels.method))),
      endToEnd: () => histogramBuckets(host.metrics.deliveryLatencySeconds),
    },
  });
  host.http.mount(web.routes);
  web.start();
  return web;
}

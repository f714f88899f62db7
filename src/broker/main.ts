/**
 * `node dist/src/broker/main.js [--config FILE] [--data-dir DIR] [--port P] ...`: runs one broker
 * until SIGTERM or SIGINT, then shuts down gracefully. Logs one `listening` line when ready (JSON
 * lines on stdout, or pretty on a terminal: src/observability/log.ts).
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, loadBrokerConfig } from '../config/broker-config.js';
import { TlsConfigError } from '../security/tls.js';
import { flushGuarantee, parseFlushPolicy } from '../storage/flush-policy.js';
import { configureLogging, logger, prettyFor } from '../observability/log.js';
import { BrokerServer } from './server.js';

const log = logger('broker');

async function main(): Promise<void> {
  const config = loadBrokerConfig(process.argv.slice(2));
  configureLogging({ level: config.logLevel, brokerId: config.brokerId, pretty: prettyFor(config.logFormat) });
  mkdirSync(config.dataDir, { recursive: true });
  const server = await BrokerServer.start(config);
  const http = `${config.httpHost || config.host}:${server.httpPort}`;
  log.info(
    { grpc: `${config.host}:${server.port}`, interBroker: `${config.host}:${server.interBrokerPort}`, http, dataDir: config.dataDir, flush: config.flush },
    `sluice broker ${config.brokerId} listening: gRPC ${config.host}:${server.port}${config.listenerClientTls ? ' (TLS)' : ''}, ` +
      `inter-broker ${config.host}:${server.interBrokerPort}${config.listenerInterBrokerTls ? ' (mutual TLS)' : ''}, ` +
      `HTTP ${http}, data ${config.dataDir}, flush ${config.flush} (${flushGuarantee(parseFlushPolicy(config.flush))})`,
  );
  if (server.kafka) log.info({ kafka: `${config.host}:${server.kafka.port}` }, `sluice broker ${config.brokerId} Kafka listener: ${config.host}:${server.kafka.port} (advertised ${config.kafkaAdvertisedHost})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${signal}: shutting down`);
    server.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.fatal({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  // The config may not have been read: log at the defaults (pretty on a terminal).
  configureLogging({ level: 'info' });
  if (err instanceof ConfigError || err instanceof TlsConfigError) {
    log.fatal(`sluice broker: invalid configuration: ${err.message}`);
    process.exit(2);
  }
  log.fatal({ err }, `sluice broker: failed to start: ${describeFailure(err)}`);
  process.exit(1);
});

/** The error's message and those of its causes: LevelDB's "failed to open" says why only in its cause (a lock held, a permission). */
function describeFailure(err: unknown): string {
  const messages: string[] = [];
  for (let cause: unknown = err; cause !== undefined && messages.length < 5; cause = cause instanceof Error ? cause.cause : undefined) {
    messages.push(cause instanceof Error ? cause.message : String(cause));
  }
  return messages.join(': ');
}

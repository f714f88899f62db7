/**
 * `node dist/src/broker/main.js [--config FILE] [--data-dir DIR] [--port P] ...`: runs one broker
 * until SIGTERM or SIGINT, then shuts down gracefully. Prints one `listening` line when ready.
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, loadBrokerConfig } from '../config/broker-config.js';
import { TlsConfigError } from '../security/tls.js';
import { flushGuarantee, parseFlushPolicy } from '../storage/flush-policy.js';
import { configureLogging, prettyFor } from '../observability/log.js';
import { BrokerServer } from './server.js';

async function main(): Promise<void> {
  const config = loadBrokerConfig(process.argv.slice(2));
  configureLogging({ level: config.logLevel, brokerId: config.brokerId, pretty: prettyFor(config.logFormat) });
  mkdirSync(config.dataDir, { recursive: true });
  const server = await BrokerServer.start(config);
  console.log(
    `sluice broker ${config.brokerId} listening: gRPC ${config.host}:${server.port}${config.listenerClientTls ? ' (TLS)' : ''}, ` +
      `inter-broker ${config.host}:${server.interBrokerPort}${config.listenerInterBrokerTls ? ' (mutual TLS)' : ''}, ` +
      `HTTP ${config.httpHost || config.host}:${server.httpPort}, data ${config.dataDir}, flush ${config.flush} (${flushGuarantee(parseFlushPolicy(config.flush))})`,
  );
  if (server.kafka) console.log(`sluice broker ${config.brokerId} Kafka listener: ${config.host}:${server.kafka.port} (advertised ${config.kafkaAdvertisedHost})`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof TlsConfigError) {
    console.error(`sluice broker: invalid configuration: ${err.message}`);
    process.exit(2);
  }
  console.error(`sluice broker: failed to start: ${describeFailure(err)}`);
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

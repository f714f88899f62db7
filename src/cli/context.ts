/** What every command action gets: process I/O and the root's global options. */
import type { Command } from 'commander';
import { ClientConfigError, createClient, loadClientConfig, parseBootstrap, type ClientSecurity, type Sluice } from '../client/index.js';
import { UsageError, type CliIo, type GlobalOptions } from './io.js';

export interface CommandContext {
  io: CliIo;
  /**
   * Until the returned function is called, SIGINT/SIGTERM call `stop` (the command then finishes,
   * e.g. commits and leaves its group, and exits normally) instead of ending the command at once.
   */
  onStop(stop: () => void): () => void;
}

export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ bootstrap: string; json?: boolean; clientConfig?: string }>();
  return { bootstrap: options.bootstrap, json: options.json === true, clientConfig: options.clientConfig };
}

/** The security settings of --client-config (or SLUICE_CLIENT_CONFIG); none without one. */
function securityOf(globals: GlobalOptions): ClientSecurity | undefined {
  if (globals.clientConfig === undefined) return undefined;
  try {
    return loadClientConfig(globals.clientConfig);
  } catch (err) {
    if (err instanceof ClientConfigError) throw new UsageError(`--client-config: ${err.message}`);
    throw err;
  }
}

/** The CLI is a short-lived process: a handful of quick retries, then a one-line error. */
export function clientFor(globals: GlobalOptions): Sluice {
  let bootstrap: string[];
  try {
    bootstrap = parseBootstrap(globals.bootstrap);
  } catch (err) {
    throw new UsageError(`--bootstrap: ${(err as Error).message}`);
  }
  return createClient({ bootstrap, clientId: 'sluice-cli', retry: { retries: 6, maxBackoffMs: 2_000 }, security: securityOf(globals) });
}

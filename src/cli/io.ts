/** What a command may touch of the process, injectable so commands run in tests without one. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Aborted on the first SIGINT/SIGTERM, with the signal's name as the reason. Commands do not
   * watch it: run() ends the command at once, or calls the stop a command registered with
   * CommandContext.onStop.
   */
  signal: AbortSignal;
}

export const EXIT_OK = 0;
/** A request failed; stderr has one line `sluice: CODE: message`. */
export const EXIT_FAILED = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;

/** A command-line mistake found after parsing (bad combination or value); exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_BOOTSTRAP = '127.0.0.1:7001';

/** Options every command inherits from the root. */
export interface GlobalOptions {
  bootstrap: string;
  json: boolean;
  /** A client config file (src/client/client-config.ts): TLS and credentials. */
  clientConfig: string | undefined;
}

/**
 * The process's structured logger (pino). Every module takes a child with `logger(component)` once,
 * at load time; `configureLogging` (the broker's main) later sets the level, the broker id and the
 * format, and the children made before it follow, because they share the root's level methods
 * (pino children without options inherit them) and write through one switchable destination.
 *
 * A line is one JSON object (`level` as a name, `time` in ISO 8601, `pid`, `hostname`,
 * `component`, `broker` once configured, the event's fields, `msg`); on a terminal pino-pretty
 * prints it readably instead. Before `configureLogging` the level is `warn` (or
 * `SLUICE_LOG_LEVEL`): tests and the simulator that host brokers in their own process print only
 * problems.
 */
import { pino, type DestinationStream, type LevelWithSilent, type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

/** `auto`: pretty when stdout is a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

export function isLogFormat(text: string): text is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(text);
}

/** Level before configureLogging: quiet unless the environment asks for more. */
function unconfiguredLevel(): LogLevel {
  const fromEnv = process.env['SLUICE_LOG_LEVEL']?.trim();
  return fromEnv !== undefined && isLogLevel(fromEnv) ? fromEnv : 'warn';
}

/** Lines go to `target`; configureLogging and captureLogs swap it under loggers already made. */
class SwitchableDestination implements DestinationStream {
  constructor(public target: DestinationStream) {}

  write(line: string): void {
    this.target.write(line);
  }
}

/** Synchronous: log volume is small (nothing per request at info), and a line before process.exit must not be lost. */
const jsonStdout: DestinationStream = pino.destination({ fd: 1, sync: true });
const destination = new SwitchableDestination(jsonStdout);
let brokerId: number | undefined;

const root: Logger = pino(
  {
    level: unconfiguredLevel(),
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // A fresh object per line: pino merges the event's fields into it.
    mixin: () => (brokerId === undefined ? {} : { broker: brokerId }),
  },
  destination,
);

/** The logger of one component (`raft`, `controller`, `groups`, ...): a child of the process's root. */
export function logger(component: string): Logger {
  return root.child({ component });
}

export interface LoggingOptions {
  level: LogLevel;
  /** Carried on every line from now on (one broker per process). */
  brokerId?: number;
  /** Human-readable lines (pino-pretty) instead of JSON; default: when stdout is a terminal. */
  pretty?: boolean;
}

/** Sets up the process's logging; the broker's main calls it once its config is loaded. */
export function configureLogging(options: LoggingOptions): void {
  root.level = options.level;
  brokerId = options.brokerId;
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  destination.target = pretty ? prettyStdout() : jsonStdout;
}

function prettyStdout(): DestinationStream {
  return pinoPretty({
    destination: 1,
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '{component}: {msg}',
    ignore: 'pid,hostname,component,broker',
  });
}

/** Whether JSON or pretty lines, from the `log.format` setting. */
export function prettyFor(format: LogFormat): boolean | undefined {
  return format === 'auto' ? undefined : format === 'pretty';
}

/**
 * Sends every line (JSON, without its newline) to `sink` at `level` until the returned function is
 * called, which restores the previous destination and level. For hosts of in-process brokers that
 * keep their output (the cluster simulator prints it with a failing seed's trace).
 */
export function captureLogs(sink: (line: string) => void, level: LogLevel = root.level as LogLevel): () => void {
  const saved = { target: destination.target, level: root.level };
  destination.target = { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) };
  root.level = level;
  return () => {
    destination.target = saved.target;
    root.level = saved.level;
  };
}

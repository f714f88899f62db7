/** Parsers for option values: each throws commander's InvalidArgumentError, which exits 2. */
import { InvalidArgumentError } from 'commander';
import { PRODUCER_CODECS, isProducerCodec, type ProducerCodec } from '../protocol/compression.js';

export function parseIntInRange(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got ${parsed}`);
    return parsed;
  };
}

export const parsePositiveInt = parseIntInRange(1);
export const parseNonNegativeInt = parseIntInRange(0);

/** `key=value` (the value may itself contain `=`). */
export function parseKeyValue(value: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return [value.slice(0, at), value.slice(at + 1)];
}

/** Collector for repeatable `--x k=v` options; validates each as it comes. */
export function collectKeyValue(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  return [...previous, parseKeyValue(value)];
}

export function collectString(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseAcksOption(value: string): 0 | 1 | -1 {
  switch (value) {
    case '0':
      return 0;
    case '1':
      return 1;
    case 'all':
    case '-1':
      return -1;
    default:
      throw new InvalidArgumentError(`expected 0, 1 or all, got "${value}"`);
  }
}

export function parseFormat(value: string): 'value' | 'json' {
  if (value === 'value' || value === 'json') return value;
  throw new InvalidArgumentError(`expected value or json, got "${value}"`);
}

/** `--offset` of consume: a non-negative integer, `earliest` or `latest`. */
export function parseOffsetOption(value: string): number | 'earliest' | 'latest' {
  if (value === 'earliest' || value === 'latest') return value;
  return parseNonNegativeInt(value);
}

export function toRecord(pairs: Array<[string, string]> | undefined): Record<string, string> {
  return Object.fromEntries(pairs ?? []);
}

export function parseCompression(value: string): ProducerCodec {
  if (!isProducerCodec(value)) throw new InvalidArgumentError(`expected one of ${PRODUCER_CODECS.join(', ')}`);
  return value;
}

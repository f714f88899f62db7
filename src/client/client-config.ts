/**
 * A client's security settings from a properties file with librdkafka's key names, so the same file
 * also works with `kcat -F FILE`:
 *
 *   security.protocol          PLAINTEXT (default) | SSL | SASL_PLAINTEXT | SASL_SSL
 *   ssl.ca.location            PEM file of the CA the brokers' certificates chain to (SSL, SASL_SSL)
 *   ssl.certificate.location   PEM file of the client certificate (optional: mutual TLS)
 *   ssl.key.location           its private key (with the certificate)
 *   sasl.mechanism             SCRAM-SHA-256 | SCRAM-SHA-512 (SASL_PLAINTEXT, SASL_SSL)
 *   sasl.username, sasl.password
 *
 * Relative paths are resolved against the directory of the file. Other keys (librdkafka has many)
 * are ignored, so one file can carry settings for other tools too. Every error names the file, and
 * the key when one is at fault.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SaslCredentials } from './auth/sasl-client.js';

export type SaslMechanism = SaslCredentials['mechanism'];

export interface ClientSecurity {
  /** TLS to the brokers: the CA to trust, and optionally a client certificate and key (mutual TLS). */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** SCRAM authentication (client/auth/sasl-client.ts). */
  sasl?: SaslCredentials;
}

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const MECHANISMS: readonly SaslMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}

/** `key=value` lines (`#` and `!` comments, blank lines ignored), as librdkafka and Java read them. */
export function parseProperties(text: string, file: string): Map<string, string> {
  const entries = new Map<string, string>();
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ClientConfigError(`${file}:${index + 1}: expected key=value, got "${line}"`);
    entries.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  });
  return entries;
}

/**
 * Builds the security settings from the file's properties. `readFile` loads a PEM file named by a
 * key (resolved against `baseDir`); injectable so parsing is testable without files.
 */
export function clientSecurityOf(
  properties: ReadonlyMap<string, string>,
  file: string,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
  baseDir = dirname(file),
): ClientSecurity {
  const fail = (key: string, why: string): never => {
    throw new ClientConfigError(`${file}: ${key}: ${why}`);
  };
  const protocolText = properties.get('security.protocol') ?? 'PLAINTEXT';
  const protocol = PROTOCOLS.find((p) => p === protocolText.toUpperCase());
  if (protocol === undefined) fail('security.protocol', `expected one of ${PROTOCOLS.join(', ')}, got "${protocolText}"`);
  const pem = (key: string): Buffer | undefined => {
    const path = properties.get(key);
    if (path === undefined || path === '') return undefined;
    try {
      return readFile(resolve(baseDir, path));
    } catch (err) {
      return fail(key, `cannot read ${path}: ${(err as Error).message}`);
    }
  };
  const security: ClientSecurity = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const ca = pem('ssl.ca.location') ?? fail('ssl.ca.location', `is required with security.protocol=${protocol}`);
    const cert = pem('ssl.certificate.location');
    const key = pem('ssl.key.location');
    if ((cert === undefined) !== (key === undefined)) {
      fail(cert === undefined ? 'ssl.certificate.location' : 'ssl.key.location', 'a client certificate needs both ssl.certificate.location and ssl.key.location');
    }
    security.tls = { ca, ...(cert !== undefined && key !== undefined ? { cert, key } : {}) };
  } else {
    for (const key of ['ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location']) {
      if (properties.has(key)) fail(key, `has no effect with security.protocol=${protocol} (use SSL or SASL_SSL)`);
    }
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanismText = properties.get('sasl.mechanism') ?? properties.get('sasl.mechanisms') ?? '';
    const mechanism = MECHANISMS.find((m) => m === mechanismText.toUpperCase());
    if (mechanism === undefined) fail('sasl.mechanism', `expected one of ${MECHANISMS.join(', ')}, got "${mechanismText}"`);
    const username = properties.get('sasl.username') ?? '';
    const password = properties.get('sasl.password') ?? '';
    if (username === '') fail('sasl.username', `is required with security.protocol=${protocol}`);
    if (password === '') fail('sasl.password', `is required with security.protocol=${protocol}`);
    security.sasl = { mechanism: mechanism!, username, password };
  }
  return security;
}

/** Reads and parses a client config file; a ClientConfigError names the file (and key) at fault. */
export function loadClientConfig(file: string): ClientSecurity {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClientConfigError(`cannot read client config ${file}: ${(err as Error).message}`);
  }
  return clientSecurityOf(parseProperties(text, file), file);
}

/**
 * SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677): the key derivation and the message formats
 * both sides use. Pure apart from node:crypto; the broker's exchange state lives in sasl-server.ts,
 * the client's in client/auth/.
 *
 * Only what Sluice speaks is accepted: no channel binding (gs2 header `n,,`), no authzid, no
 * extensions. A server stores, per user and mechanism, the salt, the iteration count, StoredKey
 * and ServerKey; never the password or anything that logs in by itself (RFC 5802 section 3).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** RFC 7677 asks for at least 4096 iterations; Kafka's default is the same. */
export const SCRAM_ITERATIONS_MIN = 4096;
export const SCRAM_ITERATIONS_DEFAULT = 8192;
/** An upper bound so a forged credential cannot make every login burn seconds of CPU. */
export const SCRAM_ITERATIONS_MAX = 1_000_000;
const SALT_BYTES = 24;
const NONCE_BYTES = 24;
/** The gs2 header of a client that neither supports nor asks for channel binding, base64'd in `c=`. */
const GS2_HEADER = 'n,,';

export function isScramMechanism(value: string): value is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(value);
}

function hashName(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function hashLength(mechanism: ScramMechanism): number {
  return mechanism === 'SCRAM-SHA-256' ? 32 : 64;
}

/** What a server keeps of a password. */
export interface ScramCredential {
  mechanism: ScramMechanism;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** A credential as the metadata log stores it (JSON: byte fields base64). */
export interface StoredScramCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

export function storeCredential(credential: Omit<ScramCredential, 'mechanism'>): StoredScramCredential {
  return {
    salt: credential.salt.toString('base64'),
    iterations: credential.iterations,
    storedKey: credential.storedKey.toString('base64'),
    serverKey: credential.serverKey.toString('base64'),
  };
}

export function loadCredential(mechanism: ScramMechanism, stored: StoredScramCredential): ScramCredential {
  return {
    mechanism,
    salt: Buffer.from(stored.salt, 'base64'),
    iterations: stored.iterations,
    storedKey: Buffer.from(stored.storedKey, 'base64'),
    serverKey: Buffer.from(stored.serverKey, 'base64'),
  };
}

function hmac(mechanism: ScramMechanism, key: Buffer, text: string): Buffer {
  return createHmac(hashName(mechanism), key).update(text, 'utf8').digest();
}

function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(hashName(mechanism)).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Hi() of RFC 5802: PBKDF2 with HMAC of the mechanism's hash. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, hashLength(mechanism), hashName(mechanism));
}

/** The server's record of `password`, with a fresh random salt. */
export function makeCredential(mechanism: ScramMechanism, password: string, iterations = SCRAM_ITERATIONS_DEFAULT, salt = randomBytes(SALT_BYTES)): ScramCredential {
  if (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS_MIN || iterations > SCRAM_ITERATIONS_MAX) {
    throw new RangeError(`iterations must be between ${SCRAM_ITERATIONS_MIN} and ${SCRAM_ITERATIONS_MAX}, got ${iterations}`);
  }
  const salted = saltedPassword(mechanism, password, salt, iterations);
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { mechanism, salt, iterations, storedKey: hash(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key') };
}

export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64');
}

/** `saslname` of RFC 5802: `=` and `,` are escaped. */
function encodeName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function decodeName(text: string): string | undefined {
  if (/=(?!2C|3D)/.test(text)) return undefined;
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** `key=value` attributes of a SCRAM message, in order; undefined when malformed. */
function attributes(message: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (!match || out.has(match[1]!)) return undefined;
    out.set(match[1]!, match[2]!);
  }
  return out;
}

// ------------------------------------------------------------------ client side

export function clientFirstBare(username: string, clientNonce: string): string {
  return `n=${encodeName(username)},r=${clientNonce}`;
}

export function clientFirstMessage(username: string, clientNonce: string): string {
  return GS2_HEADER + clientFirstBare(username, clientNonce);
}

export interface ServerFirst {
  nonce: string;
  salt: Buffer;
  iterations: number;
}

export function parseServerFirst(message: string): ServerFirst | undefined {
  const attrs = attributes(message);
  const nonce = attrs?.get('r');
  const salt = attrs?.get('s');
  const iterations = Number(attrs?.get('i'));
  if (!nonce || !salt || !Number.isInteger(iterations) || iterations < 1) return undefined;
  return { nonce, salt: Buffer.from(salt, 'base64'), iterations };
}

/** The client's final message and the server signature it must expect back. */
export function clientFinal(
  mechanism: ScramMechanism,
  password: string,
  firstBare: string,
  serverFirstText: string,
  serverFirst: ServerFirst,
): { message: string; expectedServerSignature: Buffer } {
  const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${serverFirst.nonce}`;
  const authMessage = `${firstBare},${serverFirstText},${withoutProof}`;
  const salted = saltedPassword(mechanism, password, serverFirst.salt, serverFirst.iterations);
  const clientKey = hmac(mechanism, salted, 'Client Key');
  const proof = xor(clientKey, hmac(mechanism, hash(mechanism, clientKey), authMessage));
  const serverSignature = hmac(mechanism, hmac(mechanism, salted, 'Server Key'), authMessage);
  return { message: `${withoutProof},p=${proof.toString('base64')}`, expectedServerSignature: serverSignature };
}

/** Checks the server's final message (`v=` signature) in constant time. */
export function verifyServerFinal(message: string, expected: Buffer): boolean {
  const signature = attributes(message)?.get('v');
  if (signature === undefined) return false;
  const got = Buffer.from(signature, 'base64');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

// ------------------------------------------------------------------ server side

export interface ClientFirst {
  username: string;
  clientNonce: string;
  /** The message without its gs2 header: part of the AuthMessage. */
  bare: string;
}

export function parseClientFirst(message: string): ClientFirst | undefined {
  if (!message.startsWith(GS2_HEADER)) return undefined;
  const bare = message.slice(GS2_HEADER.length);
  const attrs = attributes(bare);
  if (attrs === undefined || attrs.size !== 2) return undefined;
  const name = attrs.get('n');
  const clientNonce = attrs.get('r');
  const username = name === undefined ? undefined : decodeName(name);
  if (!username || !clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) return undefined;
  return { username, clientNonce, bare };
}

export function serverFirstMessage(nonce: string, salt: Buffer, iterations: number): string {
  return `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
}

/**
 * Verifies a client's final message against the credential. Returns the server's final message
 * on success, undefined on any mismatch (wrong password, other nonce, malformed), comparing in
 * constant time.
 */
export function verifyClientFinal(
  credential: ScramCredential,
  firstBare: string,
  serverFirstText: string,
  nonce: string,
  message: string,
): string | undefined {
  const proofAt = message.lastIndexOf(',p=');
  if (proofAt < 0) return undefined;
  const withoutProof = message.slice(0, proofAt);
  const attrs = attributes(withoutProof);
  // The nonce must end with ours, as Kafka checks it: librdkafka sends its own nonce in front of the
  // whole nonce we answered. The proof covers the message as sent, so nothing else can vary.
  if (attrs?.get('c') !== Buffer.from(GS2_HEADER).toString('base64') || !attrs.get('r')?.endsWith(nonce) || attrs.size !== 2) return undefined;
  const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
  const mechanism = credential.mechanism;
  if (proof.length !== hashLength(mechanism)) return undefined;
  const authMessage = `${firstBare},${serverFirstText},${withoutProof}`;
  const clientKey = xor(proof, hmac(mechanism, credential.storedKey, authMessage));
  const candidate = hash(mechanism, clientKey);
  if (candidate.length !== credential.storedKey.length || !timingSafeEqual(candidate, credential.storedKey)) return undefined;
  return `v=${hmac(mechanism, credential.serverKey, authMessage).toString('base64')}`;
}

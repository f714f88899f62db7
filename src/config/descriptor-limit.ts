/**
 * The process's open-descriptor limit and the default `max.connections` drawn from it. Node has no
 * getrlimit; on Linux /proc/self/limits holds the soft limit (which Node raised to the hard limit
 * at start-up). Elsewhere the common default soft limit is assumed.
 */
import { readFileSync } from 'node:fs';

/** Assumed where /proc/self/limits cannot be read (macOS's and many systems' default soft limit). */
export const DESCRIPTOR_LIMIT_FALLBACK = 1024;
/** Descriptors kept for the process itself: stdio, the event loop, listeners, HTTP, peer links, LevelDB's log, manifest and lock files. */
const DESCRIPTORS_RESERVED = 64;
/** Fewest connections the default allows, whatever the limit: a broker must take some clients. */
const MAX_CONNECTIONS_MIN = 16;

/** The soft limit on open files from `/proc/self/limits` text, or undefined (unlimited, unreadable). */
export function parseDescriptorLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits);
  return match === null || match[1] === 'unlimited' ? undefined : Number(match[1]);
}

export function descriptorLimit(): number {
  try {
    return parseDescriptorLimit(readFileSync('/proc/self/limits', 'utf8')) ?? DESCRIPTOR_LIMIT_FALLBACK;
  } catch {
    return DESCRIPTOR_LIMIT_FALLBACK;
  }
}

/**
 * Half of what the process may open, less its own reserve: the other half is LevelDB's, whose
 * table files grow in number with the data, so connections can never take the descriptors a
 * write needs (a full table made LevelDB fail and replication stop, issue 18).
 */
export function defaultMaxConnections(limit: number): number {
  return Math.max(MAX_CONNECTIONS_MIN, Math.floor(limit / 2) - DESCRIPTORS_RESERVED);
}

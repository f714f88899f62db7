/**
 * The log line of a request slower than slow.request.threshold.ms: its API, topic/partition,
 * size, and where the time went. Pure; the service wrappers and handlers fill the trace
 * (service.ts RequestTrace, partition.ts ProduceTiming).
 */
import type { SluiceError } from '../protocol/errors.js';
import type { RequestTrace } from './service.js';

export interface SlowRequestReport {
  fields: {
    method: string;
    topic?: string;
    partition?: number;
    bytes?: number;
    durationMs: number;
    /** Milliseconds per phase: queue (produce budget), validation, storage, replication; for a fetch, longPoll and read. */
    phasesMs: Record<string, number>;
    code?: string;
  };
  message: string;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

export function slowRequestReport(method: string, durationMs: number, trace: RequestTrace, error?: SluiceError): SlowRequestReport {
  const phasesMs: Record<string, number> = {};
  if (trace.queuedMs > 0) phasesMs['queue'] = round(trace.queuedMs);
  if (trace.proposedAtMs > 0) {
    // Produce: validation (CRC, record framing, decompression, idempotence) up to the Raft proposal,
    // then the local store (fsync under flush=always), then the majority's acknowledgement.
    phasesMs['validation'] = Math.max(0, trace.proposedAtMs - trace.startedAtMs);
    if (trace.storedAtMs > 0) phasesMs['storage'] = trace.storedAtMs - trace.proposedAtMs;
    if (trace.committedAtMs > 0) phasesMs['replication'] = trace.committedAtMs - Math.max(trace.storedAtMs, trace.proposedAtMs);
  } else if (trace.topic !== '' && method === 'Fetch') {
    if (trace.waitedMs > 0) phasesMs['longPoll'] = round(trace.waitedMs);
    phasesMs['read'] = round(Math.max(0, durationMs - trace.queuedMs - trace.waitedMs));
  }
  const fields: SlowRequestReport['fields'] = { method, durationMs: round(durationMs), phasesMs };
  if (trace.topic !== '') {
    fields.topic = trace.topic;
    fields.partition = trace.partition;
    fields.bytes = trace.bytes;
  }
  if (error !== undefined) fields.code = error.code;
  const where = trace.topic === '' ? '' : ` ${trace.topic}/${trace.partition} (${trace.bytes} bytes)`;
  const phases = Object.entries(phasesMs).map(([phase, ms]) => `${phase} ${ms} ms`);
  const message = `slow request: ${method}${where} took ${fields.durationMs} ms${phases.length > 0 ? `: ${phases.join(', ')}` : ''}${error ? ` (${error.code})` : ''}`;
  return { fields, message };
}

/**
 * ProduceRequest (proto/sluice/v1/broker.proto) written by hand in front of an encoded batch, so
 * the batch bytes are never copied into a protobuf writer (the batch builder keeps headroom for it):
 *
 *   6 correlation_id uint64 | 1 topic string | 2 partition uint32 | 3 acks int32 | 4 timeout_ms uint32 | 5 batch bytes
 *
 * (protobuf allows fields in any order; the correlation id changes with every attempt, so it goes
 * first and the whole envelope is rewritten in front of the same batch bytes for each one.)
 * Proto3 encoding: each field is a tag varint (field << 3 | wire type), then a varint (wire type 0)
 * or a varint length and the bytes (wire type 2). A negative int32 is a 10-byte varint.
 */
import type { Acks } from './types.js';
import { uvarintSize, writeUvarint } from '../../protocol/varint.js';

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const TAG_TOPIC = (1 << 3) | WIRE_BYTES;
const TAG_PARTITION = (2 << 3) | WIRE_VARINT;
const TAG_ACKS = (3 << 3) | WIRE_VARINT;
const TAG_TIMEOUT_MS = (4 << 3) | WIRE_VARINT;
const TAG_BATCH = (5 << 3) | WIRE_BYTES;
const TAG_CORRELATION_ID = (6 << 3) | WIRE_VARINT;
/** Every tag and varint of the envelope at their longest, besides the topic's bytes. */
const ENVELOPE_FIXED_BYTES_MAX = 6 * 1 + 10 + 5 + 5 + 10 + 5 + 5;

/** Headroom a batch of `topic` needs for its envelope, in bytes. */
export function produceEnvelopeBytesMax(topic: string): number {
  return ENVELOPE_FIXED_BYTES_MAX + Buffer.byteLength(topic, 'utf8');
}

/** int32 as proto3 writes it: negative values sign-extended to 64 bits (10 bytes). */
function int32Size(value: number): number {
  return value < 0 ? 10 : uvarintSize(value);
}

function writeInt32(buf: Buffer, pos: number, value: number): number {
  if (value >= 0) return writeUvarint(buf, pos, value);
  // The 64-bit two's complement as two 32-bit halves (no BigInt per request): 7 bits at a time.
  let low = value >>> 0;
  let high = 0xffffffff;
  while (high !== 0 || low > 0x7f) {
    buf[pos++] = (low & 0x7f) | 0x80;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  buf[pos++] = low;
  return pos;
}

export interface ProduceEnvelope {
  topic: string;
  partition: number;
  acks: Acks;
  timeoutMs: number;
  batchBytes: number;
  correlationId: number;
}

/** Size of the envelope written before a batch of `batchBytes`, in bytes. */
export function produceEnvelopeBytes(envelope: ProduceEnvelope): number {
  const topicBytes = Buffer.byteLength(envelope.topic, 'utf8');
  return (
    1 + uvarintSize(envelope.correlationId) +
    1 + uvarintSize(topicBytes) + topicBytes +
    1 + uvarintSize(envelope.partition) +
    1 + int32Size(envelope.acks) +
    1 + uvarintSize(envelope.timeoutMs) +
    1 + uvarintSize(envelope.batchBytes)
  );
}

/** Writes the envelope at `pos`; the batch must follow right after it. Returns the position after it. */
export function writeProduceEnvelope(buf: Buffer, pos: number, envelope: ProduceEnvelope): number {
  const topicBytes = Buffer.byteLength(envelope.topic, 'utf8');
  buf[pos++] = TAG_CORRELATION_ID;
  pos = writeUvarint(buf, pos, envelope.correlationId);
  buf[pos++] = TAG_TOPIC;
  pos = writeUvarint(buf, pos, topicBytes);
  pos += buf.write(envelope.topic, pos, 'utf8');
  buf[pos++] = TAG_PARTITION;
  pos = writeUvarint(buf, pos, envelope.partition);
  buf[pos++] = TAG_ACKS;
  pos = writeInt32(buf, pos, envelope.acks);
  buf[pos++] = TAG_TIMEOUT_MS;
  pos = writeUvarint(buf, pos, envelope.timeoutMs);
  buf[pos++] = TAG_BATCH;
  return writeUvarint(buf, pos, envelope.batchBytes);
}

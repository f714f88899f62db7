/**
 * Kafka's wire primitives (https://kafka.apache.org/protocol#protocol_types), both directions, for
 * one message at a time. A reader or writer is made for a message version: `flexible` versions
 * (KIP-482) write strings, bytes and arrays with unsigned-varint lengths plus one ("compact"), and
 * end every struct with tagged fields. Schemas call `string`, `array`, `tags`… once and the flag
 * picks the encoding, so one module serves an API's classic and flexible versions alike.
 *
 * Readers throw KafkaDecodeError on any input that runs short or is out of range: a frame from the
 * network must never reach an assertion.
 */
import { readInt64BE, writeInt64BE } from '../protocol/int64.js';

export class KafkaDecodeError extends Error {
  override name = 'KafkaDecodeError';
}

/** Longest unsigned varint we accept: 5 bytes hold any 32-bit length. */
const UVARINT_BYTES_MAX = 5;

export class KafkaReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    /** Set after the request header: its fixed part is classic in every version. */
    public flexible: boolean,
    pos = 0,
  ) {
    this.pos = pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(bytes: number, what: string): void {
    if (bytes < 0 || this.pos + bytes > this.buf.length) {
      throw new KafkaDecodeError(`${what} of ${bytes} bytes runs past the end of the message (${this.remaining} left)`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  /** As a JS number: offsets and timestamps stay far below 2^53. */
  int64(): number {
    this.need(8, 'int64');
    const value = readInt64BE(this.buf, this.pos);
    this.pos += 8;
    return value;
  }

  uvarint(): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < UVARINT_BYTES_MAX; i++) {
      this.need(1, 'unsigned varint');
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return value;
      multiplier *= 128;
    }
    throw new KafkaDecodeError(`unsigned varint longer than ${UVARINT_BYTES_MAX} bytes`);
  }

  /** Zig-zag signed varint (record fields). */
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** Length of a string/bytes/array: -1 means null. */
  private length(classic: () => number): number {
    const length = this.flexible ? this.uvarint() - 1 : classic();
    if (length < -1) throw new KafkaDecodeError(`negative length ${length}`);
    return length;
  }

  nullableString(): string | null {
    const length = this.length(() => this.int16());
    if (length === -1) return null;
    this.need(length, 'string');
    const value = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new KafkaDecodeError('null where a string is required');
    return value;
  }

  /** A view into the message (no copy). */
  nullableBytes(): Buffer | null {
    const length = this.length(() => this.int32());
    if (length === -1) return null;
    this.need(length, 'bytes');
    const value = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  nullableArray<T>(item: (reader: KafkaReader) => T): T[] | null {
    const count = this.length(() => this.int32());
    if (count === -1) return null;
    // Every element takes at least one byte: a count beyond what is left is a lie, refused before looping.
    if (count > this.remaining) throw new KafkaDecodeError(`array of ${count} elements in ${this.remaining} bytes`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(item(this));
    return items;
  }

  array<T>(item: (reader: KafkaReader) => T): T[] {
    const items = this.nullableArray(item);
    if (items === null) throw new KafkaDecodeError('null where an array is required');
    return items;
  }

  /** Skips a struct's tagged fields (flexible versions); we read none of them yet. */
  tags(): void {
    if (!this.flexible) return;
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size, 'tagged field');
      this.pos += size;
    }
  }
}

const WRITER_CHUNK_BYTES = 512;
/** Byte fields at least this long are sent as their own chunk rather than copied. */
const ZERO_COPY_BYTES_MIN = 1024;

/**
 * Builds one response frame: the 4-byte size prefix, then what the schema writes. Small fields go
 * into a scratch buffer; large byte fields (record batches) become chunks of their own, so a fetch
 * response carries stored batches without copying them. `finish` fills in the size.
 */
export class KafkaWriter {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(WRITER_CHUNK_BYTES);
  private pos = 4; // the frame's size prefix, written by finish()
  private flushed = 0;

  constructor(public flexible: boolean) {}

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushed += this.pos;
    this.buf = Buffer.allocUnsafe(Math.max(WRITER_CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  int8(value: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(value, this.pos);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(value, this.pos);
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(value, this.pos);
    return this;
  }

  int64(value: number): this {
    this.ensure(8);
    writeInt64BE(this.buf, value, this.pos);
    this.pos += 8;
    return this;
  }

  uvarint(value: number): this {
    this.ensure(UVARINT_BYTES_MAX);
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
    return this;
  }

  private length(length: number, classic: (length: number) => this): this {
    return this.flexible ? this.uvarint(length + 1) : classic(length);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.length(-1, (l) => this.int16(l));
    const bytes = Buffer.byteLength(value, 'utf8');
    this.length(bytes, (l) => this.int16(l));
    this.ensure(bytes);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    return this;
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.length(-1, (l) => this.int32(l));
    this.length(value.length, (l) => this.int32(l));
    return this.raw(value);
  }

  /** Several buffers sent back to back as one bytes field (a fetch's record batches). */
  bytesChunks(values: readonly Buffer[]): this {
    let total = 0;
    for (const value of values) total += value.length;
    this.length(total, (l) => this.int32(l));
    for (const value of values) this.raw(value);
    return this;
  }

  private raw(value: Buffer): this {
    if (value.length >= ZERO_COPY_BYTES_MIN) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.flushed += this.pos;
      this.chunks.push(value);
      this.flushed += value.length;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      return this;
    }
    this.ensure(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, item: (writer: this, value: T) => void): this {
    if (items === null) return this.length(-1, (l) => this.int32(l));
    this.length(items.length, (l) => this.int32(l));
    for (const value of items) item(this, value);
    return this;
  }

  array<T>(items: readonly T[], item: (writer: this, value: T) => void): this {
    return this.nullableArray(items, item);
  }

  int32Array(items: readonly number[]): this {
    return this.array(items, (w, v) => w.int32(v));
  }

  /** An empty set of tagged fields (flexible versions only). */
  tags(): this {
    return this.flexible ? this.uvarint(0) : this;
  }

  /** The frame as buffers to write in order; the first starts with the size prefix. */
  finish(): Buffer[] {
    const chunks = [...this.chunks, this.buf.subarray(0, this.pos)].filter((c) => c.length > 0);
    const total = this.flushed + this.pos;
    chunks[0]!.writeInt32BE(total - 4, 0);
    return chunks;
  }
}

/** The frame as one buffer (tests, small answers). */
export function concatFrame(chunks: readonly Buffer[]): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

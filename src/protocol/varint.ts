/**
 * Zig-zag base-128 varints as in Kafka's record format. Values are JS numbers: safe up to 2^53,
 * which covers every delta, length and TTL a record carries.
 */

export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/**
 * zigzag(value) = 2u + sign, with u = value for value >= 0 and -value - 1 below. For |value| above
 * 2^52, 2u + 1 is an odd number beyond 2^53 that a double cannot hold, so the coders below never
 * form it: the first byte carries the sign and u's low 6 bits, each later byte 7 more bits of u.
 */
function zigzagMagnitude(value: number): number {
  return value >= 0 ? value : -value - 1;
}

/** Values in [-2^30, 2^30) zig-zag into 31 bits, so 32-bit integer arithmetic encodes them exactly. */
const SMALL_MIN = -(2 ** 30);
const SMALL_LIMIT = 2 ** 30;

export function varintSize(value: number): number {
  if (value >= -64 && value < 64) return 1;
  if (value >= -8192 && value < 8192) return 2;
  if (value >= -1048576 && value < 1048576) return 3;
  let rest = Math.floor(zigzagMagnitude(value) / 64);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes `value` at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  if (value >= SMALL_MIN && value < SMALL_LIMIT && (value | 0) === value) {
    // The same bytes as below: zigzag = 2 * magnitude + sign, written 7 bits at a time.
    let zigzagged = ((value << 1) ^ (value >> 31)) >>> 0;
    while (zigzagged >= 0x80) {
      buf[pos++] = (zigzagged & 0x7f) | 0x80;
      zigzagged >>>= 7;
    }
    buf[pos++] = zigzagged;
    return pos;
  }
  const magnitude = zigzagMagnitude(value);
  let byte = (magnitude % 64) * 2 + (value < 0 ? 1 : 0);
  let rest = Math.floor(magnitude / 64);
  while (rest > 0) {
    buf[pos++] = byte | 0x80;
    byte = rest % 128;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = byte;
  return pos;
}

/** Bytes of a protobuf (unsigned, not zig-zag) varint; `value` is a non-negative safe integer. */
export function uvarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Writes a protobuf (unsigned) varint at `pos`; returns the position after it. */
export function writeUvarint(buf: Buffer, pos: number, value: number): number {
  while (value >= 0x80) {
    buf[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[pos++] = value;
  return pos;
}

/** A cursor over a buffer that throws a RangeError instead of reading past its end. */
export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  varint(): number {
    if (this.pos < this.end) {
      const first = this.buf[this.pos]!;
      if (first < 0x80) {
        this.pos++;
        return first & 1 ? -(first >>> 1) - 1 : first >>> 1;
      }
    }
    let magnitude = 0;
    let negative = false;
    let multiplier = 1;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.pos >= this.end) throw new RangeError('varint runs past the end of the buffer');
      const byte = this.buf[this.pos++]!;
      if (shift === 0) {
        // See zigzagMagnitude: the first byte holds the sign bit and 6 bits of the magnitude.
        negative = (byte & 1) === 1;
        magnitude = (byte & 0x7f) >>> 1;
        multiplier = 64;
      } else {
        magnitude += (byte & 0x7f) * multiplier;
        multiplier *= 128;
      }
      if ((byte & 0x80) === 0) return negative ? -magnitude - 1 : magnitude;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  int8(): number {
    if (this.pos + 1 > this.end) throw new RangeError('int8 runs past the end of the buffer');
    return this.buf.readInt8(this.pos++);
  }

  bytes(length: number): Buffer {
    if (length < 0 || this.pos + length > this.end) throw new RangeError(`${length} bytes run past the end of the buffer`);
    const slice = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }

  /** A varint length, then that many bytes; -1 stands for null. */
  nullableBytes(): Buffer | null {
    const length = this.varint();
    return length === -1 ? null : this.bytes(length);
  }
}

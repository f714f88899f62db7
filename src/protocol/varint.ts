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

export function varintSize(value: number): number {
  let rest = zigzag(value);
  let size = 1;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes `value` at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let rest = zigzag(value);
  while (rest >= 0x80) {
    buf[pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = rest;
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
    let result = 0;
    let multiplier = 1;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.pos >= this.end) throw new RangeError('varint runs past the end of the buffer');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return unzigzag(result);
      multiplier *= 128;
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

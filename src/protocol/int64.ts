/**
 * 64-bit big-endian integers as JavaScript numbers, for fields that hold safe integers (offsets,
 * timestamps, producer ids, -1): two 32-bit halves instead of a BigInt per read or write. The
 * BigInts were ~10 % of what a broker allocated per produced batch (every header is read on
 * produce and on fetch), and each allocation brings the next scavenge closer.
 */
const TWO_32 = 2 ** 32;

export function readInt64BE(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Writes `value` (a safe integer; RangeError otherwise) as a signed 64-bit big-endian integer. */
export function writeInt64BE(buf: Buffer, value: number, pos: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
  const high = Math.floor(value / TWO_32);
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(value - high * TWO_32, pos + 4);
}

/**
 * `bytes`, or a copy of them when they are a small view of a much larger buffer. What arrives
 * over gRPC is a slice of a bigger allocation (a produce request's batch inside its message, a
 * small request inside a read chunk, Raft entries inside one frame); kept as a slice, a small
 * batch would pin the whole allocation, so memory bounds that count bytes would count a fraction
 * of what is held. Slices that are most of their buffer are kept as they are: copying a
 * megabyte batch out of its own request costs a copy and an allocation for a few bytes saved.
 */
export function ownMemory(bytes: Uint8Array): Buffer {
  if (Buffer.isBuffer(bytes) && bytes.byteLength * 2 >= bytes.buffer.byteLength) return bytes;
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

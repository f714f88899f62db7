/**
 * `bytes`, or a copy of them when they are a small view of a much larger buffer. What arrives
 * over gRPC is a slice of a bigger allocation (a produce request's batch inside its message, a
 * small request inside a read chunk, Raft entries inside one frame); kept as a slice, a small
 * batch would pin the whole allocation, so memory bounds that count bytes would count a fraction
 * of what is held. Slices that are most of their buffer are kept as they are: copying a
 * megabyte batch out of its own request costs a copy and an allocation for a few bytes saved.
 *
 * Small copies are packed into shared slabs, as Buffer.allocUnsafe packs into its pool: a copy
 * with its own ArrayBuffer costs extra heap objects and an external allocation per batch, kept as
 * long as the tail cache keeps the batch, and so promoted to the old generation. A slab stays
 * alive while any batch in it is; the batches kept longest (tail cache, log) are kept and evicted
 * in append order, so whole slabs are freed together.
 */
const SLAB_BYTES = 256 * 1024;
/** Larger copies get their own buffer: a slab holds at least 16 of them. */
const SLAB_COPY_MAX = SLAB_BYTES / 16;

/** The slabs' memory: slices of it are owned copies already. */
const slabMemory = new WeakSet<ArrayBufferLike>();
let slab: Buffer | undefined;
let slabUsed = 0;

export function ownMemory(bytes: Uint8Array): Buffer {
  if (Buffer.isBuffer(bytes) && (bytes.byteLength * 2 >= bytes.buffer.byteLength || slabMemory.has(bytes.buffer))) return bytes;
  const size = bytes.byteLength;
  if (size > SLAB_COPY_MAX) {
    const copy = Buffer.allocUnsafeSlow(size);
    copy.set(bytes);
    return copy;
  }
  if (slab === undefined || slabUsed + size > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabMemory.add(slab.buffer);
    slabUsed = 0;
  }
  const copy = slab.subarray(slabUsed, slabUsed + size);
  copy.set(bytes);
  // 8-byte aligned, as Buffer's own pool aligns its slices.
  slabUsed += (size + 7) & ~7;
  return copy;
}

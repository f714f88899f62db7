/**
 * Batch buffers for reuse. A producer at full speed fills a megabyte batch buffer every few
 * milliseconds; allocating each afresh costs page faults on first touch (glibc hands large blocks
 * back to the kernel) and, being external memory, drives V8 into frequent full GCs. Buffers come
 * back here once their batch is acknowledged or failed for good (grpc-js has copied the request
 * into its own frame by then), and sizes are rounded up to a granule so they fit again.
 */
const GRANULE_BYTES = 16 * 1024;

export class BufferPool {
  private readonly free: Buffer[] = [];

  /**
   * @param maxBuffers buffers kept at most (enough for the batches in flight plus the open ones)
   * @param maxBufferBytes larger buffers (a single outsized record) are left to the GC
   */
  constructor(
    private readonly maxBuffers: number,
    private readonly maxBufferBytes: number,
  ) {}

  /** A buffer of at least `bytes` (contents undefined): a pooled one that fits, else a new one. */
  readonly take = (bytes: number): Buffer => {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i]!.length;
      if (length >= bytes && (best < 0 || length < this.free[best]!.length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return Buffer.allocUnsafe(Math.ceil(bytes / GRANULE_BYTES) * GRANULE_BYTES);
  };

  /** Hands a buffer back; nothing may use it afterwards. */
  give(buffer: Buffer): void {
    if (buffer.length > this.maxBufferBytes || buffer.length < GRANULE_BYTES) return;
    if (this.free.length >= this.maxBuffers) {
      // Keep the larger ones: they fit any batch.
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
      if (this.free[smallest]!.length >= buffer.length) return;
      this.free.splice(smallest, 1);
    }
    this.free.push(buffer);
  }

  get size(): number {
    return this.free.length;
  }
}

/**
 * A budget of bytes held by requests being served (queued.max.request.bytes): what arrives beyond
 * it waits, first come first served, or is refused by the caller. One request larger than the whole
 * budget is admitted when nothing else holds any, so it never waits forever.
 */
interface Waiter {
  bytes: number;
  admit: (admitted: boolean) => void;
}

export class ByteBudget {
  private usedBytes = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly capacityBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `bytes` if they fit now and nobody waits before; the caller releases them. */
  tryAcquire(bytes: number): boolean {
    if (this.waiters.length > 0 || !this.fits(bytes)) return false;
    this.usedBytes += bytes;
    return true;
  }

  /** Resolves true once `bytes` are taken (in arrival order), false if `signal` fires first. */
  acquire(bytes: number, signal: AbortSignal): Promise<boolean> {
    if (this.tryAcquire(bytes)) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { bytes, admit: resolve };
      this.waiters.push(waiter);
      signal.addEventListener(
        'abort',
        () => {
          const index = this.waiters.indexOf(waiter);
          if (index < 0) return;
          this.waiters.splice(index, 1);
          resolve(false);
          this.admitWaiters();
        },
        { once: true },
      );
    });
  }

  release(bytes: number): void {
    this.usedBytes -= bytes;
    this.admitWaiters();
  }

  private fits(bytes: number): boolean {
    return this.usedBytes === 0 || this.usedBytes + bytes <= this.capacityBytes;
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.bytes)) {
      const waiter = this.waiters.shift()!;
      this.usedBytes += waiter.bytes;
      waiter.admit(true);
    }
  }
}

/**
 * Orders one log's LevelDB writes. classic-level runs operations on libuv's thread pool, so two
 * writes issued back to back may reach LevelDB in either order. Appends touch distinct keys and may
 * overlap each other; a destructive write (truncate, prefix deletion, drop) must land after every
 * write issued before it and before every write issued after it, or it could delete a batch that
 * lands later or be overtaken by a re-append at the same offset.
 */
export class WriteQueue {
  /** Settles when the last exclusive write has; later writes start after it. */
  private barrier: Promise<void> = Promise.resolve();
  /** Writes issued since the last barrier, each already made non-rejecting. */
  private readonly inFlight = new Set<Promise<void>>();

  /** Starts `write` once the last exclusive write has landed; may overlap other shared writes. */
  shared(write: () => Promise<void>): Promise<void> {
    const done = this.barrier.then(write);
    this.track(done);
    return done;
  }

  /** Starts `write` after every write issued so far; writes issued later wait for it. */
  exclusive(write: () => Promise<void>): Promise<void> {
    const done = this.settled().then(write);
    this.barrier = done.then(noop, noop);
    this.inFlight.clear();
    this.track(done);
    return done;
  }

  /** Settles (never rejects) once every write issued so far has settled. */
  settled(): Promise<void> {
    return Promise.all([this.barrier, ...this.inFlight]).then(noop);
  }

  private track(done: Promise<void>): void {
    const settled = done.then(noop, noop).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }
}

function noop(): void {}

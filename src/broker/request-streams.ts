/**
 * The open request streams (ProduceStream, FetchStream) of a broker. Clients keep them open for as
 * long as they live, so a stopping broker must refuse what still arrives on them and end them
 * itself: `tryShutdown` alone would wait for them forever.
 */
export class RequestStreams {
  private readonly open = new Set<() => void>();
  private closing = false;

  /** Registers a stream's `end` (called once its own requests are answered); returns the unregister. */
  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** From now on requests on open streams are answered SHUTTING_DOWN. */
  refuseNew(): void {
    this.closing = true;
  }

  /** Ends every open stream (a client then fails its unanswered requests over and reconnects). */
  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

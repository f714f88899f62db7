/** Requests being served, by RPC method: for shutdown logging and the in-flight gauge. */
export class InflightRequests {
  private readonly byMethod = new Map<string, number>();

  enter(method: string): void {
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
  }

  exit(method: string): void {
    this.byMethod.set(method, (this.byMethod.get(method) ?? 1) - 1);
  }

  get count(): number {
    let total = 0;
    for (const count of this.byMethod.values()) total += count;
    return total;
  }

  entries(): Array<[string, number]> {
    return [...this.byMethod.entries()];
  }
}

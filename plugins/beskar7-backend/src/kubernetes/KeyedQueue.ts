/**
 * Runs tasks one at a time per key and concurrently across keys, so that
 * the handling of one object's events stays in order (an update never
 * overtakes the add before it) without one slow object holding up others.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  push(key: string, task: () => Promise<void>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const tail = previous
      .then(task)
      .catch(error => this.onError(key, error))
      .finally(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    this.tails.set(key, tail);
  }

  /** Resolves once every task pushed so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all(this.tails.values());
  }
}

/**
 * Runs work one batch at a time: items submitted while a batch is in
 * flight wait and go together in the next one (up to `maxBatch`), so that
 * under load a batch holds what arrived during the last, and when idle an
 * item goes at once, alone. `run` answers each item in the order given; if
 * it throws, every item of its batch gets the error.
 */
export class Batches<T, R> {
  private readonly waiting: Array<{
    item: T;
    resolve: (result: R) => void;
    reject: (error: unknown) => void;
  }> = [];
  private running = false;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) {
      throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
    }
  }

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next() {
    if (this.running || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.maxBatch);
    this.running = true;
    const settle = async () => {
      try {
        const results = await this.run(batch.map(b => b.item));
        if (results.length !== batch.length) {
          throw new Error(
            `a batch of ${batch.length} was answered with ${results.length} results`,
          );
        }
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (error) {
        batch.forEach(b => b.reject(error));
      } finally {
        this.running = false;
        this.next();
      }
    };
    void settle();
  }
}

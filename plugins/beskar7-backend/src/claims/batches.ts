/**
 * How long, once a batch of claims is answered, the next waits for the
 * claimers just answered to come back. With 4 claims in flight per
 * replica, batches went 1 and 3 by turns without it, mostly 4 with it:
 * 1,540-1,580 against 1,940-2,000 claims/s (docs/benchmarks.md).
 */
export const CLAIM_BATCH_LINGER_MS = 1;

/**
 * Runs work one batch at a time: items submitted while a batch is in
 * flight wait and go together in the next one (up to `maxBatch`); when
 * idle an item goes at once, alone. Once a batch is answered, the next
 * leaves when full or `lingerMs` later, whichever comes first: the callers
 * just answered come back with their next items in that time, where
 * otherwise the first back would go alone and the rest after it, two
 * batches where one would do. `run` answers each item in the order given;
 * if it throws, every item of its batch gets the error.
 */
export class Batches<T, R> {
  private readonly waiting: Array<{
    item: T;
    resolve: (result: R) => void;
    reject: (error: unknown) => void;
  }> = [];
  private running = false;
  private lingering: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    private readonly lingerMs = 0,
  ) {
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) {
      throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
    }
  }

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.lingering && this.waiting.length >= this.maxBatch) {
        clearTimeout(this.lingering);
        this.lingering = undefined;
      }
      this.next();
    });
  }

  private next() {
    if (this.running || this.lingering || this.waiting.length === 0) return;
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
        if (this.lingerMs > 0 && this.waiting.length < this.maxBatch) {
          this.lingering = setTimeout(() => {
            this.lingering = undefined;
            this.next();
          }, this.lingerMs);
        } else {
          this.next();
        }
      }
    };
    void settle();
  }
}

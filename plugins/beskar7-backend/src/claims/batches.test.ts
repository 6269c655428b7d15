import { Batches } from './batches';

/** A run whose batches finish only when the test says so. */
function controlledRun() {
  const batches: Array<{ items: number[]; finish: (error?: Error) => void }> =
    [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        items,
        finish: error =>
          error ? reject(error) : resolve(items.map(i => `answer ${i}`)),
      });
    });
  return { batches, run };
}

const flush = () => new Promise(resolve => setImmediate(resolve));

describe('Batches', () => {
  it('sends an item at once when idle, and what arrives meanwhile together next, up to the most a batch holds', async () => {
    const { batches, run } = controlledRun();
    const work = new Batches(run, 3);
    const answers = [1, 2, 3, 4, 5].map(i => work.submit(i));
    await flush();
    expect(batches.map(b => b.items)).toEqual([[1]]);

    batches[0].finish();
    await flush();
    expect(batches.map(b => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1].finish();
    await flush();
    expect(batches.map(b => b.items)).toEqual([[1], [2, 3, 4], [5]]);
    batches[2].finish();

    await expect(Promise.all(answers)).resolves.toEqual([
      'answer 1',
      'answer 2',
      'answer 3',
      'answer 4',
      'answer 5',
    ]);
  });

  it('once a batch is answered, lets the next wait lingerMs for more, and leave at once when full', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const { batches, run } = controlledRun();
      const work = new Batches(run, 3, 1_000);
      const answers = [work.submit(1), work.submit(2)];
      await flush();
      expect(batches.map(b => b.items)).toEqual([[1]]);

      batches[0].finish();
      await flush();
      answers.push(work.submit(3));
      await flush();
      jest.advanceTimersByTime(999);
      await flush();
      expect(batches.map(b => b.items)).toEqual([[1]]);
      jest.advanceTimersByTime(1);
      await flush();
      expect(batches.map(b => b.items)).toEqual([[1], [2, 3]]);

      batches[1].finish();
      await flush();
      answers.push(work.submit(4), work.submit(5));
      await flush();
      expect(batches).toHaveLength(2);
      answers.push(work.submit(6));
      await flush();
      expect(batches.map(b => b.items)).toEqual([[1], [2, 3], [4, 5, 6]]);
      batches[2].finish();

      await expect(Promise.all(answers)).resolves.toEqual(
        [1, 2, 3, 4, 5, 6].map(i => `answer ${i}`),
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives a failed batch its error on every item, and goes on with the next', async () => {
    const { batches, run } = controlledRun();
    const work = new Batches(run, 8);
    const first = work.submit(1);
    const second = [2, 3].map(i => work.submit(i));
    await flush();
    batches[0].finish();
    await flush();
    const failure = new Error('connection lost');
    batches[1].finish(failure);
    for (const answer of second) await expect(answer).rejects.toBe(failure);
    await expect(first).resolves.toBe('answer 1');

    const after = work.submit(4);
    await flush();
    batches[2].finish();
    await expect(after).resolves.toBe('answer 4');
  });

  it('rejects a run that answers a different number of items', async () => {
    const work = new Batches(async (items: number[]) => items.slice(1), 4);
    await expect(work.submit(1)).rejects.toThrow(
      'a batch of 1 was answered with 0 results',
    );
  });

  it('names a batch size that is not a positive integer', () => {
    expect(() => new Batches(async (items: number[]) => items, 0)).toThrow(
      'maxBatch must be a positive integer, got 0',
    );
  });
});

import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the first value that passes the check', async () => {
    let reads = 0;
    const value = await eventually(
      async () => ++reads,
      n => n >= 3,
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
    expect(reads).toBe(3);
  });

  it('names what it waited for and the last value when its own timeout runs out', async () => {
    await expect(
      eventually(
        () => ({ state: 'Enrolling' }),
        h => h.state === 'Available',
        {
          what: 'host h1 to be Available',
          timeoutMs: 20,
          intervalMs: 5,
        },
      ),
    ).rejects.toThrow(
      /^Timed out after 20 ms waiting for host h1 to be Available; last read: {"state":"Enrolling"}$/,
    );
  });
});

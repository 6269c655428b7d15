import { backoffAfter, duePolls } from './powerSchedule';

describe('power poll schedule', () => {
  it('doubles the pause per failure in a row, up to the cap', () => {
    expect([1, 2, 3, 10].map(n => backoffAfter(n, 1_000, 5_000))).toEqual([
      2_000, 4_000, 5_000, 5_000,
    ]);
  });

  it('reads stale hosts of idle BMCs, stalest first, within the limit', () => {
    const due = duePolls(
      [
        { hostId: 'fresh', bmc: 'a', observedAt: 9_500 },
        { hostId: 'stale', bmc: 'a', observedAt: 1_000 },
        { hostId: 'never', bmc: 'b' },
        { hostId: 'busy', bmc: 'c', observedAt: 0 },
        { hostId: 'backing-off', bmc: 'd', observedAt: 0 },
        { hostId: 'staler', bmc: 'e', observedAt: 500 },
      ],
      {
        now: 10_000,
        intervalMs: 1_000,
        busy: new Set(['c']),
        backoff: new Map([['d', { failures: 1, notBefore: 10_001 }]]),
        limit: 2,
      },
    );
    expect([...due.entries()]).toEqual([
      ['b', ['never']],
      ['e', ['staler']],
    ]);
  });
});

import { CounterWindow } from './CounterWindow';

describe('CounterWindow', () => {
  it('reports what happened within the window', async () => {
    let now = 0;
    let total = 0;
    const window = new CounterWindow(
      async () => ({ total }),
      () => now,
    );

    expect(await window.delta(60_000)).toEqual({ total: 0 });
    now = 30_000;
    total = 10;
    expect(await window.delta(60_000)).toEqual({ total: 10 });
    now = 80_000;
    total = 25;
    // The sample at 0 fell out; the one at 30 s (total 10) is the base.
    expect(await window.delta(60_000)).toEqual({ total: 15 });
  });

  it('counts what happened before its first read, while younger than the window', async () => {
    let now = 0;
    let total = 0;
    const window = new CounterWindow(
      async () => ({ total }),
      () => now,
    );
    now = 20_000;
    total = 7;
    expect(await window.delta(60_000)).toEqual({ total: 7 });
  });

  it('says how long the delta took to accumulate: since creation, then the window', async () => {
    let now = 0;
    let total = 0;
    const window = new CounterWindow(
      async () => ({ total }),
      () => now,
    );
    now = 20_000;
    total = 7;
    expect(await window.span(60_000)).toEqual({
      delta: { total: 7 },
      ms: 20_000,
    });
    now = 70_000;
    total = 9;
    // The sample at 0 fell out: the base is the read at 20 s.
    expect(await window.span(60_000)).toEqual({
      delta: { total: 2 },
      ms: 50_000,
    });
  });
});

import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { HostChangePoller, HostFeed } from './HostChangePoller';
import { testHost } from './testHost';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');

const host = (id: string, version: number, writtenAt: number) =>
  testHost(id, version, new Date(writtenAt).toISOString());

/**
 * The host list as the API serves it, with what each poll read: `since`
 * filters on `updatedAt` inclusively, as `GET /hosts?updatedSince=` does.
 */
class Fleet implements HostFeed {
  hosts = new Map<string, Host>();
  reads: string[] = [];
  tooManyChanges = false;

  write(id: string, at: number) {
    const previous = this.hosts.get(id);
    this.hosts.set(id, host(id, (previous?.version ?? 0) + 1, at));
  }

  async readAll() {
    this.reads.push('all');
    return [...this.hosts.values()];
  }

  async readUpdatedSince(since: number) {
    this.reads.push(`since ${new Date(since).toISOString()}`);
    if (this.tooManyChanges) return undefined;
    return [...this.hosts.values()].filter(
      h => Date.parse(h.updatedAt) >= since,
    );
  }

  async count() {
    this.reads.push('count');
    return this.hosts.size;
  }
}

describe('HostChangePoller', () => {
  let fleet: Fleet;
  let now: number;
  let poller: HostChangePoller;

  beforeEach(() => {
    fleet = new Fleet();
    for (const id of ['a', 'b', 'c']) fleet.write(id, T0);
    now = T0 + 1_000;
    poller = new HostChangePoller({
      feed: fleet,
      listener: () => {},
      intervalMs: 10_000,
      resyncIntervalMs: 600_000,
      overlapMs: 60_000,
      onError: () => {},
      now: () => now,
    });
  });

  it('reads every host once, then only what was written since the latest write it saw', async () => {
    expect(await poller.next()).toEqual([]);
    fleet.write('b', T0 + 5_000);
    fleet.write('d', T0 + 6_000);
    now += 10_000;

    expect(await poller.next()).toEqual([
      {
        type: 'changed',
        host: fleet.hosts.get('b'),
        previous: host('b', 1, T0),
      },
      { type: 'added', host: fleet.hosts.get('d') },
    ]);
    now += 10_000;
    expect(await poller.next()).toEqual([]);
    expect(fleet.reads).toEqual([
      'all',
      'count',
      'since 2026-11-30T23:59:00.000Z',
      'count',
      'since 2026-11-30T23:59:06.000Z',
    ]);
  });

  it('sees a write stamped before the latest one it saw, within the overlap', async () => {
    await poller.next();
    fleet.write('a', T0 + 30_000);
    await poller.next();
    // Another replica's clock is 20 s behind, or its commit was slow.
    fleet.write('c', T0 + 10_000);

    const changes = await poller.next();

    expect(changes).toEqual([
      {
        type: 'changed',
        host: fleet.hosts.get('c'),
        previous: host('c', 1, T0),
      },
    ]);
    expect(fleet.reads.filter(r => r === 'all')).toHaveLength(1);
  });

  it('reads every host again when one was removed, and reports it', async () => {
    await poller.next();
    fleet.hosts.delete('b');
    fleet.write('a', T0 + 2_000);

    const changes = await poller.next();

    expect(changes).toEqual([
      {
        type: 'changed',
        host: fleet.hosts.get('a'),
        previous: host('a', 1, T0),
      },
      { type: 'removed', host: host('b', 1, T0) },
    ]);
    expect(fleet.reads.at(-1)).toBe('all');
  });

  it('reads every host again when one was removed and another added', async () => {
    await poller.next();
    fleet.hosts.delete('b');
    fleet.write('d', T0 + 2_000);

    const changes = await poller.next();

    expect(changes).toEqual([
      { type: 'added', host: fleet.hosts.get('d') },
      { type: 'removed', host: host('b', 1, T0) },
    ]);
    expect(fleet.reads.at(-1)).toBe('all');
  });

  it('reads every host again when too many changed, and when the resync interval has passed', async () => {
    await poller.next();
    fleet.tooManyChanges = true;
    fleet.write('a', T0 + 2_000);
    expect(await poller.next()).toHaveLength(1);
    expect(fleet.reads.at(-1)).toBe('all');

    fleet.tooManyChanges = false;
    now += 600_000;
    expect(await poller.next()).toEqual([]);
    expect(fleet.reads.at(-1)).toBe('all');
    now += 10_000;
    await poller.next();
    expect(fleet.reads.at(-1)).toMatch(/^since /);
  });
});

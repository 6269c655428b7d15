import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { applyUpdates, diffHosts, latestUpdate } from './hostChanges';
import { HostChange, HostChangeListener } from './types';

/** How a watch reads the hosts it covers. */
export interface HostFeed {
  /** Every host. */
  readAll(): Promise<Host[]>;
  /**
   * The hosts written at or after `since` (milliseconds since the epoch), or
   * undefined when too many changed to read them as a change.
   */
  readUpdatedSince(since: number): Promise<Host[] | undefined>;
  /** How many hosts there are now. */
  count(): Promise<number>;
}

/**
 * Polls the hosts and reports what changed since the previous poll. After a
 * first full read, a poll reads the hosts written since the latest write it
 * saw and the number of hosts, so that its cost follows the changes, not the
 * fleet. It reads everything again when the feed cannot tell: a host was
 * removed or left the filter (the number falls short), too many changed, or
 * the resync interval has passed. Polls never overlap: the next one is
 * scheduled when the listener is done.
 */
export class HostChangePoller {
  private known?: Map<string, Host>;
  /** The latest write seen, from the hosts' own `updatedAt`. */
  private mark = 0;
  private lastFullRead = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;

  constructor(
    private readonly options: {
      feed: HostFeed;
      listener: HostChangeListener;
      intervalMs: number;
      /** Time after which a poll reads every host again. */
      resyncIntervalMs: number;
      /**
       * How far before the mark the feed reads again. A write is stamped
       * with its replica's clock when it begins and seen when it commits:
       * the window covers slow commits and clock skew between replicas.
       */
      overlapMs: number;
      onError: (error: Error) => void;
      now?: () => number;
    },
  ) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      const changes = await this.next();
      if (changes.length > 0 && !this.stopped) {
        await this.options.listener(changes);
      }
    } catch (error) {
      this.options.onError(error as Error);
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => this.poll(), this.options.intervalMs);
    }
  }

  /** What changed since the previous call; nothing on the first. */
  async next(): Promise<HostChange[]> {
    const known = this.known;
    const now = this.options.now ?? Date.now;
    if (known && now() - this.lastFullRead < this.options.resyncIntervalMs) {
      const changes = await this.readChanges(known);
      if (changes) return changes;
    }
    this.lastFullRead = now();
    const current = new Map(
      (await this.options.feed.readAll()).map(h => [h.id, h]),
    );
    this.known = current;
    this.mark = latestUpdate(current.values());
    return known ? diffHosts(known, current) : [];
  }

  private async readChanges(
    known: Map<string, Host>,
  ): Promise<HostChange[] | undefined> {
    const { feed, overlapMs } = this.options;
    // Counted first: a host added in between is in the feed, and the totals
    // then disagree.
    const total = await feed.count();
    const updated = await feed.readUpdatedSince(this.mark - overlapMs);
    if (!updated) return undefined;
    const { hosts, changes } = applyUpdates(known, updated);
    // A removed host is in no feed; only the total tells.
    if (hosts.size !== total) return undefined;
    this.known = hosts;
    this.mark = latestUpdate(updated, this.mark);
    return changes;
  }
}

import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { HostChange, HostChangeListener } from './types';

/**
 * Polls the host list and reports what changed since the previous poll.
 * Polls never overlap: the next one is scheduled when the listener is done.
 */
export class HostChangePoller {
  private known?: Map<string, Host>;
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;

  constructor(
    private readonly options: {
      listHosts: () => Promise<Host[]>;
      listener: HostChangeListener;
      intervalMs: number;
      onError: (error: Error) => void;
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
      const hosts = await this.options.listHosts();
      const current = new Map(hosts.map(h => [h.id, h]));
      const changes = this.known ? diffHosts(this.known, current) : [];
      this.known = current;
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
}

export function diffHosts(
  before: Map<string, Host>,
  after: Map<string, Host>,
): HostChange[] {
  const changes: HostChange[] = [];
  for (const [id, host] of after) {
    const previous = before.get(id);
    if (!previous) {
      changes.push({ type: 'added', host });
    } else if (previous.version !== host.version) {
      changes.push({ type: 'changed', host, previous });
    }
  }
  for (const [id, host] of before) {
    if (!after.has(id)) changes.push({ type: 'removed', host });
  }
  return changes;
}

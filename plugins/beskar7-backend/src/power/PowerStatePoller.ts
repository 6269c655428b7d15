import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Host, PowerState } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HOSTS_TABLE, HostRow, rowToHost } from '../database/hostRows';
import { ProvisioningQueue } from '../queue/ProvisioningQueue';
import { backoffAfter, BmcBackoff, duePolls } from './powerSchedule';

/** States no operation is working on (nor about to: Claimed is). */
const POLLED_STATES = ['Available', 'Provisioned', 'Error'];
/** Reads per pass, across all BMCs; the rest wait for the next pass. */
const MAX_READS_PER_PASS = 50;
/** BMCs read at once; each BMC's hosts are read one after the other. */
const PARALLEL_BMCS = 4;
const MAX_BACKOFF_MS = 60 * 60_000;

export interface PowerStatePollerOptions {
  knex: Knex;
  queue: Pick<ProvisioningQueue, 'listJobs' | 'status'>;
  /** Reads one host's power state from its BMC. */
  readPower(host: Host, signal: AbortSignal): Promise<PowerState>;
  logger: LoggerService;
  /** A host's power is read again this long after the last read. */
  intervalMs: number;
  /** Backstage's scheduler (one replica polls at a time); a timer without one. */
  scheduler?: SchedulerService;
  /** Limit of one read. */
  readTimeoutMs?: number;
}

/**
 * Keeps hosts' power state fresh between operations: a server switched off
 * at its BMC shows Off in the API, the UI and the PhysicalHost's
 * `status.observedPowerState` (the status publisher carries the changed
 * row). It stays out of the queue's way: a BMC with a job queued or
 * running, or in its cooldown, is not asked; a BMC whose reads fail is
 * asked again only after a pause that doubles per failure.
 */
export class PowerStatePoller {
  private readonly backoff = new Map<string, BmcBackoff>();
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = true;
  private readonly abort = new AbortController();

  constructor(private readonly options: PowerStatePollerOptions) {}

  async start(): Promise<void> {
    const { scheduler, intervalMs } = this.options;
    this.stopped = false;
    const every = Math.max(intervalMs / 2, 100);
    if (scheduler) {
      await scheduler.scheduleTask({
        id: 'beskar7-power-state-poll',
        frequency: { milliseconds: every },
        timeout: { minutes: 10 },
        fn: () => this.pollOnce(),
      });
      return;
    }
    const tick = async () => {
      await this.pollOnce();
      if (!this.stopped) this.timer = setTimeout(tick, every);
    };
    this.timer = setTimeout(tick, every);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.pass;
  }

  /** One pass; passes never overlap. */
  pollOnce(): Promise<void> {
    this.pass ??= this.poll()
      .catch(error => this.options.logger.warn(`Power poll failed: ${error}`))
      .finally(() => {
        this.pass = undefined;
      });
    return this.pass;
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    const { knex, queue, intervalMs } = this.options;
    const rows: Array<
      Pick<HostRow, 'id' | 'bmc_endpoint' | 'power_state_observed_at'>
    > = await knex(HOSTS_TABLE)
      .select('id', 'bmc_endpoint', 'power_state_observed_at')
      .whereIn('state', POLLED_STATES);
    const [jobs, status] = await Promise.all([
      queue.listJobs({ status: ['queued', 'running'], limit: 10_000 }),
      queue.status(),
    ]);
    const busy = new Set([
      ...jobs.map(j => j.bmcAddress),
      ...status.cooldowns.map(c => c.bmcAddress),
    ]);
    const due = duePolls(
      rows.map(r => ({
        hostId: r.id,
        bmc: r.bmc_endpoint,
        observedAt:
          r.power_state_observed_at === null
            ? undefined
            : new Date(r.power_state_observed_at).getTime(),
      })),
      {
        now: Date.now(),
        intervalMs,
        busy,
        backoff: this.backoff,
        limit: MAX_READS_PER_PASS,
      },
    );
    const bmcs = [...due.entries()];
    const workers = Array.from({ length: PARALLEL_BMCS }, async () => {
      for (let next = bmcs.shift(); next; next = bmcs.shift()) {
        await this.pollBmc(next[0], next[1]);
      }
    });
    await Promise.all(workers);
  }

  private async pollBmc(bmc: string, hostIds: string[]): Promise<void> {
    for (const hostId of hostIds) {
      if (this.stopped) return;
      const row = await this.options
        .knex<HostRow>(HOSTS_TABLE)
        .where({ id: hostId })
        .first();
      if (!row || !POLLED_STATES.includes(row.state)) continue;
      let power: PowerState;
      try {
        power = await this.options.readPower(
          rowToHost(row),
          AbortSignal.any([
            this.abort.signal,
            AbortSignal.timeout(this.options.readTimeoutMs ?? 60_000),
          ]),
        );
      } catch (error) {
        const failures = (this.backoff.get(bmc)?.failures ?? 0) + 1;
        const pauseMs = backoffAfter(
          failures,
          this.options.intervalMs,
          MAX_BACKOFF_MS,
        );
        this.backoff.set(bmc, { failures, notBefore: Date.now() + pauseMs });
        this.options.logger.info(
          `Power state of host ${row.namespace}/${row.name} not read (next try in ${pauseMs} ms): ${error}`,
        );
        return;
      }
      this.backoff.delete(bmc);
      await this.record(row, power);
    }
  }

  /**
   * A change is a new row version (so the status publisher carries it);
   * the same state again only moves the time it was read.
   */
  private async record(row: HostRow, power: PowerState): Promise<void> {
    const now = new Date();
    const changed = row.power_state !== power;
    await this.options
      .knex(HOSTS_TABLE)
      .where({ id: row.id, version: row.version })
      .whereIn('state', POLLED_STATES)
      .update(
        changed
          ? {
              power_state: power,
              power_state_observed_at: now,
              version: Number(row.version) + 1,
              updated_at: now,
            }
          : { power_state_observed_at: now },
      );
    if (changed) {
      this.options.logger.info(
        `Host ${row.namespace}/${row.name} power ${
          row.power_state ?? 'unknown'
        } -> ${power}`,
      );
    }
  }
}

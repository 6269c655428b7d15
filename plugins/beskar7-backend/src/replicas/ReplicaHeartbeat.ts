import { LoggerService } from '@backstage/backend-plugin-api';
import { ClaimCoordinationMode } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { ReplicaInfo } from '../diagnostics';
import { toIsoTimestamp } from '../database/values';

const REPLICAS_TABLE = 'beskar7_replicas';

export interface ReplicaHeartbeatOptions {
  knex: Knex;
  replicaId: string;
  mode: ClaimCoordinationMode;
  /** Whether this replica holds the claim coordinator lease right now. */
  believesLeader: () => boolean;
  logger: LoggerService;
  intervalMs?: number;
}

/**
 * Each replica writes its row every interval; a row not refreshed for three
 * intervals belongs to a replica that is gone.
 */
export class ReplicaHeartbeat {
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: ReplicaHeartbeatOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(
      () =>
        void this.beat().catch(error =>
          this.options.logger.warn(`Replica heartbeat failed: ${error}`),
        ),
      this.intervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.options
      .knex(REPLICAS_TABLE)
      .where({ id: this.options.replicaId })
      .delete();
  }

  /** Replicas seen within three heartbeats, oldest first. */
  async live(): Promise<ReplicaInfo[]> {
    const since = new Date(Date.now() - 3 * this.intervalMs);
    const rows = await this.options
      .knex(REPLICAS_TABLE)
      .where('last_seen_at', '>=', since)
      .orderBy('started_at');
    return rows.map(row => ({
      id: row.id,
      coordinationMode: row.coordination_mode,
      believesLeader: Boolean(row.believes_leader),
      lastSeenAt: toIsoTimestamp(row.last_seen_at),
    }));
  }

  private async beat(): Promise<void> {
    const { knex, replicaId, mode, believesLeader } = this.options;
    const now = new Date();
    await knex(REPLICAS_TABLE)
      .insert({
        id: replicaId,
        coordination_mode: mode,
        believes_leader: believesLeader(),
        started_at: now,
        last_seen_at: now,
      })
      .onConflict('id')
      .merge(['coordination_mode', 'believes_leader', 'last_seen_at']);
  }
}

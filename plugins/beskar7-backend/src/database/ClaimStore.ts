import { MachinePhase } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { HOST_EVENTS_TABLE } from './HostEventStore';
import { HOSTS_TABLE } from './hostRows';
import { MACHINES_TABLE } from './machineRows';

/** A host a claim may try next, with the version it was ranked at. */
export interface RankedHost {
  id: string;
  version: number;
}

/** What one claim statement did. */
export type ClaimStatementResult =
  | { kind: 'claimed'; hostId: string }
  /** The machine is not Pending without a host (any more): its row as locked. */
  | { kind: 'not_pending'; phase: MachinePhase; hostId?: string }
  /**
   * No host was written. `lost`: the chosen host changed before the write
   * reached it. `eligibleLeft`: hosts match (some excluded, locked or lost).
   */
  | {
      kind: 'none';
      lost?: string;
      eligibleLeft: boolean;
      next: RankedHost[];
    }
  | { kind: 'missing' };

/** How the claim statement chooses its host. */
export type HostChoice =
  /** Locking: the machine's best eligible host no other transaction holds. */
  | { kind: 'skip_locked'; exclude: string[] }
  /**
   * Optimistic: the best of the machine's top `ranked` eligible hosts
   * (snapshot), written only if still at its version; the others come back
   * as `next` when the write loses. When `scarce` or fewer hosts are
   * eligible, concurrent claims would mostly want the same few: then the
   * best host no other transaction is writing is taken instead.
   */
  | { kind: 'ranked'; exclude: string[]; ranked: number; scarce: number }
  /** Optimistic, after a loss: this host, if still at this version and eligible. */
  | { kind: 'host'; host: RankedHost };

/**
 * The machine's requirements (m.req, jsonb) against a host row (h), as
 * matchesRequirements in -common has them; a test holds the two together.
 */
export const ELIGIBLE_SQL = `
  h.state = 'Available' AND h.consumer_id IS NULL AND h.removal_requested_at IS NULL
  AND (m.req->>'namespace' IS NULL OR h.namespace = m.req->>'namespace')
  AND (m.req->>'pool' IS NULL OR h.pool = m.req->>'pool')
  AND (m.req->>'failureDomain' IS NULL OR h.failure_domain = m.req->>'failureDomain')
  AND (m.req->>'minCpuCores' IS NULL OR h.cpu_cores >= (m.req->>'minCpuCores')::numeric)
  AND (m.req->>'minMemoryGiB' IS NULL OR h.memory_gib >= (m.req->>'minMemoryGiB')::numeric)
  AND (m.req->>'minDiskGiB' IS NULL OR h.disk_gib >= (m.req->>'minDiskGiB')::numeric)
  AND (m.req->'tags' IS NULL OR h.tags::jsonb @> (m.req->'tags'))
  AND (m.req->'selector'->'matchLabels' IS NULL
       OR h.labels::jsonb @> (m.req->'selector'->'matchLabels'))
  AND (m.req->'selector'->'matchExpressions' IS NULL OR NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements(m.req->'selector'->'matchExpressions') e
     WHERE NOT coalesce(CASE e->>'operator'
       WHEN 'In' THEN jsonb_exists(coalesce(e->'values', '[]'), h.labels::jsonb->>(e->>'key'))
       WHEN 'NotIn' THEN NOT coalesce(jsonb_exists(coalesce(e->'values', '[]'), h.labels::jsonb->>(e->>'key')), false)
       WHEN 'Exists' THEN jsonb_exists(h.labels::jsonb, e->>'key')
       WHEN 'DoesNotExist' THEN NOT jsonb_exists(h.labels::jsonb, e->>'key')
     END, false)))`;

/** rendezvous.ts's order: weight descending, then identity (code point order). */
export const RANK_ORDER_SQL = `beskar7_mix32(m.hash # h.rendezvous_hash) DESC,
  (h.namespace || '/' || h.name) COLLATE "C"`;

/** The machine, locked: concurrent claims of one machine take turns. */
export const MACHINE_SQL = `m AS (
  SELECT id, phase, host_id, requirements::jsonb AS req,
         beskar7_fnv1a32(namespace || '/' || name) AS hash
    FROM ${MACHINES_TABLE} WHERE id = ? FOR UPDATE)`;

const CLAIMABLE = `m.phase = 'Pending' AND m.host_id IS NULL`;

/**
 * Claims on PostgreSQL, each in one statement (one round trip, its own
 * transaction): lock the machine, choose a host (ranked by rendezvous weight
 * and filtered by the machine's requirements in the database), write host
 * and machine and record the event. A host changes hands only if it is
 * still Available without a consumer when the write reaches it; the unique
 * constraints on hosts.consumer_id and machines.host_id stand behind that.
 */
export class ClaimStore {
  constructor(private readonly knex: Knex) {}

  async claim(
    machineId: string,
    choice: HostChoice,
  ): Promise<ClaimStatementResult> {
    const { pick, bindings } = pickSql(choice);
    const now = new Date();
    const sql = `WITH ${MACHINE_SQL},
      ${pick},
      claimed AS (
        UPDATE ${HOSTS_TABLE} h
           SET state = 'Claimed', consumer_id = m.id, version = h.version + 1, updated_at = ?
          FROM pick, m
         WHERE h.id = pick.id AND h.version = pick.version
           AND h.state = 'Available' AND h.consumer_id IS NULL AND h.removal_requested_at IS NULL
        RETURNING h.id),
      machine AS (
        UPDATE ${MACHINES_TABLE} mm SET host_id = claimed.id, phase = 'Claimed', updated_at = ?
          FROM claimed WHERE mm.id = ?
        RETURNING mm.id),
      event AS (
        INSERT INTO ${HOST_EVENTS_TABLE} (host_id, from_state, to_state, reason, message, created_at)
        SELECT id, 'Available', 'Claimed', 'Claimed', ?, ? FROM claimed)
      SELECT m.phase, m.host_id, (SELECT id FROM claimed) AS claimed_id,
             (SELECT id FROM pick) AS picked_id,
             ${nextSql(choice)} AS next,
             CASE WHEN ${CLAIMABLE} AND NOT EXISTS (SELECT 1 FROM claimed)
               THEN EXISTS (SELECT 1 FROM ${HOSTS_TABLE} h WHERE ${ELIGIBLE_SQL})
             END AS eligible_left
        FROM m`;
    const { rows } = await this.knex.raw(sql, [
      machineId,
      ...bindings,
      now,
      now,
      machineId,
      `claimed by machine ${machineId}`,
      now,
    ]);
    const row = rows[0];
    if (!row) return { kind: 'missing' };
    if (row.claimed_id) return { kind: 'claimed', hostId: row.claimed_id };
    if (row.phase !== 'Pending' || row.host_id) {
      return {
        kind: 'not_pending',
        phase: row.phase,
        hostId: row.host_id ?? undefined,
      };
    }
    return {
      kind: 'none',
      ...(row.picked_id ? { lost: row.picked_id } : {}),
      eligibleLeft: Boolean(row.eligible_left),
      next: (row.next ?? []).map((h: RankedHost) => ({
        id: h.id,
        version: Number(h.version),
      })),
    };
  }
}

/** A host given to a machine by the leader, at the version it was read. */
export interface BatchClaim {
  machineId: string;
  host: RankedHost;
}

/**
 * Writes a batch of claims in one statement (`UPDATE ... FROM (VALUES
 * ...)`), inside the caller's transaction. Returns how many claims were
 * written whole; fewer than asked means some host or machine changed since
 * it was read, and the caller must roll back.
 */
export async function writeClaimBatch(
  trx: Knex.Transaction,
  claims: BatchClaim[],
): Promise<number> {
  if (claims.length === 0) return 0;
  const now = new Date();
  const values = claims.map(() => '(?, ?, ?::integer)').join(', ');
  const { rows } = await trx.raw(
    `WITH batch (machine_id, host_id, version) AS (VALUES ${values}),
      hosts AS (
        UPDATE ${HOSTS_TABLE} h
           SET state = 'Claimed', consumer_id = b.machine_id, version = h.version + 1, updated_at = ?
          FROM batch b
         WHERE h.id = b.host_id AND h.version = b.version
           AND h.state = 'Available' AND h.consumer_id IS NULL AND h.removal_requested_at IS NULL
        RETURNING h.id, b.machine_id),
      machines AS (
        UPDATE ${MACHINES_TABLE} m SET host_id = hosts.id, phase = 'Claimed', updated_at = ?
          FROM hosts
         WHERE m.id = hosts.machine_id AND m.phase = 'Pending' AND m.host_id IS NULL
        RETURNING m.id),
      events AS (
        INSERT INTO ${HOST_EVENTS_TABLE} (host_id, from_state, to_state, reason, message, created_at)
        SELECT id, 'Available', 'Claimed', 'Claimed', 'claimed by machine ' || machine_id, ? FROM hosts)
     SELECT (SELECT count(*) FROM machines) AS written`,
    [
      ...claims.flatMap(c => [c.machineId, c.host.id, c.host.version]),
      now,
      now,
      now,
    ],
  );
  return Number(rows[0].written);
}

function pickSql(choice: HostChoice): {
  pick: string;
  bindings: Knex.RawBinding[];
} {
  switch (choice.kind) {
    case 'skip_locked':
      return {
        pick: `pick AS (
          SELECT h.id, h.version FROM ${HOSTS_TABLE} h, m
           WHERE ${CLAIMABLE} AND NOT (h.id = ANY(?::text[])) AND ${ELIGIBLE_SQL}
           ORDER BY ${RANK_ORDER_SQL} LIMIT 1
           FOR UPDATE OF h SKIP LOCKED)`,
        bindings: [choice.exclude],
      };
    case 'ranked':
      return {
        pick: `ranked AS (
          SELECT h.id, h.version, row_number() OVER (ORDER BY ${RANK_ORDER_SQL}) AS rank,
                 count(*) OVER () AS eligible
            FROM ${HOSTS_TABLE} h, m
           WHERE ${CLAIMABLE} AND NOT (h.id = ANY(?::text[])) AND ${ELIGIBLE_SQL}
           ORDER BY rank LIMIT ?),
          scarce AS (
            SELECT h.id, h.version FROM ${HOSTS_TABLE} h, m
             WHERE (SELECT max(eligible) FROM ranked) <= ?
               AND ${CLAIMABLE} AND NOT (h.id = ANY(?::text[])) AND ${ELIGIBLE_SQL}
             ORDER BY ${RANK_ORDER_SQL} LIMIT 1
             FOR UPDATE OF h SKIP LOCKED),
          pick AS (
            SELECT id, version FROM ranked WHERE rank = 1 AND eligible > ?
            UNION ALL SELECT id, version FROM scarce)`,
        bindings: [
          choice.exclude,
          choice.ranked,
          choice.scarce,
          choice.exclude,
          choice.scarce,
        ],
      };
    default:
      return {
        pick: `pick AS (
          SELECT h.id, h.version FROM ${HOSTS_TABLE} h, m
           WHERE ${CLAIMABLE} AND h.id = ? AND h.version = ? AND ${ELIGIBLE_SQL})`,
        bindings: [choice.host.id, choice.host.version],
      };
  }
}

/** The rest of the ranking, for the caller to try without ranking again. */
function nextSql(choice: HostChoice): string {
  return choice.kind === 'ranked'
    ? `CASE WHEN NOT EXISTS (SELECT 1 FROM claimed) THEN
         (SELECT json_agg(json_build_object('id', id, 'version', version) ORDER BY rank)
            FROM ranked WHERE rank > 1 AND id NOT IN (SELECT id FROM pick))
       END`
    : 'NULL';
}

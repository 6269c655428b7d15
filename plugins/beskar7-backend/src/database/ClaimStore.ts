import {
  ISO_MEDIA_TYPES,
  MachinePhase,
  VIRTUAL_MEDIA_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { RING_WINDOW } from '../claims/ring';
import { CLAIM_REQUESTS_TABLE } from './ClaimRequestStore';
import {
  ANSWERS_PER_NOTIFICATION,
  CLAIM_ANSWERED_CHANNEL,
} from './ClaimSignals';
import { FenceCte } from './LeaseStore';
import { HOST_EVENTS_TABLE } from './HostEventStore';
import { preparedRaw } from './preparedStatement';
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
  /**
   * Locking: the machine's choice (claims/ring.ts) among its window of
   * eligible hosts, passing over hosts other transactions hold; when it
   * holds none, the first host onward round the ring that nobody holds.
   */
  | { kind: 'skip_locked'; exclude: string[] }
  /**
   * Optimistic: the machine's choice among its window (snapshot), written
   * only if still at its version; the next `ranked - 1` of the window come
   * back as `next` when the write loses. When `scarce` or fewer hosts seem
   * eligible (judged by how far round the ring the window reaches),
   * concurrent claims would mostly want the same few: then the host is
   * chosen as in locking mode instead.
   */
  | { kind: 'ranked'; exclude: string[]; ranked: number; scarce: number }
  /** Optimistic, after a loss: this host, if still at this version and eligible. */
  | { kind: 'host'; host: RankedHost };

/** A fixed list of words as SQL literals. */
const literals = (words: readonly string[]) =>
  words.map(w => `'${w.replace(/'/g, "''")}'`).join(', ');

const ISO_MODES = `m.mode IN (${literals(VIRTUAL_MEDIA_MODES)})`;

/**
 * Whether the host's BMC can do the machine's provisioning mode (m.mode)
 * and boot mode (m.boot_mode), as canProvision in -common has it: unknown
 * capabilities pass, an unlisted boot target or mode restricts nothing.
 */
const CAPABLE_SQL = `(h.virtual_media_types IS NULL OR (
    (NOT ${ISO_MODES} OR jsonb_exists_any(h.virtual_media_types::jsonb, ARRAY[${literals(
  ISO_MEDIA_TYPES,
)}]))
    AND (h.boot_source_targets IS NULL OR jsonb_exists(h.boot_source_targets::jsonb,
         CASE WHEN ${ISO_MODES} THEN 'Cd' ELSE 'Pxe' END))
    AND (h.boot_source_modes IS NULL OR jsonb_exists(h.boot_source_modes::jsonb, m.boot_mode))))`;

/** A host row (h) nobody holds or is taking out: the only kind a claim may take. */
const FREE_HOST = `h.state = 'Available' AND h.consumer_id IS NULL AND h.removal_requested_at IS NULL`;

/**
 * The machine's requirements (m.req, jsonb) and needs (m.mode, m.boot_mode)
 * against a host row (h), as matchesRequirements in -common has them; a
 * test holds the two together.
 */
export const ELIGIBLE_SQL = `
  ${CAPABLE_SQL} AND
  ${FREE_HOST}
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

/**
 * The machine, locked: concurrent claims of one machine take turns. `hash`
 * feeds the rendezvous weights, `point` is where its walk round the claim
 * ring starts (claims/rendezvous.ts, machinePoint).
 */
export const MACHINE_SQL = machinesSql(
  `${MACHINES_TABLE} mm WHERE id = ? FOR UPDATE`,
);

/**
 * MACHINE_SQL for the machines `source` gives: a FROM list with `mm`, the
 * machines row, and its WHERE clause and locking. `columns`: more columns
 * of the source, as name and expression, carried through.
 */
export function machinesSql(
  source: string,
  {
    columns = {},
    materialized = false,
  }: { columns?: Record<string, string>; materialized?: boolean } = {},
): string {
  const names = Object.keys(columns).map(name => `, ${name}`);
  const expressions = Object.entries(columns).map(
    ([name, expression]) => `, ${expression} AS ${name}`,
  );
  return `m AS ${materialized ? 'MATERIALIZED ' : ''}(
  SELECT id, phase, host_id, req, mode, boot_mode, hash, beskar7_mix32(hash) AS point${names.join(
    '',
  )} FROM (
    SELECT mm.id, mm.phase, mm.host_id, mm.requirements::jsonb AS req,
           mm.provisioning_mode AS mode, mm.boot_mode,
           beskar7_fnv1a32(mm.namespace || '/' || mm.name) AS hash${expressions.join(
             '',
           )}
      FROM ${source}) locked)`;
}

/**
 * The hosts this claim passes over (lost to other claims), bound once. Read
 * through a CTE, the filter is the same unknown to the planner whatever the
 * list holds: bound into each walk, an empty list made the planned cost of
 * a custom plan lower than the generic plan's, so PostgreSQL planned the
 * statement again on every claim (7-8 ms a claim at 100,000 hosts).
 */
export const EXCLUDED_SQL = `ex AS (SELECT ?::text[] AS ids)`;

const IS_EXCLUDED = `(h.id = ANY((SELECT ids FROM ex)::text[]))`;

export const CLAIMABLE = `m.phase = 'Pending' AND m.host_id IS NULL`;

/** What a claim's walks keep: hosts the machine may take and has not passed over. */
const CLAIM_WALK_FILTER = `${CLAIMABLE} AND NOT ${IS_EXCLUDED} AND ${ELIGIBLE_SQL}`;

/** The ring's order (the order of its partial indexes). */
const RING_ORDER = 'h.rendezvous_hash, h.namespace, h.name';

/**
 * Available hosts a walk reads in ring order before it judges them. The
 * planner cannot estimate the requirement filter, and given it alone it
 * prefers reading every host of the arc and sorting; a bounded read in
 * index order it always takes from the index.
 */
const RING_SCAN = 256;

/** One side of the point (`wrapped` = 1: from 0 on), as a branch by pool and one without. */
function arc(wrapped: 0 | 1, branch: (where: string) => string): string {
  const side = `h.rendezvous_hash ${wrapped ? '<' : '>='} m.point`;
  return [
    `m.req->>'pool' IS NOT NULL AND h.pool = m.req->>'pool' AND ${side}`,
    `m.req->>'pool' IS NULL AND ${side}`,
  ]
    .map((where, i) => `SELECT * FROM (${branch(where)}) b${i}`)
    .join(' UNION ALL ');
}

const WALK_COLUMNS = `h.id, h.version, h.namespace, h.name, h.rendezvous_hash`;

/**
 * The next RING_SCAN Available hosts on one side of `m.point` (`wrapped` =
 * 1: from 0 on), `columns` of each, in ring order: the pool's index and the
 * whole ring's read as branches and merged.
 */
function arcScanSql(wrapped: 0 | 1, columns: string): string {
  const branches = arc(
    wrapped,
    where => `SELECT ${columns} FROM ${HOSTS_TABLE} h WHERE h.state = 'Available' AND ${where}
         ORDER BY ${RING_ORDER} LIMIT ${RING_SCAN}`,
  );
  return `${branches} ORDER BY rendezvous_hash, namespace, name LIMIT ${RING_SCAN}`;
}

/**
 * Up to `size` hosts passing `filter` among the next RING_SCAN Available
 * hosts on one side of `m.point` (`wrapped` = 1: from 0 on), in ring order.
 * The filter stands once over both branches, not in each (the limit over
 * them keeps PostgreSQL from pushing it down): a generic plan's every
 * expression is set up on each run, and this filter is the statement's
 * largest.
 */
function nearWalkSql(wrapped: 0 | 1, size: number, filter: string): string {
  return `SELECT ${WALK_COLUMNS}, ${wrapped} AS wrapped FROM (
        ${arcScanSql(wrapped, 'h.*')}) h
       WHERE ${filter} ORDER BY ${RING_ORDER} LIMIT ${size}`;
}

/**
 * The first `size` hosts of the ring walk (ringWalkSql) as the next
 * RING_SCAN Available hosts on each side of the point alone give them, or
 * fewer. The arc from 0 is read only when the arc to the ring's end gave
 * too few and held fewer than RING_SCAN Available hosts in all: nothing
 * beyond it was left unread, so the walk goes on round the ring as the
 * whole walk would. Unordered, as ringWalkSql.
 */
function nearRingWalkSql(size: number, filter: string): string {
  return `WITH above AS (${nearWalkSql(0, size, filter)})
    SELECT * FROM above
    UNION ALL
    SELECT * FROM (${nearWalkSql(1, size, filter)}) below
     WHERE (SELECT count(*) FROM above) < ${size}
       AND (SELECT count(*) FROM (
             ${arcScanSql(0, 'h.rendezvous_hash, h.namespace, h.name')}) s)
           < ${RING_SCAN}`;
}

/**
 * Up to `size` hosts passing `filter` (over `h`), clockwise from `m.point`:
 * the arc from the point to the ring's end, then (`wrapped` = 1) the arc
 * from 0, each read in index order (a machine naming a pool walks the
 * pool's own index). On each arc the next RING_SCAN Available hosts are
 * read and filtered; only if too few pass (requirements few hosts of the
 * pool meet, or a short arc) is the arc filtered whole. Unordered: callers
 * order by (wrapped, rendezvous_hash, namespace, name) and keep `size`.
 */
export function ringWalkSql(size: number, filter: string): string {
  const near = (wrapped: 0 | 1) => nearWalkSql(wrapped, size, filter);
  const whole = (wrapped: 0 | 1) =>
    arc(
      wrapped,
      where => `SELECT ${WALK_COLUMNS}, ${wrapped} AS wrapped
        FROM ${HOSTS_TABLE} h WHERE ${where} AND ${filter}
       ORDER BY ${RING_ORDER} LIMIT ${size}`,
    );
  const count = (cte: string) => `(SELECT count(*) FROM ${cte})`;
  return `WITH above_near AS (${near(0)}),
    above AS (
      SELECT * FROM above_near WHERE ${count('above_near')} >= ${size}
      UNION ALL
      SELECT * FROM (${whole(0)}) w WHERE ${count('above_near')} < ${size}),
    below_near AS (
      SELECT * FROM (${near(1)}) n WHERE ${count('above')} < ${size}),
    below AS (
      SELECT * FROM below_near
       WHERE ${count('below_near')} >= ${size} - ${count('above')}
      UNION ALL
      SELECT * FROM (${whole(1)}) w
       WHERE ${count('below_near')} < ${size} - ${count('above')})
    SELECT * FROM above UNION ALL SELECT * FROM below`;
}

/** How far clockwise from the machine's point the host (w) lies. */
const DISTANCE_SQL = '(w.rendezvous_hash - m.point + 4294967296) % 4294967296';

/** The rendezvous weight of the host (w) for the machine. */
const WEIGHT_SQL = 'beskar7_mix32(m.hash # w.rendezvous_hash)';

/**
 * The machine's window: its first RING_WINDOW eligible hosts (not
 * excluded: EXCLUDED_SQL) clockwise, with each one's distance and weight.
 */
export const WINDOW_SQL = `win AS (
  SELECT w.id, w.version, w.namespace, w.name,
         ${DISTANCE_SQL} AS dist, ${WEIGHT_SQL} AS weight
    FROM m CROSS JOIN LATERAL (${ringWalkSql(RING_WINDOW, CLAIM_WALK_FILTER)}) w
   ORDER BY dist, w.namespace, w.name LIMIT ${RING_WINDOW})`;

/**
 * The window as the next RING_SCAN Available hosts round the ring from the
 * machine's point alone give it (nearRingWalkSql). When it holds
 * RING_WINDOW hosts (`whole`), it is WINDOW_SQL's window: every host beyond
 * lies further round the ring. It falls short only when few of those hosts
 * suit the machine, or fewer than RING_WINDOW eligible hosts are left.
 */
export const NEAR_WINDOW_SQL = `win AS (
  SELECT w.id, w.version, w.namespace, w.name,
         ${DISTANCE_SQL} AS dist, ${WEIGHT_SQL} AS weight
    FROM m CROSS JOIN LATERAL (${nearRingWalkSql(
      RING_WINDOW,
      CLAIM_WALK_FILTER,
    )}) w
   ORDER BY dist, w.namespace, w.name LIMIT ${RING_WINDOW}),
  whole AS (SELECT count(*) = ${RING_WINDOW} AS yes FROM win)`;

/** How far past the window a locked choice looks when the window is all held. */
const ONWARD = 4 * RING_WINDOW;

/** The best of the window by weight that no other transaction holds, locked; only when `gate` holds. */
function bestUnheldSql(gate: string): string {
  return `best AS (
    SELECT h.id, h.version FROM win JOIN ${HOSTS_TABLE} h ON h.id = win.id
     WHERE ${gate}
       AND ${FREE_HOST}
     ORDER BY win.weight DESC, win.namespace, win.name LIMIT 1
     FOR UPDATE OF h SKIP LOCKED)`;
}

/**
 * The machine's choice that no other transaction holds, locked: the best
 * of its window by weight, or else the first of its next ONWARD eligible
 * hosts round the ring that nobody holds. Only when `gate` holds.
 */
function lockedChoiceSql(gate: string): string {
  return `${bestUnheldSql(gate)},
  onward AS (
    SELECT h.id, h.version
      FROM m CROSS JOIN LATERAL (${ringWalkSql(ONWARD, CLAIM_WALK_FILTER)}) w
      JOIN ${HOSTS_TABLE} h ON h.id = w.id
     WHERE ${gate} AND NOT EXISTS (SELECT 1 FROM best)
       AND ${FREE_HOST}
     ORDER BY w.wrapped, w.rendezvous_hash, w.namespace, w.name LIMIT 1
     FOR UPDATE OF h SKIP LOCKED)`;
}

/**
 * How much of the ring a claim statement may walk: `near`, the hosts just
 * past the machine's point, which decides nearly every claim; `whole`, the
 * full walk with its fallbacks.
 */
type Walk = 'near' | 'whole';

/**
 * Claims on PostgreSQL, each in one statement (one round trip, its own
 * transaction): lock the machine, choose a host (walking the claim ring
 * over the hosts that meet the machine's requirements, in the database),
 * write host and machine and record the event. A host changes hands only
 * if it is still Available without a consumer when the write reaches it;
 * the unique constraints on hosts.consumer_id and machines.host_id stand
 * behind that.
 *
 * A ranked or locked choice runs the `near` statement first and the
 * `whole` one only when that could not decide (its window fell short, or
 * other transactions held all of it). PostgreSQL sets up every branch of a
 * statement's plan on each run, whether the branch runs or not: that set-up
 * was half the database's CPU per claim with the whole walk in every claim.
 */
export class ClaimStore {
  constructor(private readonly knex: Knex) {}

  async claim(
    machineId: string,
    choice: HostChoice,
  ): Promise<ClaimStatementResult> {
    if (choice.kind !== 'host') {
      const row = await this.run(machineId, choice, 'near');
      if (!row || row.decided) return resultOf(row);
    }
    return resultOf(await this.run(machineId, choice, 'whole'));
  }

  /**
   * Claims for several machines in one statement (one transaction): each
   * machine takes the best host of its near window by weight that no other
   * transaction holds (the locking choice), locked with SKIP LOCKED so that
   * batches never wait on each other; a host two machines of the batch
   * want goes to the one it weighs most for. Returns the host each
   * machine got; a machine missing from the answer got none here (its
   * window fell short, every host of it was held, it lost a host to
   * another machine of the batch, or it is not Pending) and is left as it
   * was, for the one-machine statements to decide. The statement's set-up
   * and round trip are paid once for the batch: most of a claim's database
   * CPU (docs/benchmarks.md).
   */
  async claimTogether(
    machineIds: string[],
    exclude: string[],
  ): Promise<Map<string, string>> {
    const now = new Date();
    const { rows } = await preparedRaw(
      this.knex,
      batchClaimStatement(machineIds.length),
      [...machineIds, exclude, now, now, now],
    );
    return new Map(
      rows.map((row: { machine_id: string; host_id: string }) => [
        row.machine_id,
        row.host_id,
      ]),
    );
  }

  private async run(
    machineId: string,
    choice: HostChoice,
    walk: Walk,
  ): Promise<ClaimRow | undefined> {
    const now = new Date();
    const { rows } = await preparedRaw(
      this.knex,
      claimStatement(choice, walk),
      [
        machineId,
        choice.kind === 'host' ? [] : choice.exclude,
        ...pickBindings(choice),
        now,
        now,
        now,
      ],
    );
    return rows[0];
  }
}

/** The one row a claim statement answers with (none: no such machine). */
interface ClaimRow {
  phase: MachinePhase;
  host_id: string | null;
  claimed_id: string | null;
  picked_id: string | null;
  next: RankedHost[] | null;
  eligible_left: boolean | null;
  /** Whether this answer stands; false: the whole walk must run. */
  decided: boolean;
}

function resultOf(row: ClaimRow | undefined): ClaimStatementResult {
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

/** A host given to a machine by the leader, at the version it was read. */
export interface BatchClaim {
  machineId: string;
  host: RankedHost;
}

/** A leader's batch, as one statement writes it (PostgreSQL). */
export interface ClaimBatch {
  claims: BatchClaim[];
  /** Requests the batch settles besides those of the claims written: removed from the queue. */
  settled: string[];
  /** Requests answered `no_hosts`, left for their requesters to read. */
  noHosts: string[];
  /** The leader's lease, which the statement checks and holds as it writes. */
  fence: FenceCte;
}

/** What a batch statement wrote. */
export interface ClaimBatchResult {
  /** False: the lease was no longer the leader's, and nothing was written. */
  fenced: boolean;
  /** Machines that got their host; the others' requests stay queued. */
  written: string[];
}

/**
 * Writes a leader's batch in one statement, its own transaction: the
 * fence, the claims (`UPDATE ... FROM unnest(...)`), the queue's
 * bookkeeping and the answers (CLAIM_ANSWERED_CHANNEL, delivered at
 * commit), so that a batch costs the leader one round trip and no
 * transaction left open between statements. Every write reads the fence:
 * with the lease lost, nothing is written. The batch's machines are locked
 * first, in one order, and claimed only while still Pending without a
 * host, so a claim whose host or machine changed since the leader read it
 * is left out whole (host and machine both, never one of them) and its
 * request stays queued for the next batch.
 */
export async function writeClaimBatch(
  knex: Knex,
  batch: ClaimBatch,
): Promise<ClaimBatchResult> {
  const now = new Date();
  const fenced = 'EXISTS (SELECT 1 FROM fence)';
  // Arrays, not a VALUES list: one statement text for every batch size, planned once.
  const { rows } = await preparedRaw(
    knex,
    `WITH batch (machine_id, id, version) AS (
        SELECT * FROM unnest(?::text[], ?::text[], ?::integer[])),
      ${batch.fence.sql},
      m AS (
        SELECT m.id FROM ${MACHINES_TABLE} m
         WHERE m.id IN (SELECT machine_id FROM batch) AND ${CLAIMABLE} AND ${fenced}
         ORDER BY m.id FOR UPDATE),
      source AS (SELECT batch.* FROM batch JOIN m ON m.id = batch.machine_id),
      ${claimWritesSql('source')},
      settled AS (
        DELETE FROM ${CLAIM_REQUESTS_TABLE}
         WHERE ${fenced}
           AND (machine_id = ANY(?::text[]) OR machine_id IN (SELECT id FROM machine))),
      no_hosts AS (
        UPDATE ${CLAIM_REQUESTS_TABLE} SET outcome = 'no_hosts', resolved_at = ?
         WHERE ${fenced} AND machine_id = ANY(?::text[])),
      answers AS (
        SELECT claimed.machine_id, claimed.id AS host_id
          FROM claimed JOIN machine ON machine.id = claimed.machine_id
        UNION ALL
        SELECT unnest(?::text[]), NULL WHERE ${fenced}),
      notified AS (
        SELECT pg_notify('${CLAIM_ANSWERED_CHANNEL}', json_object_agg(machine_id, host_id)::text)
          FROM (SELECT *, (row_number() OVER () - 1) / ${ANSWERS_PER_NOTIFICATION} AS part
                  FROM answers) a
         GROUP BY part)
     -- PostgreSQL runs a plain SELECT CTE only if the statement reads it.
     SELECT (SELECT count(*) FROM fence) AS fenced,
            (SELECT coalesce(array_agg(id), '{}') FROM machine) AS written,
            (SELECT count(*) FROM notified) AS notified`,
    [
      batch.claims.map(c => c.machineId),
      batch.claims.map(c => c.host.id),
      batch.claims.map(c => c.host.version),
      ...batch.fence.bindings,
      now,
      now,
      now,
      batch.settled,
      now,
      batch.noHosts,
      batch.noHosts,
    ],
  );
  return { fenced: Number(rows[0].fenced) === 1, written: rows[0].written };
}

/**
 * The writes of a claim, as CTEs `claimed` (host ids and machine ids
 * written), `machine` and `event`: each host of `source` (machine_id, id,
 * version) to Claimed by its machine, if still free at that version; the
 * machine to Claimed with it (also only where `machineGuard` holds); the
 * host's event. Binds updated_at, updated_at, created_at.
 */
function claimWritesSql(source: string, machineGuard = 'TRUE'): string {
  return `claimed AS (
        UPDATE ${HOSTS_TABLE} h
           SET state = 'Claimed', consumer_id = s.machine_id, version = h.version + 1, updated_at = ?
          FROM ${source} s
         WHERE h.id = s.id AND h.version = s.version AND ${FREE_HOST}
        RETURNING h.id, s.machine_id),
      machine AS (
        UPDATE ${MACHINES_TABLE} mm SET host_id = claimed.id, phase = 'Claimed', updated_at = ?
          FROM claimed WHERE mm.id = claimed.machine_id AND ${machineGuard}
        RETURNING mm.id),
      event AS (
        INSERT INTO ${HOST_EVENTS_TABLE} (host_id, from_state, to_state, reason, message, created_at)
        SELECT id, 'Available', 'Claimed', 'Claimed', 'claimed by machine ' || machine_id, ? FROM claimed)`;
}

/** The most machines one batch statement claims for. */
export const MAX_CLAIM_BATCH = 8;

/** Batch statements built so far, by the number of machines. */
const batchClaimStatements = new Map<number, string>();

/**
 * The statement of ClaimStore.claimTogether for `size` machines, built once
 * per size. The ids go as a list of placeholders, not an array: with an
 * array PostgreSQL guessed the batch's size in the generic plan, costed it
 * above the custom plans and planned every run afresh.
 */
function batchClaimStatement(size: number): string {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_CLAIM_BATCH) {
    throw new Error(
      `a claim batch holds 1 to ${MAX_CLAIM_BATCH} machines, got ${size}`,
    );
  }
  let sql = batchClaimStatements.get(size);
  if (sql === undefined) {
    const ids = Array.from({ length: size }, () => '?').join(', ');
    // One order for every batch's locks: two batches never deadlock on machines.
    sql = `WITH ${machinesSql(
      `${MACHINES_TABLE} mm WHERE id IN (${ids}) ORDER BY id FOR UPDATE`,
    )},
      ${EXCLUDED_SQL},
      wanted AS (
        SELECT m.id AS machine_id, best.id, best.version, best.weight
          FROM m CROSS JOIN LATERAL (
            SELECT h.id, h.version, win.weight FROM (
              SELECT near.*, count(*) OVER () AS size FROM (
                SELECT w.id, w.namespace, w.name, ${WEIGHT_SQL} AS weight
                  FROM (${nearRingWalkSql(RING_WINDOW, CLAIM_WALK_FILTER)}) w
                 ORDER BY ${DISTANCE_SQL}, w.namespace, w.name
                 LIMIT ${RING_WINDOW}) near) win
            JOIN ${HOSTS_TABLE} h ON h.id = win.id
           WHERE win.size = ${RING_WINDOW}
             AND ${FREE_HOST}
           ORDER BY win.weight DESC, win.namespace, win.name LIMIT 1
           FOR UPDATE OF h SKIP LOCKED) best
         -- Every machine locked before any host: a batch that holds a host
         -- never waits for a machine (a claim of it elsewhere may wait for the host).
         WHERE (SELECT count(*) FROM m) > 0),
      pick AS (
        SELECT DISTINCT ON (id) machine_id, id, version FROM wanted
         ORDER BY id, weight DESC, machine_id),
      ${claimWritesSql('pick')}
      SELECT machine_id, id AS host_id FROM claimed`;
    batchClaimStatements.set(size, sql);
  }
  return sql;
}

/** Claim statements built so far, by the shape of their choice. */
const claimStatements = new Map<string, string>();

/**
 * The claim statement for a choice of this kind (its text depends on the
 * kind, the walk and the counts only), built once: the whole walk is some
 * 40 kB of SQL.
 */
function claimStatement(choice: HostChoice, walk: Walk): string {
  const key =
    choice.kind === 'ranked'
      ? `ranked/${choice.ranked}/${choice.scarce}/${walk}`
      : `${choice.kind}/${walk}`;
  let sql = claimStatements.get(key);
  if (sql === undefined) {
    sql = `WITH ${MACHINE_SQL}, ${EXCLUDED_SQL},
      ${pickSql(choice, walk)},
      chosen AS (SELECT m.id AS machine_id, pick.id, pick.version FROM pick, m),
      ${claimWritesSql('chosen')}
      SELECT m.phase, m.host_id, (SELECT id FROM claimed) AS claimed_id,
             (SELECT id FROM pick) AS picked_id,
             ${nextSql(choice)} AS next,
             CASE WHEN ${CLAIMABLE} AND NOT EXISTS (SELECT 1 FROM claimed)
               THEN ${eligibleLeftSql(choice, walk)}
             END AS eligible_left,
             ${
               walk === 'near'
                 ? `NOT (${CLAIMABLE}) OR EXISTS (SELECT 1 FROM pick)`
                 : 'TRUE'
             } AS decided
        FROM m`;
    claimStatements.set(key, sql);
  }
  return sql;
}

/** How the statement picks its host (the CTE `pick`); its `?`s are pickBindings'. */
function pickSql(choice: HostChoice, walk: Walk): string {
  const near = walk === 'near';
  const window = near ? NEAR_WINDOW_SQL : WINDOW_SQL;
  // The near window decides only when it is whole.
  const whole = '(SELECT yes FROM whole)';
  switch (choice.kind) {
    case 'skip_locked':
      return near
        ? `${window}, ${bestUnheldSql(whole)},
            pick AS (SELECT id, version FROM best)`
        : `${window},
          ${lockedChoiceSql('TRUE')},
          pick AS (
            SELECT id, version FROM best
            UNION ALL SELECT id, version FROM onward)`;
    case 'ranked': {
      const scarce = wholeNumber(choice.scarce);
      const ranked = `${window},
          scarce AS (
            SELECT count(*) <= ${scarce} AND count(*) < ${RING_WINDOW}
                OR count(*) * 4294967296 <= ${scarce} * (max(dist) + 1) AS yes
              FROM win),
          top AS (
            SELECT id, version,
                   row_number() OVER (ORDER BY weight DESC, namespace, name) AS rank
              FROM win)`;
      return near
        ? `${ranked},
          ${bestUnheldSql(`${whole} AND (SELECT yes FROM scarce)`)},
          pick AS (
            SELECT id, version FROM top
             WHERE rank = 1 AND ${whole} AND NOT (SELECT yes FROM scarce)
            UNION ALL SELECT id, version FROM best)`
        : `${ranked},
          ${lockedChoiceSql('(SELECT yes FROM scarce)')},
          pick AS (
            SELECT id, version FROM top WHERE rank = 1 AND NOT (SELECT yes FROM scarce)
            UNION ALL SELECT id, version FROM best
            UNION ALL SELECT id, version FROM onward)`;
    }
    default:
      return `pick AS (
          SELECT h.id, h.version FROM ${HOSTS_TABLE} h, m
           WHERE ${CLAIMABLE} AND h.id = ? AND h.version = ? AND ${ELIGIBLE_SQL})`;
  }
}

/**
 * The values of pickSql's placeholders. Apart from the text, so that a
 * claim does not build the statement's text again for them: the text is
 * built once per kind (claimStatement).
 */
function pickBindings(choice: HostChoice): Knex.RawBinding[] {
  return choice.kind === 'host' ? [choice.host.id, choice.host.version] : [];
}

/** The rest of the window, for the caller to try without walking again. */
function nextSql(choice: HostChoice): string {
  return choice.kind === 'ranked'
    ? `CASE WHEN NOT EXISTS (SELECT 1 FROM claimed) THEN
         (SELECT json_agg(json_build_object('id', id, 'version', version) ORDER BY rank)
            FROM top
           WHERE rank > 1 AND rank <= ${wholeNumber(choice.ranked)}
             AND id NOT IN (SELECT id FROM pick))
       END`
    : 'NULL';
}

/**
 * Whether any host is eligible when none was written: the window found
 * one, or one of the excluded hosts is; for a host tried by name, the
 * first eligible host round the ring.
 */
function eligibleLeftSql(choice: HostChoice, walk: Walk): string {
  // A near statement that decided without writing had a window to pick from.
  if (walk === 'near') return 'EXISTS (SELECT 1 FROM win)';
  if (choice.kind === 'host') {
    return `EXISTS (SELECT 1 FROM m CROSS JOIN LATERAL (${ringWalkSql(
      1,
      ELIGIBLE_SQL,
    )}) w)`;
  }
  return `(EXISTS (SELECT 1 FROM win) OR EXISTS (
    SELECT 1 FROM ${HOSTS_TABLE} h WHERE ${IS_EXCLUDED} AND ${ELIGIBLE_SQL}))`;
}

/** A count written into the SQL: never anything but digits. */
function wholeNumber(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`expected a whole number, got ${value}`);
  }
  return value;
}

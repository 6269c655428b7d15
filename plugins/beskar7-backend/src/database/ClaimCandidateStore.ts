import { MachinePhase } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { machinePoint } from '../claims/rendezvous';
import { identityKey } from '../claims/selection';
import {
  CLAIM_REQUESTS_TABLE,
  ClaimRequestStore,
  isClaimable,
  MachineClaimState,
} from './ClaimRequestStore';
import {
  CLAIMABLE,
  ELIGIBLE_SQL,
  machinesSql,
  ringWalkSql,
} from './ClaimStore';
import { EligibilityInput, whereEligible } from './claimEligibility';
import { isPostgres } from './dialect';
import { preparedRaw } from './preparedStatement';
import { HOSTS_TABLE } from './hostRows';
import { MACHINES_TABLE } from './machineRows';

/** A host a claim may take: where it sits on the claim ring, and the version it was read at. */
export interface ClaimCandidate {
  id: string;
  namespace: string;
  name: string;
  version: number;
  /** Its place on the ring (claims/ring.ts). */
  hash: number;
}

const COLUMNS = ['id', 'namespace', 'name', 'version', 'rendezvous_hash'];

/**
 * Reads hosts for claims by walking the claim ring (claims/ring.ts): the
 * first eligible hosts clockwise from a machine's point, through the ring's
 * indexes, so a read costs the same at any fleet size.
 */
export class ClaimCandidateStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Up to `limit` hosts meeting the machine's requirements and able to
   * provision it, clockwise from `point`, in ring order; `exclude` are
   * passed over.
   */
  async walk(
    machine: EligibilityInput,
    point: number,
    { limit, exclude = [] }: { limit: number; exclude?: string[] },
  ): Promise<ClaimCandidate[]> {
    const arc = (operator: '>=' | '<', n: number) =>
      whereEligible(this.knex, this.knex(HOSTS_TABLE).select(COLUMNS), machine)
        .where('rendezvous_hash', operator, point)
        .modify(q => {
          if (exclude.length) q.whereNotIn('id', exclude);
        })
        .orderBy(['rendezvous_hash', 'namespace', 'name'])
        .limit(n);
    const rows = await arc('>=', limit);
    if (rows.length < limit)
      rows.push(...(await arc('<', limit - rows.length)));
    return rows.map(toCandidate);
  }

  /**
   * The oldest `limit` pending claim requests, oldest first, each with its
   * machine's first `windowSize` eligible hosts clockwise (none for a
   * machine no longer Pending without a host): on PostgreSQL one statement.
   */
  async queuedWithWindows(
    limit: number,
    windowSize: number,
  ): Promise<QueuedClaim[]> {
    if (!isPostgres(this.knex)) {
      const machines = await new ClaimRequestStore(this.knex).listPending(
        limit,
      );
      const queued: QueuedClaim[] = [];
      for (const machine of machines) {
        queued.push({
          machine,
          window: isClaimable(machine)
            ? await this.walk(machine, machinePoint(identityKey(machine)), {
                limit: windowSize,
              })
            : [],
        });
      }
      return queued;
    }
    const { rows } = await preparedRaw(
      this.knex,
      queuedWithWindowsSql(limit, windowSize),
      [],
    );
    return rows.map((row: QueuedRow) => ({
      machine: {
        id: row.id,
        namespace: row.namespace,
        name: row.name,
        phase: row.phase,
        hostId: row.host_id ?? undefined,
      },
      window: (row.hosts ?? [])
        .slice(0, windowSize)
        .map(([id, namespace, name, version, hash]) => ({
          id,
          namespace,
          name,
          version,
          hash,
        })),
    }));
  }
}

/** A queued claim: the machine as read, and its window (ring order). */
export interface QueuedClaim {
  machine: MachineClaimState & { id: string; namespace: string; name: string };
  window: ClaimCandidate[];
}

interface QueuedRow {
  id: string;
  namespace: string;
  name: string;
  phase: MachinePhase;
  host_id: string | null;
  /** [id, namespace, name, version, hash] of each host, in ring order. */
  hosts: Array<[string, string, string, number, number]> | null;
}

/** queuedWithWindows's statements, by limit and window size. */
const queuedStatements = new Map<string, string>();

/**
 * The statement of queuedWithWindows: the requests (by the queue's index)
 * with their machines, each machine's walk round the ring as one JSON
 * array. The sizes are part of the text, not bindings: a statement without
 * parameters is planned once per connection.
 */
function queuedWithWindowsSql(limit: number, windowSize: number): string {
  const key = `${limit}/${windowSize}`;
  let sql = queuedStatements.get(key);
  if (sql === undefined) {
    if (![limit, windowSize].every(n => Number.isSafeInteger(n) && n > 0)) {
      throw new Error(`queued claims need positive sizes, got ${key}`);
    }
    // MATERIALIZED: inlined, each machine's point (PL/pgSQL hashes) was
    // computed again for every host row compared with it, and the walk
    // could not start from it in the ring's index (30 ms a machine at 1,000
    // hosts).
    sql = `WITH ${machinesSql(
      `(SELECT machine_id, created_at FROM ${CLAIM_REQUESTS_TABLE}
         WHERE outcome IS NULL ORDER BY created_at, machine_id LIMIT ${limit}) r
        JOIN ${MACHINES_TABLE} mm ON mm.id = r.machine_id`,
      {
        columns: {
          namespace: 'mm.namespace',
          name: 'mm.name',
          requested_at: 'r.created_at',
        },
        materialized: true,
      },
    )}
    SELECT m.id, m.namespace, m.name, m.phase, m.host_id, w.hosts
      FROM m LEFT JOIN LATERAL (
        SELECT json_agg(
                 json_build_array(w.id, w.namespace, w.name, w.version, w.rendezvous_hash)
                 ORDER BY w.wrapped, w.rendezvous_hash, w.namespace, w.name) AS hosts
          FROM (${ringWalkSql(
            windowSize,
            `${CLAIMABLE} AND ${ELIGIBLE_SQL}`,
          )}) w) w ON TRUE
     ORDER BY m.requested_at, m.id`;
    queuedStatements.set(key, sql);
  }
  return sql;
}

function toCandidate(row: {
  id: string;
  namespace: string;
  name: string;
  version: number | string;
  rendezvous_hash: number | string;
}): ClaimCandidate {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    version: Number(row.version),
    hash: Number(row.rendezvous_hash),
  };
}

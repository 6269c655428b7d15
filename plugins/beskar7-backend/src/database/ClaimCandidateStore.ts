import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { machinePoint } from '../claims/rendezvous';
import { ELIGIBLE_SQL, ringWalkSql } from './ClaimStore';
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
   * Each machine's first `limit` eligible hosts clockwise, by machine id:
   * on PostgreSQL one statement for the whole batch.
   */
  async windows(
    machines: Machine[],
    limit: number,
  ): Promise<Map<string, ClaimCandidate[]>> {
    const windows = new Map<string, ClaimCandidate[]>(
      machines.map(m => [m.id, []]),
    );
    if (!isPostgres(this.knex)) {
      for (const machine of machines) {
        windows.set(
          machine.id,
          await this.walk(
            machine,
            machinePoint(`${machine.namespace}/${machine.name}`),
            { limit },
          ),
        );
      }
      return windows;
    }
    // MATERIALIZED: inlined, each machine's point (PL/pgSQL hashes) was
    // computed again for every host row compared with it, and the walk could
    // not start from it in the ring's index (30 ms a machine at 1,000 hosts).
    const { rows } = await preparedRaw(
      this.knex,
      `WITH m AS MATERIALIZED (
         SELECT id, phase, host_id, req, mode, boot_mode, hash, beskar7_mix32(hash) AS point FROM (
           SELECT id, phase, host_id, requirements::jsonb AS req,
                  provisioning_mode AS mode, boot_mode,
                  beskar7_fnv1a32(namespace || '/' || name) AS hash
             FROM ${MACHINES_TABLE} WHERE id = ANY(?::text[])) batch)
       SELECT m.id AS machine_id, w.*
         FROM m CROSS JOIN LATERAL (${ringWalkSql(limit, ELIGIBLE_SQL)}) w
        ORDER BY m.id, w.wrapped, w.rendezvous_hash, w.namespace, w.name`,
      [machines.map(m => m.id)],
    );
    for (const row of rows) {
      const window = windows.get(row.machine_id)!;
      if (window.length < limit) window.push(toCandidate(row));
    }
    return windows;
  }
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

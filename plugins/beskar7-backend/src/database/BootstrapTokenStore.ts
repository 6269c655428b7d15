import { Knex } from 'knex';
import { createHash, randomBytes } from 'node:crypto';

const TABLE = 'beskar7_bootstrap_tokens';

/** What a valid bootstrap token stands for. */
export interface BootstrapGrant {
  machineId: string;
  hostId: string;
}

/**
 * Per-machine tokens with which a host fetches its bootstrap data. Only a
 * token's SHA-256 is stored: the token itself lives in the host's kernel
 * parameters and nowhere else. One token per machine: a new one (a retried
 * provisioning) replaces the last.
 */
export class BootstrapTokenStore {
  constructor(private readonly knex: Knex) {}

  async issue(grant: BootstrapGrant, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.knex.transaction(async trx => {
      await trx(TABLE).where({ machine_id: grant.machineId }).delete();
      await trx(TABLE).insert({
        token_hash: hashOf(token),
        machine_id: grant.machineId,
        host_id: grant.hostId,
        expires_at: new Date(Date.now() + ttlMs),
      });
    });
    return token;
  }

  /** The grant of an unexpired token, or undefined. */
  async find(token: string): Promise<BootstrapGrant | undefined> {
    const row = await this.knex(TABLE)
      .where({ token_hash: hashOf(token) })
      .first();
    if (!row || new Date(row.expires_at).getTime() <= Date.now()) {
      return undefined;
    }
    return { machineId: row.machine_id, hostId: row.host_id };
  }

  /** The host was released: its token is gone. */
  async revokeHost(hostId: string): Promise<void> {
    await this.knex(TABLE).where({ host_id: hostId }).delete();
  }
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

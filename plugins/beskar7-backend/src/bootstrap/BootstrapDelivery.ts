import { Host, Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { BootstrapTokenStore } from '../database/BootstrapTokenStore';
import { MachineStore } from '../database/MachineStore';
import {
  BootstrapDocument,
  bootstrapConfigUrl,
  metaDataOf,
} from './bootstrapDocuments';
import { BootstrapDataSource } from './types';

/** Phases in which a machine's host may fetch its bootstrap data. */
const SERVED_PHASES = new Set(['Claimed', 'Provisioning', 'Provisioned']);

export interface BootstrapDeliveryOptions {
  tokens: BootstrapTokenStore;
  machines: MachineStore;
  source: BootstrapDataSource;
  /** Where hosts reach the bootstrap route, e.g. `https://portal.example/api/beskar7/bootstrap`. */
  baseUrl: string;
  /** How long a host may fetch after provisioning began (default 1 h). */
  tokenTtlMs?: number;
}

/**
 * Hands a Cluster API machine's bootstrap data to its host: provisioning
 * gets a per-machine URL with an unguessable token for the kernel
 * parameters, and the route serves the Secret's content, read at each fetch,
 * to that token only while the machine holds the host. Nothing of the data
 * is stored; the token is stored hashed and revoked at release.
 */
export class BootstrapDelivery {
  constructor(private readonly options: BootstrapDeliveryOptions) {}

  /** The URL to put in the host's kernel parameters, and the token in it (to keep out of errors). */
  async configUrl(
    machine: Machine,
    host: Host,
  ): Promise<{ url: string; token: string }> {
    const data = await this.read(machine);
    if (!data) {
      throw new Error(
        `bootstrap data Secret ${machine.namespace}/${machine.bootstrapDataSecret} not found`,
      );
    }
    const token = await this.options.tokens.issue(
      { machineId: machine.id, hostId: host.id },
      this.options.tokenTtlMs ?? 3_600_000,
    );
    const url = bootstrapConfigUrl(
      `${this.options.baseUrl}/${token}`,
      machine.osFamily,
      data.format,
    );
    return { url, token };
  }

  /** A document for a token, or undefined (unknown, expired, released: all alike). */
  async serve(
    token: string,
    document: BootstrapDocument,
  ): Promise<{ body: Buffer; machine: Machine } | undefined> {
    const grant = await this.options.tokens.find(token);
    if (!grant) return undefined;
    const machine = await this.options.machines.get(grant.machineId);
    if (
      !machine ||
      machine.hostId !== grant.hostId ||
      !SERVED_PHASES.has(machine.phase)
    ) {
      return undefined;
    }
    if (document === 'meta-data') {
      return { body: Buffer.from(metaDataOf(machine)), machine };
    }
    if (document === 'vendor-data') return { body: Buffer.alloc(0), machine };
    const data = await this.read(machine);
    return data && { body: data.value, machine };
  }

  /** The host was released: its URL stops working. */
  revokeHost(hostId: string): Promise<void> {
    return this.options.tokens.revokeHost(hostId);
  }

  private read(machine: Machine) {
    if (!machine.bootstrapDataSecret) return Promise.resolve(undefined);
    return this.options.source.read(
      machine.namespace,
      machine.bootstrapDataSecret,
    );
  }
}

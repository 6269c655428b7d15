import {
  BootMode,
  HostRequirements,
  Machine,
  MachinePhase,
  OsFamily,
  ProvisioningMode,
} from '@beskar7/backstage-plugin-beskar7-common';
import { parseJson, toIsoTimestamp, toOptional } from './values';

export const MACHINES_TABLE = 'beskar7_machines';

/** A row of beskar7_machines as the database returns it. */
export interface MachineRow {
  id: string;
  name: string;
  namespace: string;
  requirements: string;
  image_url: string;
  config_url: string | null;
  bootstrap_data_secret: string | null;
  os_family: OsFamily;
  provisioning_mode: ProvisioningMode;
  boot_mode: BootMode;
  phase: MachinePhase;
  host_id: string | null;
  failure_reason: string | null;
  created_at: Date | string | number;
  updated_at: Date | string | number;
}

export function rowToMachine(row: MachineRow): Machine {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    requirements: parseJson<HostRequirements>(row.requirements),
    imageUrl: row.image_url,
    configUrl: toOptional(row.config_url),
    bootstrapDataSecret: toOptional(row.bootstrap_data_secret),
    osFamily: row.os_family,
    provisioningMode: row.provisioning_mode,
    bootMode: row.boot_mode,
    phase: row.phase,
    hostId: toOptional(row.host_id),
    failureReason: toOptional(row.failure_reason),
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}

/** The writable, descriptive part of a machine request. */
export type MachineSpec = Pick<
  Machine,
  | 'requirements'
  | 'imageUrl'
  | 'configUrl'
  | 'bootstrapDataSecret'
  | 'osFamily'
  | 'provisioningMode'
  | 'bootMode'
>;

export function machineSpecToColumns(spec: Partial<MachineSpec>) {
  const columns: Partial<Record<keyof MachineRow, unknown>> = {};
  if (spec.requirements !== undefined) {
    columns.requirements = JSON.stringify(spec.requirements);
  }
  if (spec.imageUrl !== undefined) columns.image_url = spec.imageUrl;
  if (spec.configUrl !== undefined) columns.config_url = spec.configUrl;
  if (spec.bootstrapDataSecret !== undefined) {
    columns.bootstrap_data_secret = spec.bootstrapDataSecret;
  }
  if (spec.osFamily !== undefined) columns.os_family = spec.osFamily;
  if (spec.provisioningMode !== undefined) {
    columns.provisioning_mode = spec.provisioningMode;
  }
  if (spec.bootMode !== undefined) columns.boot_mode = spec.bootMode;
  return columns;
}

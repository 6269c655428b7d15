import {
  Host,
  HostCapabilities,
  HostState,
  PowerState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Knex } from 'knex';
import { hostHash } from '../claims/rendezvous';
import { vendorKeyOf } from '../redfish/vendors';
import { bmcKeyColumns } from './bmcAddress';
import { isPostgres } from './dialect';
import {
  parseJson,
  toIsoTimestamp,
  toOptional,
  toOptionalIsoTimestamp,
  toOptionalNumber,
} from './values';

export const HOSTS_TABLE = 'beskar7_hosts';

/** A row of beskar7_hosts as the database returns it. */
export interface HostRow {
  id: string;
  name: string;
  namespace: string;
  pool: string;
  labels: string;
  tags: string;
  failure_domain: string | null;
  manufacturer: string | null;
  /** The vendor the manufacturer names (redfish/vendors.ts vendorKeyOf), for the `vendor` filter. */
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  cpu_cores: number | null;
  memory_gib: number | null;
  disk_gib: number | null;
  mac_addresses: string;
  ip_addresses: string | null;
  bmc_address: string;
  bmc_endpoint: string;
  system_id: string;
  /** What the ComputerSystem says it is (redfish/systemIdentity); null until known. */
  system_identity: string | null;
  credentials_ref: string;
  insecure_skip_verify: boolean | number;
  ca_bundle_ref: string | null;
  bmc_allow_plain_http: boolean | number;
  state: HostState;
  power_state: PowerState | null;
  power_state_observed_at: Date | string | number | null;
  error_message: string | null;
  consumer_id: string | null;
  /** JSON lists read at inspection (hostCapabilitiesColumns); media types NULL until then. */
  virtual_media_types: string | null;
  boot_source_targets: string | null;
  boot_source_modes: string | null;
  /** Vendor quirks id detected at the last inspection (redfish/vendors detectVendor). */
  bmc_vendor: string | null;
  /** The host's place on the claim ring (claims/ring.ts); 32 bits unsigned. */
  rendezvous_hash: number | string;
  version: number | string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
}

export function rowToHost(row: HostRow): Host {
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    pool: row.pool,
    labels: parseJson<Record<string, string>>(row.labels),
    tags: parseJson<string[]>(row.tags),
    failureDomain: toOptional(row.failure_domain),
    hardware: {
      manufacturer: toOptional(row.manufacturer),
      model: toOptional(row.model),
      serialNumber: toOptional(row.serial_number),
      cpuCores: toOptionalNumber(row.cpu_cores),
      memoryGiB: toOptionalNumber(row.memory_gib),
      diskGiB: toOptionalNumber(row.disk_gib),
      macAddresses: parseJson<string[]>(row.mac_addresses),
      ipAddresses: row.ip_addresses
        ? parseJson<string[]>(row.ip_addresses)
        : undefined,
    },
    bmc: {
      address: row.bmc_address,
      credentialsRef: row.credentials_ref,
      insecureSkipVerify: Boolean(row.insecure_skip_verify),
      caBundleRef: toOptional(row.ca_bundle_ref),
      allowPlainHttp: Boolean(row.bmc_allow_plain_http),
    },
    systemId: row.system_id || undefined,
    state: row.state,
    powerState: toOptional(row.power_state),
    powerStateObservedAt: toOptionalIsoTimestamp(row.power_state_observed_at),
    errorMessage: toOptional(row.error_message),
    consumerId: toOptional(row.consumer_id),
    capabilities: row.virtual_media_types
      ? {
          virtualMediaTypes: parseJson<string[]>(row.virtual_media_types),
          ...(row.boot_source_targets && {
            bootSourceOverrideTargets: parseJson<string[]>(
              row.boot_source_targets,
            ),
          }),
          ...(row.boot_source_modes && {
            bootSourceOverrideModes: parseJson<string[]>(row.boot_source_modes),
          }),
        }
      : undefined,
    bmcVendor: toOptional(row.bmc_vendor),
    version: Number(row.version),
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}

/** The writable, descriptive part of a host (everything but identity, state and bookkeeping). */
export type HostSpec = Pick<
  Host,
  'pool' | 'labels' | 'tags' | 'failureDomain' | 'hardware' | 'bmc'
>;

/** Columns for the given (partial) spec; absent fields are left out. */
export function hostSpecToColumns(spec: Partial<HostSpec>) {
  const columns: Partial<Record<keyof HostRow, unknown>> = {};
  if (spec.pool !== undefined) columns.pool = spec.pool;
  if (spec.labels !== undefined) columns.labels = JSON.stringify(spec.labels);
  if (spec.tags !== undefined) columns.tags = JSON.stringify(spec.tags);
  if (spec.failureDomain !== undefined) {
    columns.failure_domain = spec.failureDomain;
  }
  if (spec.hardware !== undefined) {
    const hw = spec.hardware;
    columns.manufacturer = hw.manufacturer ?? null;
    columns.vendor = vendorKeyOf(hw.manufacturer) ?? null;
    columns.model = hw.model ?? null;
    columns.serial_number = hw.serialNumber ?? null;
    columns.cpu_cores = hw.cpuCores ?? null;
    columns.memory_gib = hw.memoryGiB ?? null;
    columns.disk_gib = hw.diskGiB ?? null;
    columns.mac_addresses = JSON.stringify(hw.macAddresses);
    columns.ip_addresses = hw.ipAddresses?.length
      ? JSON.stringify(hw.ipAddresses)
      : null;
  }
  if (spec.bmc !== undefined) {
    columns.bmc_address = spec.bmc.address;
    Object.assign(columns, bmcKeyColumns(spec.bmc.address));
    columns.credentials_ref = spec.bmc.credentialsRef;
    columns.insecure_skip_verify = spec.bmc.insecureSkipVerify;
    columns.ca_bundle_ref = spec.bmc.caBundleRef ?? null;
    columns.bmc_allow_plain_http = spec.bmc.allowPlainHttp ?? false;
  }
  return columns;
}

/**
 * The claim ring's column for a new row. PostgreSQL generates it from the
 * identity; SQLite cannot, so whoever inserts a host writes it (the table
 * refuses a row without it).
 */
export function hostRingColumns(
  knex: Knex,
  identity: { namespace: string; name: string },
): { rendezvous_hash?: number } {
  return isPostgres(knex)
    ? {}
    : { rendezvous_hash: hostHash(`${identity.namespace}/${identity.name}`) };
}

/** Columns recording a power state just read from the BMC. */
export function powerStateColumns(powerState: PowerState | undefined) {
  return powerState
    ? { power_state: powerState, power_state_observed_at: new Date() }
    : {};
}

/** Columns recording what the BMC offers for provisioning, as read at inspection. */
export function hostCapabilitiesColumns(capabilities: HostCapabilities) {
  const list = (values: string[] | undefined) =>
    values ? JSON.stringify(values) : null;
  return {
    virtual_media_types: JSON.stringify(capabilities.virtualMediaTypes),
    boot_source_targets: list(capabilities.bootSourceOverrideTargets),
    boot_source_modes: list(capabilities.bootSourceOverrideModes),
  };
}

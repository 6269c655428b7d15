import { Resource } from './odata';

const UUID =
  /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Serial numbers firmware writes when the vendor left the field unset; two
 * servers reporting one of them are not the same server. The migration
 * 20261206100000_host_system_identity keeps its own copy, frozen as it ran.
 */
const PLACEHOLDER_SERIALS = new Set([
  'default string',
  'to be filled by o.e.m.',
  'not specified',
  'not available',
  'system serial number',
  'none',
  'n/a',
  'na',
  'unknown',
  '0123456789',
]);

/**
 * What a ComputerSystem says it is, whatever the BMC is called: its `UUID`
 * (DSP0266: the SMBIOS UUID), else its `SerialNumber` with `Manufacturer`
 * and `Model`. A missing, malformed or uniform UUID (all zeros, all F's:
 * firmware that never set one) is no identity; neither is a placeholder
 * serial. Undefined when the system gives neither.
 */
export function systemIdentityOf(system: Resource): string | undefined {
  const uuid = typeof system.UUID === 'string' ? system.UUID.trim() : '';
  if (UUID.test(uuid)) {
    const hex = uuid.replace(/-/g, '').toLowerCase();
    if (!/^(.)\1*$/.test(hex)) return `uuid:${hex}`;
  }
  const serial = text(system.SerialNumber);
  if (!serial || PLACEHOLDER_SERIALS.has(serial) || /^(.)\1*$/.test(serial)) {
    return undefined;
  }
  return `serial:${text(system.Manufacturer)}/${text(system.Model)}/${serial}`;
}

/** How an identity reads in a message: `UUID …` or `serial … (maker model)`. */
export function describeIdentity(identity: string): string {
  if (identity.startsWith('uuid:')) {
    const h = identity.slice(5);
    return `UUID ${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(
      12,
      16,
    )}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const [maker, model, serial] = identity.slice(7).split('/');
  const what = [maker, model].filter(Boolean).join(' ');
  return `serial number ${serial}${what ? ` (${what})` : ''}`;
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value.trim().replace(/\s+/g, ' ').replace(/\//g, '-').toLowerCase()
    : '';
}

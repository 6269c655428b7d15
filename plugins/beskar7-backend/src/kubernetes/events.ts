import { Beskar7MachineStatus, KubeObject, PhysicalHostStatus } from './types';

/** A Kubernetes Event to record about an object. */
export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The Events a change of a Beskar7Machine's status is worth (none if the phase stayed). */
export function machineStatusEvents(
  before: Beskar7MachineStatus | undefined,
  after: Beskar7MachineStatus,
): EventSpec[] {
  const failedRelease = releaseFailure(after);
  if (failedRelease && failedRelease !== releaseFailure(before)) {
    return [
      { type: 'Warning', reason: 'ReleaseFailed', message: failedRelease },
    ];
  }
  if (before?.phase === after.phase) return [];
  const host = after.hostRef
    ? `${after.hostRef.namespace}/${after.hostRef.name}`
    : 'its host';
  switch (after.phase) {
    case 'Claimed':
      return [
        { type: 'Normal', reason: 'HostClaimed', message: `Claimed ${host}` },
      ];
    case 'Provisioning':
      return [
        {
          type: 'Normal',
          reason: 'Provisioning',
          message: `Provisioning ${host}`,
        },
      ];
    case 'Provisioned':
      return [
        {
          type: 'Normal',
          reason: 'Provisioned',
          message: `${host} is provisioned`,
        },
      ];
    case 'Failed':
      return [
        {
          type: 'Warning',
          reason: 'ProvisioningFailed',
          message: after.failureMessage ?? 'provisioning failed',
        },
      ];
    case 'Released':
      return [
        { type: 'Normal', reason: 'HostReleased', message: `Released ${host}` },
      ];
    default:
      return [];
  }
}

/** What a failed release says, while the status shows one. */
function releaseFailure(
  status: Beskar7MachineStatus | undefined,
): string | undefined {
  const released = status?.conditions?.find(c => c.type === 'Released');
  return released?.reason === 'ReleaseFailed' ? released.message : undefined;
}

/** The Events a change of a PhysicalHost's status is worth. */
export function hostStatusEvents(
  before: PhysicalHostStatus | undefined,
  after: PhysicalHostStatus,
): EventSpec[] {
  if (before?.state === after.state || after.state !== 'Error') return [];
  return [
    {
      type: 'Warning',
      reason: 'HostError',
      message: after.errorMessage ?? 'the host is in error',
    },
  ];
}

/** A claim for this machine lost to another claimer, as the claim engine reports it. */
export function claimConflictEvent(message: string): EventSpec {
  return { type: 'Warning', reason: 'ClaimConflict', message };
}

/** Identity of an Event series: the same thing said about the same object. */
export function eventSeriesKey(obj: KubeObject, event: EventSpec): string {
  const { namespace, name, uid } = obj.metadata;
  return [namespace, name, uid ?? '', event.reason, event.message].join('\0');
}

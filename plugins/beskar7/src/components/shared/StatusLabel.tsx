import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { ReactNode } from 'react';

const BY_VALUE: Record<string, (p: { children?: ReactNode }) => JSX.Element> = {
  ok: StatusOK,
  Available: StatusOK,
  Provisioned: StatusOK,
  completed: StatusOK,
  passed: StatusOK,
  warning: StatusWarning,
  Deprovisioning: StatusWarning,
  Releasing: StatusWarning,
  'step-failed': StatusWarning,
  error: StatusError,
  Error: StatusError,
  Failed: StatusError,
  failed: StatusError,
  Provisioning: StatusRunning,
  Enrolling: StatusRunning,
  'in-progress': StatusRunning,
};

/** A state or status with the colour operators expect for it. */
export const StatusLabel = ({ value }: { value: string }) => {
  const Status = BY_VALUE[value] ?? StatusPending;
  return <Status>{value}</Status>;
};

import { Alert } from '@backstage/ui';
import { describeError } from '../../api/describeError';

/** Why the charts are missing (often a missing permission), in words. */
export const MetricsUnavailable = ({ error }: { error: Error }) => (
  <Alert
    status="warning"
    icon
    title="Metrics unavailable"
    description={describeError(error)}
    role="alert"
  />
);

import { InfoCard } from '@backstage/core-components';
import { Text } from '@backstage/ui';
import { describeError } from '../../api/describeError';

/** Why the charts are missing (often a missing permission), in words, not a collapsed panel. */
export const MetricsUnavailable = ({ error }: { error: Error }) => (
  <InfoCard title="Metrics unavailable">
    <Text role="alert">{describeError(error)}</Text>
  </InfoCard>
);

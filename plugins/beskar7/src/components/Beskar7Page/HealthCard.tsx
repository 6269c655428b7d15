import { useApi } from '@backstage/frontend-plugin-api';
import { Flex } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef } from '../../api';
import { Facts } from '../shared/Facts';
import { Loadable } from '../shared/Loadable';
import { Section } from '../shared/Section';
import { StateChip } from '../shared/StateChip';

/** Shows whether the Beskar7 backend and its database answer. */
export const HealthCard = () => {
  const api = useApi(beskar7ApiRef);
  const state = useAsync(() => api.getHealth(), [api]);
  return (
    <Section title="Backend health">
      <Loadable {...state}>
        {health => (
          <Facts
            items={[
              {
                label: 'Status',
                value: (
                  <Flex data-testid="health-status">
                    <StateChip value={health.status} />
                  </Flex>
                ),
              },
              {
                label: 'Database',
                value: `${health.database.client}${
                  health.database.latencyMs === undefined
                    ? ''
                    : ` (${health.database.latencyMs.toFixed(1)} ms)`
                }`,
                testId: 'health-db',
              },
              { label: 'Plugin version', value: health.version },
            ]}
          />
        )}
      </Loadable>
    </Section>
  );
};

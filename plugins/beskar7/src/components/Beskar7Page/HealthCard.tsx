import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef } from '../../api';

/** Shows whether the Beskar7 backend and its database answer. */
export const HealthCard = () => {
  const api = useApi(beskar7ApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  return (
    <Card>
      <CardHeader>
        <Text variant="title-small">Backend health</Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="2">
          <Text>
            Status: <strong data-testid="health-status">{value?.status}</strong>
          </Text>
          <Text>
            Database:{' '}
            <span data-testid="health-db">{value?.database.client}</span>
            {value?.database.latencyMs !== undefined &&
              ` (${value.database.latencyMs.toFixed(1)} ms)`}
          </Text>
          <Text>Plugin version: {value?.version}</Text>
        </Flex>
      </CardBody>
    </Card>
  );
};

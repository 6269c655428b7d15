import { useApi } from '@backstage/frontend-plugin-api';
import {
  RUNBOOK_SEVERITIES,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Grid,
  Link,
  SearchField,
  Text,
} from '@backstage/ui';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef } from '../../api';
import { EmptyState, Loadable } from '../shared/Loadable';
import { usePaths } from '../shared/paths';
import { StateChip } from '../shared/StateChip';

const SEVERITY_TITLE = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Routine',
} as const;

/** Whether a runbook is for what the operator typed: its title or a symptom. */
export function matchesSymptom(runbook: RunbookSummary, text: string) {
  const needle = text.trim().toLocaleLowerCase();
  return (
    !needle ||
    [runbook.title, ...runbook.symptoms].some(s =>
      s.toLocaleLowerCase().includes(needle),
    )
  );
}

const RunbookCard = ({ runbook }: { runbook: RunbookSummary }) => {
  const paths = usePaths();
  return (
    <Card>
      <CardHeader>
        <Flex direction="column" gap="1">
          <Link href={paths.runbook(runbook.id)} weight="bold">
            {runbook.title}
          </Link>
          <Flex gap="2" align="center">
            <StateChip value={runbook.severity} />
            {runbook.destructive && <StateChip value="destructive" />}
            <Text variant="body-x-small" color="secondary">
              {runbook.steps.length} steps
            </Text>
          </Flex>
        </Flex>
      </CardHeader>
      <CardBody style={{ overflow: 'visible' }}>
        <Text variant="body-small" color="secondary">
          When you see
        </Text>
        <Flex direction="column" gap="1">
          {runbook.symptoms.map(s => (
            <Text key={s} variant="body-small">
              · {s}
            </Text>
          ))}
        </Flex>
      </CardBody>
      <CardFooter>
        <Link href={paths.runbook(runbook.id)} variant="body-small">
          Open
        </Link>
      </CardFooter>
    </Card>
  );
};

/** The procedures as cards grouped by severity, searchable by symptom. */
export const RunbookCatalogue = () => {
  const api = useApi(beskar7ApiRef);
  const state = useAsync(() => api.listRunbooks(), [api]);
  const [text, setText] = useState('');
  return (
    <Flex direction="column" gap="4">
      <Flex role="search" aria-label="Runbook search">
        <SearchField
          label="Search runbooks"
          description="By symptom, e.g. queue full, conflicts, BMC unreachable"
          value={text}
          onChange={setText}
        />
      </Flex>
      <Loadable {...state}>
        {runbooks => {
          const shown = runbooks.filter(r => matchesSymptom(r, text));
          if (shown.length === 0) {
            return <EmptyState title="No runbook matches." />;
          }
          return (
            <Flex direction="column" gap="5">
              {[...RUNBOOK_SEVERITIES].reverse().map(severity => {
                const group = shown.filter(r => r.severity === severity);
                if (group.length === 0) return null;
                return (
                  <Flex
                    key={severity}
                    direction="column"
                    gap="3"
                    role="region"
                    aria-label={`${SEVERITY_TITLE[severity]} runbooks`}
                  >
                    <Text as="h2" variant="title-x-small">
                      {SEVERITY_TITLE[severity]} ({group.length})
                    </Text>
                    <Grid.Root
                      columns={{ initial: '1', md: '2', lg: '3' }}
                      gap="3"
                    >
                      {group.map(r => (
                        <RunbookCard key={r.id} runbook={r} />
                      ))}
                    </Grid.Root>
                  </Flex>
                );
              })}
            </Flex>
          );
        }}
      </Loadable>
    </Flex>
  );
};

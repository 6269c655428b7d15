import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7RunbookExecutePermission,
  RunbookRun,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Button, Flex, Text } from '@backstage/ui';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef, describeError } from '../../api';
import { IfAllowed } from '../shared/IfAllowed';
import { Loadable } from '../shared/Loadable';
import { StatusLabel } from '../shared/StatusLabel';
import { GuideLinks } from './GuideLinks';
import { RunbookStepList } from './RunbookStepList';

const RunControl = ({
  definition,
  onRunChanged,
}: {
  definition: RunbookSummary;
  /** The run started or moved: the history below is stale. */
  onRunChanged: () => void;
}) => {
  const api = useApi(beskar7ApiRef);
  // Links from a host or a diagnostic fill in what they know (`?hostId=`).
  const [query] = useSearchParams();
  const [run, setRun] = useState<RunbookRun>();
  const [error, setError] = useState<string>();
  const [dryRun, setDryRun] = useState(false);
  const [parameters, setParameters] = useState<Record<string, string>>(
    Object.fromEntries(
      definition.parameters.map(p => [
        p.name,
        query.get(p.name) ?? (p.default === undefined ? '' : String(p.default)),
      ]),
    ),
  );
  const act = async (action: () => Promise<RunbookRun>) => {
    setError(undefined);
    try {
      setRun(await action());
      onRunChanged();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const typed = () =>
    Object.fromEntries(
      definition.parameters
        .filter(p => parameters[p.name] !== '')
        .map(p => {
          const raw = parameters[p.name];
          if (p.type === 'number') return [p.name, Number(raw)];
          if (p.type === 'boolean') return [p.name, raw === 'true'];
          return [p.name, raw];
        }),
    );

  return (
    <IfAllowed permission={beskar7RunbookExecutePermission}>
      <InfoCard title={run ? `Run ${run.id.slice(0, 8)}` : 'Start'}>
        {!run && (
          <Flex direction="column" gap="2">
            {definition.parameters.map(p => (
              <label key={p.name}>
                {p.title}
                {p.required ? ' *' : ''}{' '}
                <input
                  aria-label={p.title}
                  value={parameters[p.name]}
                  onChange={e =>
                    setParameters(v => ({ ...v, [p.name]: e.target.value }))
                  }
                />{' '}
                <Text variant="body-small">{p.description}</Text>
              </label>
            ))}
            <label>
              <input
                type="checkbox"
                checked={dryRun}
                onChange={e => setDryRun(e.target.checked)}
              />{' '}
              Dry run (changes nothing)
            </label>
            <Button
              onPress={() =>
                act(() =>
                  api.startRunbook(definition.id, {
                    dryRun,
                    parameters: typed(),
                  }),
                )
              }
            >
              Start
            </Button>
          </Flex>
        )}
        {run && <RunbookStepList definition={definition} run={run} act={act} />}
        {error && (
          <Text color="danger" role="alert">
            {error}
          </Text>
        )}
      </InfoCard>
    </IfAllowed>
  );
};

/** One procedure: start it (or a dry run), then go step by step. */
export const RunbookRunner = () => {
  const { id = '' } = useParams();
  const api = useApi(beskar7ApiRef);
  const runbook = useAsync(() => api.getRunbook(id), [api, id]);
  const [revision, setRevision] = useState(0);
  const history = useAsync(() => api.listRunbookRuns(id), [api, id, revision]);
  return (
    <Loadable {...runbook}>
      {definition => (
        <Flex direction="column" gap="4">
          <Text variant="title-medium">{definition.title}</Text>
          <Text>When: {definition.symptoms.join('; ')}</Text>
          <GuideLinks definition={definition} />
          <RunControl
            definition={definition}
            onRunChanged={() => setRevision(r => r + 1)}
          />
          <InfoCard title="Earlier runs">
            <Loadable
              {...history}
              isEmpty={p => p.totalCount === 0}
              emptyTitle="Never run"
            >
              {page => (
                <ul aria-label="run history">
                  {page.items.map(r => (
                    <li key={r.id}>
                      {new Date(r.createdAt).toLocaleString()} by {r.startedBy}
                      {r.dryRun ? ' (dry run)' : ''}:{' '}
                      <StatusLabel value={r.status} />
                    </li>
                  ))}
                </ul>
              )}
            </Loadable>
          </InfoCard>
          <Link to="..">All runbooks</Link>
        </Flex>
      )}
    </Loadable>
  );
};

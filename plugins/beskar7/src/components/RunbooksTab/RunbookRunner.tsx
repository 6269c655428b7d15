import { useApi } from '@backstage/frontend-plugin-api';
import {
  beskar7RunbookExecutePermission,
  RunbookParameter,
  RunbookRun,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  Alert,
  Box,
  Button,
  Cell,
  CellText,
  ColumnConfig,
  Flex,
  NumberField,
  Select,
  Switch,
  Table,
  Text,
  TextField,
} from '@backstage/ui';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { beskar7ApiRef, describeError } from '../../api';
import { DetailLayout } from '../shared/DetailLayout';
import { IfAllowed } from '../shared/IfAllowed';
import { EmptyState, Loadable } from '../shared/Loadable';
import { usePaths } from '../shared/paths';
import { Section } from '../shared/Section';
import { StateChip } from '../shared/StateChip';
import { GuideLinks } from './GuideLinks';
import { RunbookStepList } from './RunbookStepList';

type Value = string | number | boolean;

/** The parameter's starting value: from the link (`?hostId=`), else its default. */
function initialValue(p: RunbookParameter, query: URLSearchParams): Value {
  const given = query.get(p.name);
  if (given !== null) {
    if (p.type === 'number') return Number(given);
    if (p.type === 'boolean') return given === 'true';
    return given;
  }
  return p.default ?? (p.type === 'boolean' ? false : '');
}

/** One input per parameter, the control fitting its type. */
const ParameterField = ({
  parameter: p,
  value,
  onChange,
}: {
  parameter: RunbookParameter;
  value: Value;
  onChange: (value: Value) => void;
}) => {
  if (p.type === 'boolean') {
    return (
      <Switch label={p.title} isSelected={value === true} onChange={onChange} />
    );
  }
  if (p.type === 'number') {
    return (
      <NumberField
        label={p.title}
        description={p.description}
        isRequired={p.required}
        value={typeof value === 'number' ? value : NaN}
        onChange={v => onChange(Number.isNaN(v) ? '' : v)}
      />
    );
  }
  if (p.enum) {
    return (
      <Select
        label={p.title}
        description={p.description}
        isRequired={p.required}
        selectionMode="single"
        options={p.enum.map(v => ({ id: v, label: v }))}
        value={String(value) || null}
        onChange={key => onChange(key ? String(key) : '')}
      />
    );
  }
  return (
    <TextField
      label={p.title}
      description={p.description}
      isRequired={p.required}
      value={String(value)}
      onChange={onChange}
    />
  );
};

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
  const [parameters, setParameters] = useState<Record<string, Value>>(() =>
    Object.fromEntries(
      definition.parameters.map(p => [p.name, initialValue(p, query)]),
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
  const given = () =>
    Object.fromEntries(Object.entries(parameters).filter(([, v]) => v !== ''));

  return (
    <IfAllowed permission={beskar7RunbookExecutePermission}>
      <Section title={run ? `Run ${run.id.slice(0, 8)}` : 'Start a run'}>
        <Flex direction="column" gap="3">
          {!run && (
            <Flex direction="column" gap="3">
              {definition.parameters.map(p => (
                <ParameterField
                  key={p.name}
                  parameter={p}
                  value={parameters[p.name]}
                  onChange={v =>
                    setParameters(all => ({ ...all, [p.name]: v }))
                  }
                />
              ))}
              <Switch
                label="Dry run (changes nothing)"
                isSelected={dryRun}
                onChange={setDryRun}
              />
              <Box>
                <Button
                  onPress={() =>
                    act(() =>
                      api.startRunbook(definition.id, {
                        dryRun,
                        parameters: given(),
                      }),
                    )
                  }
                >
                  Start
                </Button>
              </Box>
            </Flex>
          )}
          {run && (
            <RunbookStepList definition={definition} run={run} act={act} />
          )}
          {error && <Alert status="danger" icon title={error} role="alert" />}
        </Flex>
      </Section>
    </IfAllowed>
  );
};

const HISTORY_COLUMNS: ColumnConfig<RunbookRun>[] = [
  {
    id: 'started',
    label: 'Started',
    isRowHeader: true,
    cell: r => <CellText title={new Date(r.createdAt).toLocaleString()} />,
  },
  { id: 'by', label: 'By', cell: r => <CellText title={r.startedBy} /> },
  {
    id: 'status',
    label: 'Status',
    cell: r => (
      <Cell>
        <StateChip value={r.status} />
      </Cell>
    ),
  },
  {
    id: 'mode',
    label: 'Mode',
    cell: r => <CellText title={r.dryRun ? 'dry run' : 'live'} />,
  },
  {
    id: 'steps',
    label: 'Steps run',
    cell: r => <CellText title={String(r.steps.length)} />,
  },
];

/** One procedure: start it (or a dry run), then go step by step. */
export const RunbookRunner = () => {
  const { id = '' } = useParams();
  const api = useApi(beskar7ApiRef);
  const paths = usePaths();
  const runbook = useAsync(() => api.getRunbook(id), [api, id]);
  const [revision, setRevision] = useState(0);
  const history = useAsync(() => api.listRunbookRuns(id), [api, id, revision]);
  return (
    <Loadable {...runbook}>
      {definition => (
        <DetailLayout
          title={definition.title}
          state={definition.severity}
          back={{ href: paths.runbooks, label: 'All runbooks' }}
        >
          <Text>When: {definition.symptoms.join('; ')}</Text>
          <GuideLinks definition={definition} />
          <RunControl
            definition={definition}
            onRunChanged={() => setRevision(r => r + 1)}
          />
          <Section title="Earlier runs">
            <Loadable {...history}>
              {page => (
                <Table
                  columnConfig={HISTORY_COLUMNS}
                  data={page.items}
                  pagination={{ type: 'none' }}
                  emptyState={<EmptyState title="Never run" />}
                />
              )}
            </Loadable>
          </Section>
        </DetailLayout>
      )}
    </Loadable>
  );
};

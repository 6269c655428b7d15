import { useApi } from '@backstage/frontend-plugin-api';
import {
  fillInstruction,
  RunbookRun,
  RunbookStepResult,
  RunbookStepSummary,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Box, Button, Flex, Text, TextField } from '@backstage/ui';
import { useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { StateChip } from '../shared/StateChip';
import styles from './RunbookStepList.module.css';

const when = (iso: string) => new Date(iso).toLocaleString();

/** What a step's last attempt did: who ran it and when, and what it found. */
const StepEvidence = ({ result }: { result: RunbookStepResult }) => (
  <Flex direction="column" gap="1" data-testid={`result-${result.stepId}`}>
    <Flex align="center" gap="2">
      <StateChip value={result.status} />
      <Text variant="body-small" color="secondary">
        by {result.actor}, {when(result.startedAt)}
        {result.attempt > 1 ? ` (attempt ${result.attempt})` : ''}
      </Text>
    </Flex>
    {result.summary && <Text variant="body-small">{result.summary}</Text>}
    {result.error && <Text variant="body-small">Error: {result.error}</Text>}
    {/* Plain text colour: the status chip carries the colour, and the
        design system's success/danger text falls short of 4.5:1 contrast. */}
    {result.verification && (
      <Text variant="body-small">
        verification {result.verification.passed ? 'passed' : 'failed'}:{' '}
        {result.verification.message}
      </Text>
    )}
    {result.note && <Text variant="body-small">Note: {result.note}</Text>}
    {result.data !== undefined && (
      <Box
        as="pre"
        className={styles.evidence}
        role="region"
        aria-label="evidence"
        tabIndex={0}
      >
        {JSON.stringify(result.data, null, 2)}
      </Box>
    )}
    {result.rollback && (
      <Text variant="body-small">
        Rollback {result.rollback.status} by {result.rollback.actor},{' '}
        {when(result.rollback.at)}: {result.rollback.summary}
      </Text>
    )}
  </Flex>
);

const Step = ({
  step,
  index,
  run,
  current,
}: {
  step: RunbookStepSummary;
  index: number;
  run: RunbookRun;
  current: boolean;
}) => {
  const last = run.steps.filter(r => r.stepIndex === index).at(-1);
  return (
    <Box
      as="li"
      className={styles.step}
      data-current={current || undefined}
      aria-current={current ? 'step' : undefined}
    >
      <Flex direction="column" gap="1">
        <Flex align="center" gap="2">
          <Text weight="bold">
            {index + 1}. {step.title}
          </Text>
          {!last && <StateChip value={current ? 'next' : 'not run'} />}
        </Flex>
        <Text variant="body-small" color="secondary">
          {step.kind} · risk {step.risk.level}: {step.risk.description}
          {step.destructive ? ' · destructive' : ''}
        </Text>
        {step.instruction && (
          <Text variant="body-small">
            {fillInstruction(step.instruction, run.parameters)}
          </Text>
        )}
        <Text variant="body-small">Verification: {step.verification}</Text>
        {last && <StepEvidence result={last} />}
      </Flex>
    </Box>
  );
};

/**
 * The steps of a run: each with its risk before it runs, then its status,
 * who ran it and when, and the evidence it collected; the next step offers
 * the actions that fit it.
 */
export const RunbookStepList = ({
  definition,
  run,
  act,
}: {
  definition: RunbookSummary;
  run: RunbookRun;
  act: (action: () => Promise<RunbookRun>) => Promise<void>;
}) => {
  const api = useApi(beskar7ApiRef);
  const [note, setNote] = useState('');
  const finished = !['in-progress', 'step-failed'].includes(run.status);
  const step = (
    action: 'next' | 'resume' | 'acknowledge' | 'rollback' | 'abort',
    input?: object,
  ) => act(() => api.stepRunbook(run.id, action, input));

  return (
    <Flex direction="column" gap="3">
      <Flex align="center" gap="2">
        <Text>Status</Text>
        <StateChip value={run.status} size="medium" />
        <Text variant="body-small" color="secondary">
          started by {run.startedBy}, {when(run.createdAt)}
          {run.dryRun ? ' · dry run' : ''}
        </Text>
      </Flex>
      <Box as="ol" className={styles.steps} aria-label="steps">
        {definition.steps.map((s, index) => (
          <Step
            key={s.id}
            step={s}
            index={index}
            run={run}
            current={index === run.nextStepIndex && !finished}
          />
        ))}
      </Box>
      {!finished && (
        <Flex gap="2" align="end">
          <TextField
            label="Note"
            size="small"
            value={note}
            onChange={setNote}
          />
          <Button onPress={() => step('next')}>Run next step</Button>
          <Button variant="secondary" onPress={() => step('resume')}>
            Run automated steps
          </Button>
          <Button
            variant="secondary"
            onPress={() => step('next', { verdict: 'pass', note })}
          >
            Manual step done (pass)
          </Button>
          {run.status === 'step-failed' && (
            <>
              <Button destructive onPress={() => step('rollback')}>
                Roll back
              </Button>
              <Button
                variant="secondary"
                onPress={() => step('acknowledge', { note })}
              >
                Accept failure and continue
              </Button>
            </>
          )}
          <Button variant="tertiary" onPress={() => step('abort')}>
            Abort
          </Button>
        </Flex>
      )}
    </Flex>
  );
};

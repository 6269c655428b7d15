import { useApi } from '@backstage/frontend-plugin-api';
import {
  fillInstruction,
  RunbookRun,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Button, Flex, Text } from '@backstage/ui';
import { useState } from 'react';
import { beskar7ApiRef } from '../../api';
import { StatusLabel } from '../shared/StatusLabel';

/**
 * The steps of a run: each with its risk shown before it runs, its result
 * and verification after; the next step offers the actions that fit it.
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
    <Flex direction="column" gap="2">
      <Text>
        Status: <StatusLabel value={run.status} />
        {run.dryRun ? ' (dry run)' : ''}
      </Text>
      <ol aria-label="steps">
        {definition.steps.map((s, index) => {
          const results = run.steps.filter(r => r.stepIndex === index);
          const last = results[results.length - 1];
          const current = index === run.nextStepIndex && !finished;
          return (
            <li key={s.id} aria-current={current ? 'step' : undefined}>
              <Text weight={current ? 'bold' : 'regular'}>
                {s.title} [{s.kind}] · risk {s.risk.level}: {s.risk.description}
                {s.destructive ? ' · destructive' : ''}
              </Text>
              {s.instruction && (
                <Text variant="body-small">
                  {fillInstruction(s.instruction, run.parameters)}
                </Text>
              )}
              <Text variant="body-small">Verification: {s.verification}</Text>
              {last && (
                <Text variant="body-small" data-testid={`result-${s.id}`}>
                  <StatusLabel value={last.status} /> {last.summary ?? ''}{' '}
                  {last.error ?? ''}
                  {last.verification &&
                    ` · verification ${
                      last.verification.passed ? 'passed' : 'failed'
                    }: ${last.verification.message}`}
                </Text>
              )}
            </li>
          );
        })}
      </ol>
      {!finished && (
        <Flex gap="2" align="end">
          <label>
            Note{' '}
            <input
              aria-label="Note"
              value={note}
              onChange={e => setNote(e.target.value)}
            />
          </label>
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

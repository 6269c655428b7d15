import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  RunbookRun,
  RunbookSummary,
} from '@beskar7/backstage-plugin-beskar7-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { RunbooksTab } from './RunbooksTab';

const server = setupServer();
registerMswTestHooks(server);

const step = (id: string, kind: 'automated' | 'manual') => ({
  id,
  title: `Step ${id}`,
  description: '',
  kind,
  risk: { level: 'none' as const, description: 'reads only' },
  mutates: false,
  destructive: false,
  verification: 'it holds',
  automatedVerification: kind === 'automated',
  rollback: 'nothing',
  automatedRollback: false,
});

const recovery: RunbookSummary = {
  id: 'host-state-recovery',
  title: 'Host state recovery',
  symptoms: ['Diagnostics: hosts in Error'],
  severity: 'warning',
  guide: 'docs/runbooks.md#host-state-recovery',
  parameters: [
    {
      name: 'hostId',
      title: 'Host',
      description: 'The host in Error',
      type: 'string',
      required: true,
    },
  ],
  steps: [
    step('read-error', 'automated'),
    { ...step('fix-cause', 'manual'), instruction: 'Mend the BMC of {hostId}' },
  ],
  destructive: true,
};
const backlog: RunbookSummary = {
  ...recovery,
  id: 'queue-backlog',
  title: 'Provisioning queue backlog',
  symptoms: ['Queue length over 40'],
  severity: 'critical',
  destructive: false,
};

const run = (over: Partial<RunbookRun>): RunbookRun => ({
  id: 'run-1',
  runbookId: recovery.id,
  status: 'in-progress',
  dryRun: false,
  startedBy: 'user:default/ops',
  parameters: { hostId: 'h-1' },
  nextStepIndex: 0,
  createdAt: '2026-11-27T10:00:00.000Z',
  updatedAt: '2026-11-27T10:00:00.000Z',
  steps: [],
  ...over,
});

const render = (
  path: string,
  authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
) =>
  renderWithApis(
    <Routes>
      <Route path="/runbooks/*" element={<RunbooksTab />} />
    </Routes>,
    { initialRouteEntries: [path], authorize },
  );

describe('RunbooksTab', () => {
  it('groups procedures by severity and finds them by symptom', async () => {
    server.use(
      http.get('*/api/beskar7/runbooks', () =>
        HttpResponse.json({ items: [recovery, backlog] }),
      ),
    );
    await render('/runbooks', AuthorizeResult.ALLOW);
    const critical = await screen.findByRole('region', {
      name: 'Critical runbooks',
    });
    const warning = screen.getByRole('region', { name: 'Warning runbooks' });
    expect(
      within(critical).getByRole('link', {
        name: 'Provisioning queue backlog',
      }),
    ).toBeInTheDocument();
    expect(
      within(warning).getByRole('link', { name: 'Host state recovery' }),
    ).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Search runbooks'), {
      target: { value: 'queue length' },
    });
    await waitFor(() =>
      expect(
        screen.queryByRole('region', { name: 'Warning runbooks' }),
      ).toBeNull(),
    );
    expect(
      screen.getByRole('region', { name: 'Critical runbooks' }),
    ).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Search runbooks'), {
      target: { value: 'nothing like this' },
    });
    expect(await screen.findByText('No runbook matches.')).toBeInTheDocument();
  });

  it('starts a run with the parameters from the link, shows step results, and refreshes the history', async () => {
    const started: unknown[] = [];
    let runs: RunbookRun[] = [];
    server.use(
      http.get('*/api/beskar7/runbooks/runs', () =>
        HttpResponse.json({
          items: runs,
          totalCount: runs.length,
          offset: 0,
          limit: 20,
        }),
      ),
      http.get('*/api/beskar7/runbooks/host-state-recovery', () =>
        HttpResponse.json(recovery),
      ),
      http.post(
        '*/api/beskar7/runbooks/host-state-recovery/runs',
        async ({ request }) => {
          started.push(await request.json());
          runs = [run({})];
          return HttpResponse.json(runs[0], { status: 201 });
        },
      ),
      http.post('*/api/beskar7/runbooks/runs/run-1/resume', () => {
        runs = [
          run({
            nextStepIndex: 1,
            steps: [
              {
                stepIndex: 0,
                stepId: 'read-error',
                attempt: 1,
                status: 'passed',
                actor: 'user:default/ops',
                startedAt: '2026-11-27T10:00:01.000Z',
                summary: 'sim-03 is Error: BMC unreachable',
                verification: { passed: true, message: 'in Error' },
              },
            ],
          }),
        ];
        return HttpResponse.json(runs[0]);
      }),
    );
    await render(
      '/runbooks/host-state-recovery?hostId=h-1',
      AuthorizeResult.ALLOW,
    );

    expect(await screen.findByText('Never run')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Host' })).toHaveValue('h-1');
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() =>
      expect(started).toEqual([
        { dryRun: false, parameters: { hostId: 'h-1' } },
      ]),
    );
    await waitFor(() => expect(screen.queryByText('Never run')).toBeNull());
    expect(screen.getAllByText('user:default/ops').length).toBeGreaterThan(0);

    // The operator reads the instruction for this run's host.
    expect(screen.getByText('Mend the BMC of h-1')).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Run automated steps' }),
    );
    const result = await screen.findByTestId('result-read-error');
    // Status, who ran the step, what it found and its verification.
    expect(result).toHaveTextContent('passed');
    expect(result).toHaveTextContent('by user:default/ops');
    expect(result).toHaveTextContent('sim-03 is Error: BMC unreachable');
    expect(result).toHaveTextContent('verification passed: in Error');
  });

  it('offers no run without the execute permission', async () => {
    server.use(
      http.get('*/api/beskar7/runbooks/runs', () =>
        HttpResponse.json({ items: [], totalCount: 0, offset: 0, limit: 20 }),
      ),
      http.get('*/api/beskar7/runbooks/host-state-recovery', () =>
        HttpResponse.json(recovery),
      ),
    );
    await render('/runbooks/host-state-recovery', AuthorizeResult.DENY);
    expect(await screen.findByText('Host state recovery')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Start' }),
    ).not.toBeInTheDocument();
  });

  it('shows why a runbook cannot be loaded', async () => {
    server.use(
      http.get('*/api/beskar7/runbooks/runs', () =>
        HttpResponse.json({ items: [], totalCount: 0, offset: 0, limit: 20 }),
      ),
      http.get('*/api/beskar7/runbooks/nope', () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No runbook nope' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await render('/runbooks/nope', AuthorizeResult.ALLOW);
    expect(await screen.findByText(/No runbook nope/)).toBeInTheDocument();
  });
});

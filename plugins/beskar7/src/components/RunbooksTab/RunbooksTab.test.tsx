import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { RunbookRun } from '@beskar7/backstage-plugin-beskar7-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import {
  makeApiError,
  makePage,
  makeRunbook,
  makeRunbookRun,
  makeRunbookStep,
  makeStepResult,
} from '../__testUtils__/fixtures';
import { renderWithApis } from '../__testUtils__/renderWithApis';
import { RunbooksTab } from './RunbooksTab';

const server = setupServer();
registerMswTestHooks(server);

const recovery = makeRunbook({
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
    makeRunbookStep('read-error', 'automated'),
    makeRunbookStep('fix-cause', 'manual', {
      instruction: 'Mend the BMC of {hostId}',
    }),
  ],
  destructive: true,
});
const backlog = makeRunbook({
  ...recovery,
  id: 'queue-backlog',
  title: 'Provisioning queue backlog',
  symptoms: ['Queue length over 40'],
  severity: 'critical',
  destructive: false,
});

const run = (over: Partial<RunbookRun>) =>
  makeRunbookRun({
    runbookId: recovery.id,
    parameters: { hostId: 'h-1' },
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
        HttpResponse.json(makePage(runs, { limit: 20 })),
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
              makeStepResult({
                stepId: 'read-error',
                status: 'passed',
                actor: 'user:default/ops',
                summary: 'sim-03 is Error: BMC unreachable',
                verification: { passed: true, message: 'in Error' },
              }),
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
        HttpResponse.json(makePage([], { limit: 20 })),
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
        HttpResponse.json(makePage([], { limit: 20 })),
      ),
      http.get('*/api/beskar7/runbooks/nope', () =>
        makeApiError(404, 'NotFoundError', 'No runbook nope'),
      ),
    );
    await render('/runbooks/nope', AuthorizeResult.ALLOW);
    expect(await screen.findByText(/No runbook nope/)).toBeInTheDocument();
  });
});

import { InputError } from '@backstage/errors';
import {
  beskar7HostReadPermission,
  beskar7RunbookDestructivePermission,
  beskar7RunbookExecutePermission,
  Page,
  RunbookRun,
} from '@beskar7/backstage-plugin-beskar7-common';
import { Request, Router } from 'express';
import { RunbookEngine } from '../runbooks';
import { bodyOf } from './body';
import { Caller, RouteGuard } from './guard';
import {
  plausibleId,
  parseRunbookRunsQuery,
  parseRunbookStart,
  parseRunbookStepInput,
} from './validation';

/** Who started or moved a run, as recorded in its history. */
function actorOf(credentials: Caller): string {
  const { principal } = credentials;
  if (principal.type === 'user') return principal.userEntityRef;
  return principal.subject;
}

/** The runbook routes: reading is open to readers, running needs the execute permission. */
export function addRunbookRoutes(
  router: Router,
  guard: RouteGuard,
  engine: RunbookEngine,
) {
  router.get('/runbooks', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json({ items: engine.listRunbooks() });
  });

  router.get('/runbooks/runs', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    const query = parseRunbookRunsQuery(req.query);
    const { runs, totalCount } = await engine.listRuns(query);
    const page: Page<RunbookRun> = {
      items: runs,
      totalCount,
      offset: query.offset,
      limit: query.limit,
    };
    res.json(page);
  });

  router.get('/runbooks/runs/:runId', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(await engine.getRun(plausibleId(req.params.runId)));
  });

  router.get('/runbooks/:id', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(engine.getRunbook(plausibleId(req.params.id)));
  });

  router.post('/runbooks/:id/runs', async (req, res) => {
    const run = await guard.auditedInput(
      req,
      beskar7RunbookExecutePermission,
      'runbook-start',
      {
        parse: () => ({
          runbookId: plausibleId(req.params.id),
          ...parseRunbookStart(bodyOf(req)),
        }),
        meta: ({ runbookId, dryRun }) => ({
          runbookId,
          dryRun: dryRun ?? false,
        }),
      },
      (start, credentials) =>
        engine.start({ ...start, actor: actorOf(credentials) }),
    );
    res.status(201).json(run);
  });

  /** Destructive steps need their own permission on top of execute. */
  async function allowDestructive(req: Request, runId: string) {
    const step = engine.pendingStep(await engine.getRun(runId));
    if (!step?.destructive) return false;
    await guard.authorize(req, beskar7RunbookDestructivePermission);
    return true;
  }

  for (const action of ['next', 'resume'] as const) {
    router.post(`/runbooks/runs/:runId/${action}`, async (req, res) => {
      res.json(
        await guard.auditedInput(
          req,
          beskar7RunbookExecutePermission,
          `runbook-${action}`,
          {
            parse: () => ({
              runId: plausibleId(req.params.runId),
              input: parseRunbookStepInput(bodyOf(req)),
            }),
            meta: ({ runId }) => ({ runId }),
          },
          async ({ runId, input }, credentials) =>
            engine[action](runId, {
              actor: actorOf(credentials),
              allowDestructive: await allowDestructive(req, runId),
              input,
            }),
        ),
      );
    });
  }

  router.post('/runbooks/runs/:runId/acknowledge', async (req, res) => {
    res.json(
      await guard.auditedInput(
        req,
        beskar7RunbookExecutePermission,
        'runbook-acknowledge',
        {
          parse: () => {
            const { note } = parseRunbookStepInput(bodyOf(req));
            if (!note) {
              throw new InputError(
                'Invalid runbook step input: note: say why the failure is accepted',
              );
            }
            return { runId: plausibleId(req.params.runId), note };
          },
          meta: ({ runId }) => ({ runId }),
        },
        ({ runId, note }, credentials) =>
          engine.acknowledge(runId, { actor: actorOf(credentials), note }),
      ),
    );
  });

  for (const action of ['rollback', 'abort'] as const) {
    router.post(`/runbooks/runs/:runId/${action}`, async (req, res) => {
      res.json(
        await guard.auditedInput(
          req,
          beskar7RunbookExecutePermission,
          `runbook-${action}`,
          {
            parse: () => plausibleId(req.params.runId),
            meta: runId => ({ runId }),
          },
          (runId, credentials) =>
            engine[action](runId, { actor: actorOf(credentials) }),
        ),
      );
    });
  }
}

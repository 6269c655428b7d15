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
import { Caller, RouteGuard } from './guard';
import {
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
    res.json(await engine.getRun(req.params.runId));
  });

  router.get('/runbooks/:id', async (req, res) => {
    await guard.authorize(req, beskar7HostReadPermission);
    res.json(engine.getRunbook(req.params.id));
  });

  router.post('/runbooks/:id/runs', async (req, res) => {
    const body = parseRunbookStart(req.body);
    const run = await guard.audited(
      req,
      beskar7RunbookExecutePermission,
      'runbook-start',
      { runbookId: req.params.id, dryRun: body.dryRun ?? false },
      credentials =>
        engine.start({
          runbookId: req.params.id,
          actor: actorOf(credentials),
          ...body,
        }),
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
      const { runId } = req.params;
      const input = parseRunbookStepInput(req.body);
      res.json(
        await guard.audited(
          req,
          beskar7RunbookExecutePermission,
          `runbook-${action}`,
          { runId },
          async credentials =>
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
    const { runId } = req.params;
    const { note } = parseRunbookStepInput(req.body);
    if (!note) {
      throw new InputError(
        'Invalid runbook step input: note: say why the failure is accepted',
      );
    }
    res.json(
      await guard.audited(
        req,
        beskar7RunbookExecutePermission,
        'runbook-acknowledge',
        { runId },
        credentials =>
          engine.acknowledge(runId, { actor: actorOf(credentials), note }),
      ),
    );
  });

  for (const action of ['rollback', 'abort'] as const) {
    router.post(`/runbooks/runs/:runId/${action}`, async (req, res) => {
      const { runId } = req.params;
      res.json(
        await guard.audited(
          req,
          beskar7RunbookExecutePermission,
          `runbook-${action}`,
          { runId },
          credentials => engine[action](runId, { actor: actorOf(credentials) }),
        ),
      );
    });
  }
}

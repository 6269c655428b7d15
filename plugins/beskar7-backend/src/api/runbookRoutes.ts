import { InputError } from '@backstage/errors';
import {
  beskar7HostReadPermission,
  beskar7RunbookExecutePermission,
  Page,
  RunbookRun,
} from '@beskar7/backstage-plugin-beskar7-common';
import { actorOf, AuthorizedRunbooks } from '../authorization';
import { RunbookEngine } from '../runbooks';
import { AuthorizedRoutes } from './AuthorizedRoutes';
import {
  plausibleId,
  parseRunbookRunsQuery,
  parseRunbookStart,
  parseRunbookStepInput,
} from './validation';

/** The runbook routes: reading is open to readers, running needs the execute permission. */
export function addRunbookRoutes(
  routes: AuthorizedRoutes,
  engine: RunbookEngine,
  authorized: AuthorizedRunbooks,
) {
  const read = { permission: beskar7HostReadPermission };
  const execute = (audit: string) => ({
    permission: beskar7RunbookExecutePermission,
    audit,
  });

  routes.get('/runbooks', read, async (_req, res) => {
    res.json({ items: engine.listRunbooks() });
  });

  routes.get('/runbooks/runs', read, async (req, res) => {
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

  routes.get('/runbooks/runs/:runId', read, async (req, res) => {
    res.json(await engine.getRun(plausibleId(req.params.runId)));
  });

  routes.get('/runbooks/:id', read, async (req, res) => {
    res.json(engine.getRunbook(plausibleId(req.params.id)));
  });

  routes.post(
    '/runbooks/:id/runs',
    execute('runbook-start'),
    async (req, res, call) => {
      const runbookId = plausibleId(req.params.id);
      const start = parseRunbookStart(req.body);
      const meta = { runbookId, dryRun: start.dryRun ?? false };
      const run = await call.audited(meta, () =>
        engine.start({ runbookId, ...start, actor: actorOf(call.caller) }),
      );
      res.status(201).json(run);
    },
  );

  for (const action of ['next', 'resume'] as const) {
    routes.post(
      `/runbooks/runs/:runId/${action}`,
      execute(`runbook-${action}`),
      async (req, res, call) => {
        const runId = plausibleId(req.params.runId);
        const input = parseRunbookStepInput(req.body);
        res.json(
          await call.audited({ runId }, () =>
            authorized.step(action, call, runId, input),
          ),
        );
      },
    );
  }

  routes.post(
    '/runbooks/runs/:runId/acknowledge',
    execute('runbook-acknowledge'),
    async (req, res, call) => {
      const runId = plausibleId(req.params.runId);
      const { note } = parseRunbookStepInput(req.body);
      if (!note) {
        throw new InputError(
          'Invalid runbook step input: note: say why the failure is accepted',
        );
      }
      res.json(
        await call.audited({ runId }, () =>
          engine.acknowledge(runId, { actor: actorOf(call.caller), note }),
        ),
      );
    },
  );

  for (const action of ['rollback', 'abort'] as const) {
    routes.post(
      `/runbooks/runs/:runId/${action}`,
      execute(`runbook-${action}`),
      async (req, res, call) => {
        const runId = plausibleId(req.params.runId);
        res.json(
          await call.audited({ runId }, () =>
            engine[action](runId, { actor: actorOf(call.caller) }),
          ),
        );
      },
    );
  }
}

import {
  beskar7RunbookDestructivePermission,
  RunbookRun,
  RunbookStepInput,
} from '@beskar7/backstage-plugin-beskar7-common';
import { RunbookEngine } from '../runbooks';
import { actorOf, Authorizer, Call } from './Authorizer';

/**
 * The runbook engine as a caller moves a run: a destructive step needs its
 * own permission on top of the route's, decided by the run's next step.
 */
export class AuthorizedRunbooks {
  constructor(
    private readonly engine: RunbookEngine,
    private readonly authorizer: Authorizer,
  ) {}

  async step(
    action: 'next' | 'resume',
    call: Call,
    runId: string,
    input: RunbookStepInput,
  ): Promise<RunbookRun> {
    const step = this.engine.pendingStep(await this.engine.getRun(runId));
    const allowDestructive = Boolean(step?.destructive);
    if (allowDestructive) {
      await this.authorizer.authorize(
        call.caller,
        beskar7RunbookDestructivePermission,
      );
    }
    return this.engine[action](runId, {
      actor: actorOf(call.caller),
      allowDestructive,
      input,
    });
  }
}

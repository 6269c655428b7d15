import { DiagnosticsReport } from '@beskar7/backstage-plugin-beskar7-common';
import { FleetFacts } from './ports';
import { evaluateDiagnostics } from './report';
import { FleetSnapshot, measure } from './snapshot';
import { THRESHOLDS } from './thresholds';

/**
 * Gathers the fleet's facts through the port, all at once, and evaluates the
 * checks. A fact that cannot be read makes its check say so instead of
 * failing the whole report: diagnostics matter most when things are broken.
 */
export class DiagnosticsService {
  constructor(
    private readonly facts: FleetFacts,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async gather(): Promise<FleetSnapshot> {
    const f = this.facts;
    const now = this.clock().getTime();
    const [
      hostCounts,
      pendingMachines,
      warningEvents,
      claimConflicts,
      queue,
      bmcErrors,
      cooldownWaits,
      replicas,
      leader,
      databaseLatencyMs,
      plainHttpHosts,
    ] = await Promise.all([
      measure(() => f.hostCountsByState()),
      measure(() => f.pendingMachines()),
      measure(() =>
        f.recentWarningEvents(now - THRESHOLDS.warningEvents.windowMs),
      ),
      measure(() => f.claimConflictRate(THRESHOLDS.claimConflictRate.windowMs)),
      measure(() => f.queueStatus()),
      measure(() => f.bmcErrorRate(THRESHOLDS.bmcErrorRate.windowMs)),
      measure(() => f.cooldownWaits(THRESHOLDS.cooldownWaits.windowMs)),
      measure(() => f.replicas()),
      measure(() => f.leader()),
      measure(() => f.databaseLatencyMs()),
      measure(() => f.plainHttpHosts()),
    ]);
    return {
      coordinationMode: f.coordinationMode(),
      hostCounts,
      pendingMachines,
      warningEvents,
      claimConflicts,
      queue,
      bmcErrors,
      cooldownWaits,
      replicas,
      leader,
      databaseLatencyMs,
      plainHttpHosts,
    };
  }

  async report(): Promise<DiagnosticsReport> {
    return evaluateDiagnostics(await this.gather(), this.clock());
  }
}

import { DiagnosticsReport } from '@beskar7/backstage-plugin-beskar7-common';
import { FleetFacts } from './ports';
import { evaluateDiagnostics } from './report';
import { FleetSnapshot, measureAll } from './snapshot';
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
    return {
      coordinationMode: f.coordinationMode(),
      ...(await measureAll({
        hostCounts: () => f.hostCountsByState(),
        pendingMachines: () => f.pendingMachines(),
        warningEvents: () =>
          f.recentWarningEvents(now - THRESHOLDS.warningEvents.windowMs),
        claimConflicts: () =>
          f.claimConflictRate(THRESHOLDS.claimConflictRate.windowMs),
        queue: () => f.queueStatus(),
        bmcErrors: () => f.bmcErrorRate(THRESHOLDS.bmcErrorRate.windowMs),
        cooldownWaits: () => f.cooldownWaits(THRESHOLDS.cooldownWaits.windowMs),
        replicas: () => f.replicas(),
        leader: () => f.leader(),
        databaseLatencyMs: () => f.databaseLatencyMs(),
        plainHttpHosts: () => f.plainHttpHosts(),
      })),
    };
  }

  async report(): Promise<DiagnosticsReport> {
    return evaluateDiagnostics(await this.gather(), this.clock());
  }
}

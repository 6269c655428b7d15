import {
  CheckStatus,
  DiagnosticCheck,
  DiagnosticsReport,
} from '@beskar7/backstage-plugin-beskar7-common';
import { CHECKS } from './checks';
import { FleetSnapshot } from './snapshot';

const RANK: Record<CheckStatus, number> = { ok: 0, warning: 1, error: 2 };

/** The worst status of the checks; ok when there are none. */
export function overallStatus(checks: DiagnosticCheck[]): CheckStatus {
  return checks.reduce<CheckStatus>(
    (worst, c) => (RANK[c.status] > RANK[worst] ? c.status : worst),
    'ok',
  );
}

/** Evaluates every check on one snapshot; pure. */
export function evaluateDiagnostics(
  snapshot: FleetSnapshot,
  now: Date,
): DiagnosticsReport {
  const checks = CHECKS.map(check => check(snapshot));
  return {
    generatedAt: now.toISOString(),
    status: overallStatus(checks),
    checks,
  };
}

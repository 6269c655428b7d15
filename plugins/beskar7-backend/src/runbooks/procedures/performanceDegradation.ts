import { judgeCooldownWaits, THRESHOLDS } from '../../diagnostics';
import { LatencyFacts } from '../../diagnostics/ports';
import { AutomatedStep, RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, percent, READ_ONLY } from './helpers';

/** Claim p95 beyond this is degraded (the claim engine's target). */
export const CLAIM_P95_LIMIT_MS = 5_000;
/** A reconcile pass beyond this lags behind the events it handles. */
export const RECONCILE_P95_LIMIT_MS = 10_000;

/** Reads the p95 of claims or of reconcile passes; passes at most `limitMs`. */
function latencyStep(step: {
  id: string;
  title: string;
  description: string;
  of: 'claim' | 'reconcile';
  /** What the samples are, in the summary. */
  samples: string;
  limitMs: number;
  /** Where to look next, when slower. */
  whenSlow: string;
}): AutomatedStep {
  const p95 = (l: LatencyFacts) => l[`${step.of}P95Ms`];
  const name = step.of[0].toUpperCase() + step.of.slice(1);
  return {
    id: step.id,
    title: step.title,
    description: step.description,
    kind: 'automated',
    mutates: false,
    risk: READ_ONLY,
    run: async ({ facts }) => {
      const l = await facts.latencies();
      return {
        summary: `${name} p95 ${p95(l) ?? 'n/a'} ms over ${
          l[`${step.of}Samples`]
        } ${step.samples}`,
        data: l,
      };
    },
    verification: {
      description: `p95 at most ${step.limitMs} ms.`,
      check: (_, o) =>
        (p95(o.data as LatencyFacts) ?? 0) <= step.limitMs
          ? { passed: true, message: o.summary }
          : { passed: false, message: `${o.summary}: ${step.whenSlow}` },
    },
    rollback: NOTHING_TO_UNDO,
  };
}

export const performanceDegradation: RunbookDefinition = {
  id: 'performance-degradation',
  title: 'Performance degradation',
  severity: 'warning',
  operatorGuide: {
    title: 'Performance: when it gets slow',
    path: 'docs/performance.md#degradation',
  },
  symptoms: [
    `Claim p95 above ${CLAIM_P95_LIMIT_MS / 1000} s`,
    'Host lists and the portal pages are slow; reconcilers lag behind',
    `Diagnostics: database latency above ${THRESHOLDS.databaseLatency.warningAboveMs} ms`,
  ],
  parameters: [],
  steps: [
    latencyStep({
      id: 'claim-latency',
      title: 'Claim latency',
      description: 'p95 of the claim duration histogram.',
      of: 'claim',
      samples: 'claims',
      limitMs: CLAIM_P95_LIMIT_MS,
      whenSlow:
        'check claim conflicts (claim-conflicts) and the database latency below',
    }),
    latencyStep({
      id: 'reconcile-latency',
      title: 'Reconcile latency',
      description: 'p95 of a host and machine reconcile pass.',
      of: 'reconcile',
      samples: 'passes',
      limitMs: RECONCILE_P95_LIMIT_MS,
      whenSlow: 'a pass reads every host; look at the database next',
    }),
    {
      id: 'database-latency',
      title: 'Database latency',
      description: 'Round trip of a trivial query from this replica.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts }) => {
        const ms = await facts.databaseLatencyMs();
        return { summary: `${ms.toFixed(1)} ms`, data: { ms } };
      },
      verification: {
        description: `At most ${THRESHOLDS.databaseLatency.warningAboveMs} ms.`,
        check: (_, o) =>
          (o.data as { ms: number }).ms <=
          THRESHOLDS.databaseLatency.warningAboveMs
            ? { passed: true, message: o.summary }
            : {
                passed: false,
                message: `${o.summary}: check the database host (CPU, IO wait, connections near max_connections, long-running transactions in pg_stat_activity, autovacuum)`,
              },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'bmc-pace',
      title: 'BMC errors and cooldown waits',
      description:
        'Slow provisioning with fast claims means the BMC side sets the pace.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts }) => {
        const [errors, waits] = await Promise.all([
          facts.bmcErrorRate(THRESHOLDS.bmcErrorRate.windowMs),
          facts.cooldownWaits(THRESHOLDS.cooldownWaits.windowMs),
        ]);
        const errorRate = errors.total ? errors.hits / errors.total : 0;
        const cooldown = judgeCooldownWaits(waits);
        const waitsPerSecond = cooldown.perSecond;
        return {
          summary: `BMC errors ${percent(
            errorRate,
          )}, cooldown waits ${waitsPerSecond.toFixed(2)}/s (${
            waits.events
          } in ${Math.round(waits.seconds)} s)`,
          data: { errorRate, waitsPerSecond, cooldownOver: cooldown.over },
        };
      },
      verification: {
        description: `BMC errors at most ${percent(
          THRESHOLDS.bmcErrorRate.warningAbove,
        )} and cooldown waits at most ${
          THRESHOLDS.cooldownWaits.warningAbovePerSecond
        }/s (judged from ${THRESHOLDS.cooldownWaits.minSamples} waits).`,
        check: (_, o) => {
          const { errorRate, cooldownOver } = o.data as {
            errorRate: number;
            cooldownOver: boolean;
          };
          if (errorRate > THRESHOLDS.bmcErrorRate.warningAbove)
            return {
              passed: false,
              message: `${o.summary}: run bmc-connectivity`,
            };
          if (cooldownOver)
            return {
              passed: false,
              message: `${o.summary}: run queue-backlog`,
            };
          return { passed: true, message: o.summary };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
  ],
};

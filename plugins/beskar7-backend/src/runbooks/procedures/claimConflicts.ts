import { CLAIM_COORDINATION_MODES } from '@beskar7/backstage-plugin-beskar7-common';
import { THRESHOLDS } from '../../diagnostics';
import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, percent, READ_ONLY } from './helpers';

const LIMIT = THRESHOLDS.claimConflictRate;

export const claimConflicts: RunbookDefinition = {
  id: 'claim-conflicts',
  title: 'Host claim conflicts',
  severity: 'warning',
  operatorGuide: {
    title: 'Scaling: coordination modes',
    path: 'docs/scaling.md#coordination-modes',
  },
  symptoms: [
    `Diagnostics: claim conflict rate above ${percent(LIMIT.warningAbove)}`,
    'Machines stay Pending although Available hosts exist; claim latency rises with the number of replicas',
    'Logs show claims retried or given up with attempts_exhausted',
  ],
  parameters: [
    {
      name: 'targetMode',
      title: 'Coordination mode to switch to',
      description:
        'locking serialises claims per pool in the database; leader makes one replica assign every host (best from 4 replicas up, or with bursts of requests for few hosts).',
      type: 'string',
      required: false,
      enum: [...CLAIM_COORDINATION_MODES],
      default: 'leader',
    },
  ],
  steps: [
    {
      id: 'measure-conflicts',
      title: 'Measure the conflict rate',
      description: `Count claim attempts lost to another replica over the last ${
        LIMIT.windowMs / 60_000
      } minutes.`,
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts }) => {
        const s = await facts.claimConflictRate(LIMIT.windowMs);
        const rate = s.total ? s.hits / s.total : 0;
        return {
          summary: `${s.hits} of ${s.total} attempts conflicted (${percent(
            rate,
          )}) in ${facts.coordinationMode()} mode`,
          data: { ...s, rate },
        };
      },
      verification: {
        description: `Pass when the rate is above ${percent(
          LIMIT.warningAbove,
        )} on at least ${
          LIMIT.minSamples
        } attempts (the problem is confirmed); fail means the conflicts are not the cause.`,
        check: (_, outcome) => {
          const s = outcome.data as {
            total: number;
            hits: number;
            rate: number;
          };
          if (s.total < LIMIT.minSamples) {
            return {
              passed: false,
              message: `Only ${s.total} attempts: too few to blame conflicts; run the quick health check`,
            };
          }
          return s.rate > LIMIT.warningAbove
            ? {
                passed: true,
                message: `Confirmed: ${percent(s.rate)} of attempts conflict`,
              }
            : {
                passed: false,
                message: `${percent(
                  s.rate,
                )} is within the limit: conflicts are not the problem`,
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'pool-adequacy',
      title: 'Check pool adequacy: Available against Pending',
      description:
        'Conflicts multiply when many machines compete for few hosts. Compare the Available hosts of each pool with the machines pending for it.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ actions }) => {
        const [pools, pending] = await Promise.all([
          actions.poolSummaries(),
          actions.pendingMachines(),
        ]);
        const wanted = new Map<string, number>();
        for (const m of pending) {
          const pool = m.requirements.pool ?? '(any)';
          wanted.set(pool, (wanted.get(pool) ?? 0) + 1);
        }
        const short = [...wanted]
          .map(([pool, count]) => {
            const available =
              pool === '(any)'
                ? pools.reduce((n, p) => n + p.byState.Available, 0)
                : pools.find(p => p.pool === pool)?.byState.Available ?? 0;
            return { pool, pending: count, available };
          })
          .filter(p => p.available < p.pending);
        return {
          summary: short.length
            ? `Short: ${short
                .map(
                  p =>
                    `${p.pool} ${p.pending} pending / ${p.available} available`,
                )
                .join('; ')}`
            : `${pending.length} pending, every pool has enough Available hosts`,
          data: { short },
        };
      },
      verification: {
        description:
          'Every pool with pending machines has at least as many Available hosts.',
        check: (_, outcome) => {
          const { short } = outcome.data as { short: unknown[] };
          return short.length
            ? {
                passed: false,
                message: `${outcome.summary}: this is a capacity problem; run capacity-planning before changing the mode`,
              }
            : {
                passed: true,
                message:
                  'Pools are adequate: the contention is between replicas',
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'switch-mode',
      title: 'Switch the coordination mode',
      description:
        'Set beskar7.claims.mode and roll the backend out. Every replica must run the same mode: a mixed rollout is itself a split brain risk.',
      kind: 'manual',
      instruction:
        'Set `beskar7.claims.mode: {targetMode}` in the app-config of every replica and roll the deployment (`kubectl -n beskar7 rollout restart deployment/beskar7-backstage`, then `kubectl -n beskar7 rollout status deployment/beskar7-backstage`).',
      mutates: true,
      risk: {
        level: 'medium',
        description:
          'Claims pause for a few seconds per restarted replica; in leader mode nothing is claimed until the first lease is taken (up to the lease duration).',
      },
      verification: {
        description: 'Every live replica reports the target mode.',
        check: async ({ facts, parameters }) => {
          const replicas = await facts.replicas();
          const wrong = replicas.filter(
            r => r.coordinationMode !== parameters.targetMode,
          );
          return wrong.length === 0 && replicas.length > 0
            ? {
                passed: true,
                message: `${replicas.length} replica(s) in ${parameters.targetMode} mode`,
              }
            : {
                passed: false,
                message: `Not switched yet: ${
                  wrong
                    .map(r => `${r.id} (${r.coordinationMode})`)
                    .join(', ') || 'no replica seen'
                }`,
              };
        },
      },
      rollback: {
        description:
          'Set the previous mode back in app-config and roll the deployment again.',
      },
    },
    {
      id: 'spread-with-tags',
      title: 'Spread requests with host tags',
      description:
        'When many requests ask for the same kind of host, tag hosts by rack or team and have requests name the tag, so that concurrent claims look at disjoint candidates.',
      kind: 'manual',
      instruction:
        'Tag Available hosts by failure domain or team (PATCH /api/beskar7/hosts/:id with tags), and give the heaviest requesters matching `requirements.tags`.',
      mutates: true,
      risk: {
        level: 'low',
        description:
          'Requests naming a tag can only use hosts carrying it: too narrow a tag leaves machines Pending.',
      },
      verification: {
        description: `The conflict rate falls to ${percent(
          LIMIT.warningAbove,
        )} or below.`,
        check: async ({ facts }) => {
          const s = await facts.claimConflictRate(LIMIT.windowMs);
          // Judged like the diagnostics: a handful of claims says nothing about the rate.
          if (s.total < LIMIT.minSamples) {
            return {
              passed: true,
              message: `Only ${s.total} attempts in the window: too few to judge, nothing points at conflicts`,
            };
          }
          const rate = s.hits / s.total;
          return rate <= LIMIT.warningAbove
            ? { passed: true, message: `Conflict rate now ${percent(rate)}` }
            : {
                passed: false,
                message: `Still ${percent(rate)}: wait one window (${
                  LIMIT.windowMs / 60_000
                } min) and retry, or switch to leader mode`,
              };
        },
      },
      rollback: {
        description: 'Remove the tags from the hosts and the requests.',
      },
    },
  ],
};

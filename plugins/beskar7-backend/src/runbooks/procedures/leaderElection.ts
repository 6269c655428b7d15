import { LeaderInfo } from '../../diagnostics';
import { RunbookDefinition } from '../types';
import { NOTHING_TO_UNDO, READ_ONLY } from './helpers';

export const leaderElectionInstability: RunbookDefinition = {
  id: 'leader-election-instability',
  title: 'Leader election instability',
  severity: 'warning',
  operatorGuide: {
    title: 'Scaling: leader election',
    path: 'docs/scaling.md#leader-election',
  },
  symptoms: [
    'Diagnostics: no live coordinator lease, or the holder is not a live replica (leader mode)',
    'Claims stall for seconds at a time; logs show "lost leadership" / "acquired leadership" repeatedly',
    'Backend pods restarted, CPU-throttled, or the database slow',
  ],
  parameters: [
    {
      name: 'observeSeconds',
      title: 'Observation time',
      description: 'How long to watch the lease for changes of holder.',
      type: 'number',
      required: false,
      default: 60,
    },
  ],
  steps: [
    {
      id: 'lease-holder',
      title: 'Read the lease holder',
      description:
        'The coordinator lease in the database and the replicas that are alive.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts }) => {
        const [leader, replicas] = await Promise.all([
          facts.leader(),
          facts.replicas(),
        ]);
        return {
          summary: `Holder ${leader?.holderId ?? 'none'} (${
            leader?.live ? 'live' : 'lapsed'
          }), token ${leader?.fencingToken ?? 0}; replicas ${replicas
            .map(r => r.id)
            .join(', ')}`,
          data: { leader, replicaIds: replicas.map(r => r.id) },
        };
      },
      verification: {
        description: 'One live holder, and it is a live replica.',
        check: (_, outcome) => {
          const { leader, replicaIds } = outcome.data as {
            leader?: LeaderInfo;
            replicaIds: string[];
          };
          if (!leader?.live || !leader.holderId)
            return {
              passed: false,
              message:
                'No live holder: check that the replicas reach the database and are not crash-looping',
            };
          return replicaIds.includes(leader.holderId)
            ? { passed: true, message: `${leader.holderId} leads` }
            : {
                passed: false,
                message: `${leader.holderId} holds the lease but is not a live replica: it will lapse within one lease duration`,
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'count-transitions',
      title: 'Count leadership transitions',
      description:
        'Every acquisition bumps the fencing token: compare it across the observation time.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts, parameters, sleep }) => {
        const before = (await facts.leader())?.fencingToken ?? 0;
        await sleep(Number(parameters.observeSeconds) * 1000);
        const after = (await facts.leader())?.fencingToken ?? 0;
        return {
          summary: `${after - before} transition(s) in ${
            parameters.observeSeconds
          } s`,
          data: { transitions: after - before },
        };
      },
      verification: {
        description: 'No transition during the observation.',
        check: (_, outcome) => {
          const { transitions } = outcome.data as { transitions: number };
          return transitions === 0
            ? { passed: true, message: 'Leadership is stable' }
            : {
                passed: false,
                message: `${transitions} transition(s): the leader cannot renew in time; check the lease settings (next step)`,
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      id: 'lease-settings',
      title: 'Check the lease settings and the renewal path',
      description:
        'A leader renews every retryPeriod and gives up after renewDeadline; the lease lapses after leaseDuration. Renewals miss when the pod is CPU-throttled, the database is slow, or the settings leave no slack.',
      kind: 'manual',
      instruction:
        'Check the pods for CPU throttling and restarts (`kubectl top pod`, `kubectl describe pod`), the database latency in diagnostics, and the clock sync of the nodes. If renewals are slow, raise beskar7.claims.leaderElection.leaseDuration (15s -> 30s) and renewDeadline (10s -> 20s) together.',
      mutates: true,
      risk: {
        level: 'low',
        description:
          'A longer lease means a longer pause in claims when a leader dies (up to leaseDuration).',
      },
      verification: {
        description:
          'leaseDuration ≥ 1.5 × renewDeadline and renewDeadline ≥ 2 × retryPeriod, so a leader gets at least two tries and gives up before its lease lapses.',
        check: async ({ actions }) => {
          const { leaderElection: t, mode } = await actions.coordination();
          if (mode !== 'leader' || !t)
            return { passed: true, message: `Not in leader mode (${mode})` };
          const ok =
            t.leaseDurationMs >= 1.5 * t.renewDeadlineMs &&
            t.renewDeadlineMs >= 2 * t.retryPeriodMs;
          const line = `lease ${t.leaseDurationMs} ms, renew deadline ${t.renewDeadlineMs} ms, retry ${t.retryPeriodMs} ms`;
          return ok
            ? { passed: true, message: line }
            : { passed: false, message: `Too tight: ${line}` };
        },
      },
      rollback: {
        description:
          'Set the previous lease settings back and roll the deployment.',
      },
    },
  ],
};

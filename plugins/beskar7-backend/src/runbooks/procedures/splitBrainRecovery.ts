import { RunbookDefinition } from '../types';
import {
  NOTHING_TO_UNDO,
  pauseQueueStep,
  READ_ONLY,
  resumeQueueStep,
} from './helpers';

export const splitBrainRecovery: RunbookDefinition = {
  id: 'split-brain-recovery',
  title: 'Split-brain recovery',
  severity: 'critical',
  operatorGuide: {
    title: 'Scaling: split brain',
    path: 'docs/scaling.md#split-brain',
  },
  symptoms: [
    'Diagnostics: more than one replica acts as leader',
    'A host shows up under two machines, or a machine flips between hosts',
    'After a network partition or a database failover',
  ],
  parameters: [
    {
      name: 'replicas',
      title: 'Replica count to restore',
      description: 'How many backend replicas to scale back to at the end.',
      type: 'number',
      required: true,
    },
  ],
  steps: [
    {
      id: 'confirm',
      title: 'Confirm the split brain',
      description:
        'List the replicas that act as leader and scan the claims for hosts held twice.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts, actions }) => {
        const [replicas, invariants] = await Promise.all([
          facts.replicas(),
          actions.claimInvariants(),
        ]);
        const leaders = replicas.filter(r => r.believesLeader).map(r => r.id);
        return {
          summary: `${leaders.length} acting leader(s): ${
            leaders.join(', ') || 'none'
          }; ${invariants.inconsistentHosts.length} inconsistent host(s), ${
            invariants.machinesSharingHosts.length
          } machine(s) sharing hosts`,
          data: { leaders, ...invariants },
        };
      },
      verification: {
        description:
          'Pass when the split brain is confirmed (more than one leader or broken claims); fail means this is not a split brain.',
        check: (_, o) => {
          const d = o.data as {
            leaders: string[];
            inconsistentHosts: string[];
            machinesSharingHosts: string[];
          };
          return d.leaders.length > 1 ||
            d.inconsistentHosts.length ||
            d.machinesSharingHosts.length
            ? { passed: true, message: o.summary }
            : {
                passed: false,
                message: `${o.summary}: not a split brain; run leader-election-instability instead`,
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    {
      ...pauseQueueStep,
      description:
        'Stop coordination work: no replica starts a provisioning job while the claims are untangled.',
    },
    {
      id: 'single-replica',
      title: 'Scale to a single replica',
      description: 'With one replica there is one coordinator by construction.',
      kind: 'manual',
      instruction:
        'kubectl -n beskar7 scale deployment/beskar7-backstage --replicas=1 and wait until the other pods are gone (kubectl -n beskar7 get pods -w).',
      mutates: true,
      risk: {
        level: 'medium',
        description:
          'The portal and the API run on one pod: a crash now is an outage until it restarts.',
      },
      verification: {
        description: 'Exactly one live replica.',
        check: async ({ facts }) => {
          const replicas = await facts.replicas();
          return replicas.length === 1
            ? { passed: true, message: `Only ${replicas[0].id} is live` }
            : {
                passed: false,
                message: `${replicas.length} live replicas: wait for the old pods to stop (their heartbeat must lapse)`,
              };
        },
      },
      rollback: { description: 'Scale back to the previous replica count.' },
    },
    {
      id: 'clear-leases',
      title: 'Clear the coordination leases',
      description:
        'Free every coordination lease so the remaining replica takes a fresh one with a new fencing token; writes fenced with an old token are refused.',
      kind: 'automated',
      mutates: true,
      destructive: true,
      risk: {
        level: 'high',
        description:
          'Any replica still running with an old lease loses it mid-work; claims pause until the lease is taken again.',
      },
      run: async ({ actions }) => {
        const { cleared } = await actions.clearCoordinationLeases();
        return {
          summary: `Cleared ${cleared.length} lease(s): ${
            cleared.join(', ') || 'none'
          }`,
          data: { cleared },
        };
      },
      verification: {
        description: 'No lease is held by a replica other than the live one.',
        check: async ({ facts }) => {
          const [leader, replicas] = await Promise.all([
            facts.leader(),
            facts.replicas(),
          ]);
          return !leader?.live || replicas.some(r => r.id === leader.holderId)
            ? {
                passed: true,
                message: `Lease ${
                  leader?.live ? `held by ${leader.holderId}` : 'free'
                }`,
              }
            : { passed: false, message: `Still held by ${leader.holderId}` };
        },
      },
      rollback: {
        description:
          'Nothing to restore: leases are taken again by the coordinator by itself.',
      },
    },
    {
      id: 'verify-single-coordinator',
      title: 'Verify a single coordinator and consistent claims',
      description:
        'One leader at most, and every host held by at most one machine.',
      kind: 'automated',
      mutates: false,
      risk: READ_ONLY,
      run: async ({ facts, actions }) => {
        const [replicas, invariants] = await Promise.all([
          facts.replicas(),
          actions.claimInvariants(),
        ]);
        const leaders = replicas.filter(r => r.believesLeader).length;
        return {
          summary: `${leaders} leader(s); ${invariants.inconsistentHosts.length} inconsistent host(s)`,
          data: { leaders, ...invariants },
        };
      },
      verification: {
        description: 'At most one leader and no broken claim.',
        check: (_, o) => {
          const d = o.data as {
            leaders: number;
            inconsistentHosts: string[];
            machinesSharingHosts: string[];
          };
          return d.leaders <= 1 &&
            !d.inconsistentHosts.length &&
            !d.machinesSharingHosts.length
            ? { passed: true, message: o.summary }
            : {
                passed: false,
                message: `${o.summary}: release the machines on those hosts and recover the hosts (host-state-recovery) before going on`,
              };
        },
      },
      rollback: NOTHING_TO_UNDO,
    },
    resumeQueueStep,
    {
      id: 'scale-back',
      title: 'Scale back',
      description:
        'Restore the replica count and watch that one leader is kept.',
      kind: 'manual',
      instruction:
        'kubectl -n beskar7 scale deployment/beskar7-backstage --replicas={replicas}; kubectl -n beskar7 rollout status deployment/beskar7-backstage.',
      mutates: true,
      risk: {
        level: 'low',
        description:
          'New replicas join the election; if the split brain came from a partition that is still there, it comes back.',
      },
      verification: {
        description:
          'The requested number of replicas is live and exactly one believes it leads (in leader mode).',
        check: async ({ facts, parameters }) => {
          const replicas = await facts.replicas();
          const leaders = replicas.filter(r => r.believesLeader).length;
          const leaderOk =
            facts.coordinationMode() !== 'leader' || leaders === 1;
          return replicas.length === Number(parameters.replicas) &&
            leaderOk &&
            leaders <= 1
            ? {
                passed: true,
                message: `${replicas.length} replicas, ${leaders} leader`,
              }
            : {
                passed: false,
                message: `${replicas.length} replicas, ${leaders} leader(s)`,
              };
        },
      },
      rollback: {
        description:
          'Scale to one replica again and escalate (incident-response).',
      },
    },
  ],
};

import {
  HOST_STATES,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  checkTransition,
  HOST_TRANSITIONS,
  TransitionContext,
} from './transitions';

const allowed: Array<[HostState, HostState, TransitionContext]> = [
  ['Enrolling', 'Available', { reason: 'Inspected', inventoryRead: true }],
  ['Available', 'Claimed', { reason: 'Claimed', consumerId: 'm1' }],
  ['Claimed', 'Provisioning', { reason: 'Started', consumerId: 'm1' }],
  ['Provisioning', 'Provisioned', { reason: 'Done', consumerId: 'm1' }],
  ['Claimed', 'Deprovisioning', { reason: 'Released', consumerId: 'm1' }],
  ['Provisioning', 'Deprovisioning', { reason: 'Released', consumerId: 'm1' }],
  ['Provisioned', 'Deprovisioning', { reason: 'Released', consumerId: 'm1' }],
  ['Error', 'Deprovisioning', { reason: 'Released', consumerId: 'm1' }],
  [
    'Deprovisioning',
    'Available',
    { reason: 'Deprovisioned', consumerId: 'm1' },
  ],
  ['Enrolling', 'Error', { reason: 'InspectFailed' }],
  ['Available', 'Error', { reason: 'BmcUnreachable' }],
  ['Claimed', 'Error', { reason: 'ProvisionFailed', consumerId: 'm1' }],
  ['Provisioning', 'Error', { reason: 'StuckInState', consumerId: 'm1' }],
  ['Provisioned', 'Error', { reason: 'BmcUnreachable', consumerId: 'm1' }],
  ['Deprovisioning', 'Error', { reason: 'DeprovisionFailed' }],
  ['Error', 'Enrolling', { reason: 'Recovery', recovery: true }],
];

describe('host transition table', () => {
  it.each(allowed)('allows %s -> %s', (from, to, context) => {
    expect(checkTransition(from, to, context)).toMatchObject({ allowed: true });
  });

  it('has exactly these transitions', () => {
    expect(HOST_TRANSITIONS.map(t => `${t.from}->${t.to}`).sort()).toEqual(
      allowed.map(([from, to]) => `${from}->${to}`).sort(),
    );
  });

  const listed = new Set(allowed.map(([from, to]) => `${from}->${to}`));
  const others = HOST_STATES.flatMap(from =>
    HOST_STATES.filter(to => !listed.has(`${from}->${to}`)).map(
      to => [from, to] as const,
    ),
  );
  it.each(others)('rejects %s -> %s', (from, to) => {
    expect(
      checkTransition(from, to, {
        reason: 'Any',
        consumerId: 'm1',
        inventoryRead: true,
        recovery: true,
      }),
    ).toEqual({
      allowed: false,
      reason: `${from} -> ${to} is not a transition`,
    });
  });

  it.each([
    ['Enrolling', 'Available', { reason: 'x' }, 'the inventory was not read'],
    [
      'Enrolling',
      'Available',
      { reason: 'x', inventoryRead: true, consumerId: 'm1' },
      'the host is held by machine m1',
    ],
    ['Available', 'Claimed', { reason: 'x' }, 'the host has no consumer'],
    ['Claimed', 'Provisioning', { reason: 'x' }, 'the host has no consumer'],
    [
      'Provisioning',
      'Provisioned',
      { reason: 'x' },
      'the host has no consumer',
    ],
    [
      'Provisioned',
      'Deprovisioning',
      { reason: 'x' },
      'the host has no consumer',
    ],
    ['Provisioning', 'Error', { reason: '  ' }, 'a reason is required'],
    [
      'Error',
      'Enrolling',
      { reason: 'x' },
      'only a recovery request may do this',
    ],
  ] as Array<[HostState, HostState, TransitionContext, string]>)(
    'guards %s -> %s',
    (from, to, context, refusal) => {
      expect(checkTransition(from, to, context)).toEqual({
        allowed: false,
        reason: `${from} -> ${to} refused: ${refusal}`,
      });
    },
  );
});

import { HostState } from '@beskar7/backstage-plugin-beskar7-common';

/** What a transition's guard may look at: the host as stored, and the request. */
export interface TransitionContext {
  /** The host's consumer (machine id), as stored. */
  consumerId?: string;
  /** Why the change happens; Error requires a readable one. */
  reason: string;
  /** Set when the BMC's inventory was read (Enrolling -> Available). */
  inventoryRead?: boolean;
  /** Set by an operator's recovery request (out of Error). */
  recovery?: boolean;
}

export interface Transition {
  from: HostState;
  to: HostState;
  /** What the transition means; shown in documentation and errors. */
  description: string;
  /** Undefined when allowed, otherwise why not. */
  guard(context: TransitionContext): string | undefined;
  /** The host's consumer is cleared by this transition. */
  clearsConsumer?: boolean;
}

const requireConsumer = (c: TransitionContext) =>
  c.consumerId ? undefined : 'the host has no consumer';
const requireNoConsumer = (c: TransitionContext) =>
  c.consumerId ? `the host is held by machine ${c.consumerId}` : undefined;
const always = () => undefined;

/** States in which BMC work is under way; a host left in one too long goes to Error. */
export const TRANSIENT_STATES: HostState[] = [
  'Enrolling',
  'Provisioning',
  'Deprovisioning',
];

/**
 * The host state machine: every allowed change, and its guard. Nothing
 * else may change a host's state (see applyHostTransition).
 */
const RELEASE_FROM = {
  Claimed: 'released by its machine',
  Provisioning:
    'released mid-provisioning; the running job ends, then cleanup runs',
  Provisioned: 'released by its machine',
  Error:
    'released by its machine, or recovered: the cleanup runs before it is Available again',
};

export const HOST_TRANSITIONS: Transition[] = [
  {
    from: 'Enrolling',
    to: 'Available',
    description: 'inventory read from the BMC',
    guard: c =>
      c.inventoryRead ? requireNoConsumer(c) : 'the inventory was not read',
  },
  {
    from: 'Available',
    to: 'Claimed',
    description: 'claimed by a machine',
    guard: requireConsumer,
  },
  {
    from: 'Claimed',
    to: 'Provisioning',
    description: 'a worker started provisioning',
    guard: requireConsumer,
  },
  {
    from: 'Provisioning',
    to: 'Provisioned',
    description: 'the OS image booted as requested',
    guard: requireConsumer,
  },
  ...(['Claimed', 'Provisioning', 'Provisioned', 'Error'] as const).map(
    (from): Transition => ({
      from,
      to: 'Deprovisioning',
      description: RELEASE_FROM[from],
      // A recovered deprovisioning runs again even if its machine is gone.
      guard: c =>
        from === 'Error' && c.recovery ? undefined : requireConsumer(c),
    }),
  ),
  {
    from: 'Deprovisioning',
    to: 'Available',
    description: 'media ejected and powered off; free for the next claim',
    guard: always,
    clearsConsumer: true,
  },
  ...(
    [
      'Enrolling',
      'Available',
      'Claimed',
      'Provisioning',
      'Provisioned',
      'Deprovisioning',
    ] as const
  ).map(
    (from): Transition => ({
      from,
      to: 'Error',
      description: 'an operation failed for good, or the host was stuck',
      guard: c => (c.reason.trim() ? undefined : 'a reason is required'),
    }),
  ),
  {
    from: 'Error',
    to: 'Enrolling',
    description:
      'recovery of a host that failed its inspection: it is read again from its BMC; a machine that held it lets go',
    guard: c =>
      c.recovery ? undefined : 'only a recovery request may do this',
    clearsConsumer: true,
  },
];

export function findTransition(
  from: HostState,
  to: HostState,
): Transition | undefined {
  return HOST_TRANSITIONS.find(t => t.from === from && t.to === to);
}

export type TransitionCheck =
  | { allowed: true; transition: Transition }
  | { allowed: false; reason: string };

/** Whether `from -> to` is in the table and its guard lets this change through. Pure. */
export function checkTransition(
  from: HostState,
  to: HostState,
  context: TransitionContext,
): TransitionCheck {
  const transition = findTransition(from, to);
  if (!transition) {
    return { allowed: false, reason: `${from} -> ${to} is not a transition` };
  }
  const refusal = transition.guard(context);
  if (refusal) {
    return { allowed: false, reason: `${from} -> ${to} refused: ${refusal}` };
  }
  return { allowed: true, transition };
}

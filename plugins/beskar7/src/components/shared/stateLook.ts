import {
  HostState,
  MachinePhase,
} from '@beskar7/backstage-plugin-beskar7-common';

/** The colour families chips and the state bar use; each is a class in StateChip.module.css. */
export type Tone =
  | 'neutral'
  | 'info'
  | 'claimed'
  | 'working'
  | 'success'
  | 'settled'
  | 'warning'
  | 'danger';

export type Glyph =
  | 'enrolling'
  | 'available'
  | 'claimed'
  | 'working'
  | 'provisioned'
  | 'releasing'
  | 'error'
  | 'pending'
  | 'released'
  | 'passed'
  | 'warning'
  | 'failed'
  | 'skipped'
  | 'info'
  | 'power';

export interface Look {
  tone: Tone;
  glyph: Glyph;
}

/**
 * Every host state with a colour and an icon of its own: free (green) and
 * in use (indigo) must not look alike, nor work in flight (cyan) and
 * hosts being wiped (orange).
 */
export const HOST_STATE_LOOK: Record<HostState, Look> = {
  Enrolling: { tone: 'info', glyph: 'enrolling' },
  Available: { tone: 'success', glyph: 'available' },
  Claimed: { tone: 'claimed', glyph: 'claimed' },
  Provisioning: { tone: 'working', glyph: 'working' },
  Provisioned: { tone: 'settled', glyph: 'provisioned' },
  Deprovisioning: { tone: 'warning', glyph: 'releasing' },
  Error: { tone: 'danger', glyph: 'error' },
};

/** A machine's phase looks like the host state it corresponds to. */
export const MACHINE_PHASE_LOOK: Record<MachinePhase, Look> = {
  Pending: { tone: 'neutral', glyph: 'pending' },
  Claimed: HOST_STATE_LOOK.Claimed,
  Provisioning: HOST_STATE_LOOK.Provisioning,
  Provisioned: HOST_STATE_LOOK.Provisioned,
  Releasing: HOST_STATE_LOOK.Deprovisioning,
  Released: { tone: 'neutral', glyph: 'released' },
  Failed: HOST_STATE_LOOK.Error,
};

/** Health checks, runbook runs and steps, runbook severities. */
const STATUS_LOOK: Record<string, Look> = {
  ok: { tone: 'success', glyph: 'passed' },
  passed: { tone: 'success', glyph: 'passed' },
  completed: { tone: 'success', glyph: 'passed' },
  warning: { tone: 'warning', glyph: 'warning' },
  degraded: { tone: 'warning', glyph: 'warning' },
  'step-failed': { tone: 'warning', glyph: 'warning' },
  acknowledged: { tone: 'warning', glyph: 'warning' },
  interrupted: { tone: 'warning', glyph: 'warning' },
  error: { tone: 'danger', glyph: 'failed' },
  failed: { tone: 'danger', glyph: 'failed' },
  'rollback-failed': { tone: 'danger', glyph: 'failed' },
  critical: { tone: 'danger', glyph: 'failed' },
  destructive: { tone: 'danger', glyph: 'warning' },
  'in-progress': { tone: 'info', glyph: 'working' },
  running: { tone: 'info', glyph: 'working' },
  info: { tone: 'info', glyph: 'info' },
  Running: { tone: 'success', glyph: 'working' },
  Paused: { tone: 'warning', glyph: 'pending' },
  Draining: { tone: 'warning', glyph: 'releasing' },
  skipped: { tone: 'neutral', glyph: 'skipped' },
  next: { tone: 'info', glyph: 'pending' },
  On: { tone: 'success', glyph: 'power' },
  Off: { tone: 'neutral', glyph: 'power' },
  PoweringOn: { tone: 'working', glyph: 'working' },
  PoweringOff: { tone: 'working', glyph: 'working' },
  Unknown: { tone: 'neutral', glyph: 'pending' },
  'not run': { tone: 'neutral', glyph: 'pending' },
  aborted: { tone: 'neutral', glyph: 'skipped' },
  'rolled-back': { tone: 'neutral', glyph: 'released' },
};

const UNKNOWN: Look = { tone: 'neutral', glyph: 'pending' };

/** The look of any state, phase or status value the API returns. */
export function lookOf(value: string): Look {
  return (
    (HOST_STATE_LOOK as Record<string, Look>)[value] ??
    (MACHINE_PHASE_LOOK as Record<string, Look>)[value] ??
    STATUS_LOOK[value] ??
    UNKNOWN
  );
}

import {
  HOST_STATES,
  HostState,
} from '@beskar7/backstage-plugin-beskar7-common';
import { DiagnosticsService } from './DiagnosticsService';
import { FleetFacts } from './ports';
import { THRESHOLDS } from './thresholds';

function facts(overrides: Partial<FleetFacts> = {}) {
  const calls: Array<[string, number]> = [];
  const zero = Object.fromEntries(HOST_STATES.map(s => [s, 0])) as Record<
    HostState,
    number
  >;
  const base: FleetFacts = {
    hostCountsByState: async () => ({ ...zero, Available: 20, Error: 1 }),
    pendingMachines: async () => 0,
    recentWarningEvents: async since => {
      calls.push(['events', since]);
      return [];
    },
    claimConflictRate: async windowMs => {
      calls.push(['conflicts', windowMs]);
      return { total: 0, hits: 0 };
    },
    queueStatus: async () => ({
      length: 0,
      maxQueueSize: 100,
      processing: 0,
      maxConcurrentOps: 5,
      workerCount: 5,
      paused: false,
      draining: false,
      cooldowns: [],
    }),
    bmcErrorRate: async () => ({ total: 0, hits: 0 }),
    cooldownWaits: async () => ({ events: 0, seconds: 300 }),
    replicas: async () => [
      {
        id: 'r1',
        coordinationMode: 'optimistic',
        believesLeader: false,
        lastSeenAt: '2026-01-01T00:00:00Z',
      },
    ],
    leader: async () => undefined,
    coordinationMode: () => 'optimistic',
    databaseLatencyMs: async () => 2,
    latencies: async () => ({ claimSamples: 0, reconcileSamples: 0 }),
    plainHttpHosts: async () => [],
    ...overrides,
  };
  return { facts: base, calls };
}

describe('DiagnosticsService', () => {
  it('reads the facts over the table’s windows and evaluates them', async () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const { facts: f, calls } = facts();
    const report = await new DiagnosticsService(f, () => now).report();
    expect(report.generatedAt).toBe(now.toISOString());
    expect(report.status).toBe('warning');
    expect(report.checks.find(c => c.status !== 'ok')).toMatchObject({
      id: 'hosts-in-error',
      value: 1,
      runbookId: 'host-state-recovery',
    });
    expect(calls).toEqual(
      expect.arrayContaining([
        ['events', now.getTime() - THRESHOLDS.warningEvents.windowMs],
        ['conflicts', THRESHOLDS.claimConflictRate.windowMs],
      ]),
    );
  });

  it('still reports when facts cannot be read', async () => {
    const { facts: f } = facts({
      databaseLatencyMs: async () => {
        throw new Error('Connection terminated');
      },
      hostCountsByState: async () => {
        throw new Error('Connection terminated');
      },
    });
    const report = await new DiagnosticsService(f).report();
    expect(report.status).toBe('error');
    expect(report.checks.find(c => c.id === 'database')).toMatchObject({
      status: 'error',
      message: 'Database unreachable: Connection terminated',
    });
    expect(report.checks.find(c => c.id === 'host-states')).toMatchObject({
      status: 'warning',
      value: 'unknown',
    });
  });
});

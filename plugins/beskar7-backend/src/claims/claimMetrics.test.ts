import { createBeskar7Metrics } from '../metrics';
import { ClaimMetrics } from './claimMetrics';

async function countsByLabels(
  metrics: ReturnType<typeof createBeskar7Metrics>,
) {
  const counts: Record<string, number> = {};
  for (const v of (await metrics.hostClaimDuration.get()).values) {
    if (v.metricName !== 'beskar7_host_claim_duration_seconds_count') continue;
    counts[`${v.labels.mode}/${v.labels.outcome}`] = v.value;
  }
  return counts;
}

describe('ClaimMetrics.timeClaim', () => {
  it('times each claim under its mode and outcome, and a claim that throws as an error it passes on', async () => {
    const metrics = createBeskar7Metrics();
    const claims = new ClaimMetrics(metrics, 'locking');
    const stats = { machineId: 'm-1', attempts: 1, conflicts: 0 };

    await expect(
      claims.timeClaim(async () => ({
        ...stats,
        outcome: 'claimed',
        hostId: 'h-1',
      })),
    ).resolves.toMatchObject({ outcome: 'claimed', hostId: 'h-1' });
    await claims.timeClaim(async () => ({ ...stats, outcome: 'no_hosts' }));
    await claims.timeClaim(async () => ({ ...stats, outcome: 'no_hosts' }));
    const failure = new Error('connection lost');
    await expect(
      claims.timeClaim(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(await countsByLabels(metrics)).toEqual({
      'locking/claimed': 1,
      'locking/no_hosts': 2,
      'locking/error': 1,
    });
  });
});

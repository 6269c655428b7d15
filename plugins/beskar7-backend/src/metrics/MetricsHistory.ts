import { MetricsSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { MetricsReading, summariseReadings } from './summariseReadings';

export const METRICS_SAMPLE_INTERVAL_MS = 10_000;
export const METRICS_RETENTION_MS = 30 * 60_000;

/**
 * Readings taken every `intervalMs`, the last `retentionMs` of them kept
 * (bounded: a reading is a few hundred numbers), so that charts have history
 * without a time-series database.
 */
export class MetricsHistory {
  private readonly readings: MetricsReading[] = [];
  private readonly capacity: number;
  private readonly intervalMs: number;

  constructor(
    private readonly read: () => Promise<MetricsReading>,
    options: { intervalMs?: number; retentionMs?: number } = {},
  ) {
    this.intervalMs = options.intervalMs ?? METRICS_SAMPLE_INTERVAL_MS;
    // One more than the retention holds, so a full window still has its base.
    this.capacity =
      Math.ceil(
        (options.retentionMs ?? METRICS_RETENTION_MS) / this.intervalMs,
      ) + 1;
  }

  /** Takes and keeps one reading; the scheduler calls it every interval. */
  async sample(): Promise<void> {
    this.readings.push(await this.read());
    if (this.readings.length > this.capacity) {
      this.readings.splice(0, this.readings.length - this.capacity);
    }
  }

  /** The window up to a fresh reading, which is not kept. */
  async summary(windowMs: number): Promise<MetricsSummary> {
    return summariseReadings({
      history: this.readings,
      current: await this.read(),
      windowMs,
      sampleIntervalMs: this.intervalMs,
    });
  }
}

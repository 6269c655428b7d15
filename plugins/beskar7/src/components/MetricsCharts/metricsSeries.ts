import { MetricsSummary } from '@beskar7/backstage-plugin-beskar7-common';
import { ChartSeries } from '../charts/TimeSeriesChart';

/** The chart lines a metrics summary's history holds, one function per chart. */

export function sampleTimes(summary: MetricsSummary): string[] {
  return summary.series.map(p => p.at);
}

export function conflictRateSeries(summary: MetricsSummary): ChartSeries {
  return {
    name: 'Conflict rate',
    values: summary.series.map(p =>
      p.claimAttempts > 0 ? p.claimConflicts / p.claimAttempts : undefined,
    ),
  };
}

export function claimLatencySeries(summary: MetricsSummary): ChartSeries {
  return {
    name: 'Claim p95',
    values: summary.series.map(p => p.claimP95Ms),
  };
}

/** One line per vendor seen anywhere in the history, alphabetically. */
export function bmcLatencySeries(summary: MetricsSummary): ChartSeries[] {
  const vendors = [
    ...new Set(summary.series.flatMap(p => Object.keys(p.bmcP95MsByVendor))),
  ].sort();
  return vendors.map(vendor => ({
    name: vendor,
    values: summary.series.map(p => p.bmcP95MsByVendor[vendor]),
  }));
}

export function windowText(summary: MetricsSummary): string {
  return `last ${Math.round(summary.windowMs / 60_000)} min`;
}

export function emptyText(summary: MetricsSummary): string {
  return `A sample is taken every ${
    summary.sampleIntervalMs / 1000
  } s; the chart starts with the first.`;
}

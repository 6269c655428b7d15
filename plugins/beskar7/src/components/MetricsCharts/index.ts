export { BmcLatencyCharts } from './BmcLatencyCharts';
export { ClaimCharts } from './ClaimCharts';
export { QueueCharts } from './QueueCharts';
export { MetricsUnavailable } from './MetricsUnavailable';

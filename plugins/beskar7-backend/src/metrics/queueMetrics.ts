import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the queue gauges read at scrape time (the database is the truth, not one replica's memory). */
export interface QueueGaugeSource {
  counts(): Promise<{ queued: number; running: number }>;
}

/** Metrics of the provisioning queue and the host lifecycle. */
export interface QueueMetrics {
  queueLength: Gauge;
  processingCount: Gauge;
  cooldownWaits: Counter<'bmc_address'>;
  bmcOperationDuration: Histogram<'operation' | 'vendor' | 'outcome'>;
  hostStateTransitions: Counter<'from' | 'to'>;
  queueRejections: Counter<'reason'>;
  /** A pass of both reconcilers over every machine and host that needs work. */
  reconcileDuration: Histogram;
  /** The configured limits, so that alerts can compare against them. */
  queueMaxSize: Gauge;
  maxConcurrentOps: Gauge;
  /** BMCs whose circuit breaker refuses calls now, in this replica. */
  openCircuits: Gauge;
  /** Points the gauges at a queue; until then they report their last set value. */
  bindQueue(source: QueueGaugeSource): void;
  /** Points the open-circuit gauge at this replica's breakers. */
  bindCircuits(source: () => Array<{ state: string }>): void;
}

/** Creates the queue and lifecycle metrics on `registry`. */
export function createQueueMetrics(registry: Registry): QueueMetrics {
  let source: QueueGaugeSource | undefined;
  let circuits: (() => Array<{ state: string }>) | undefined;
  // Both gauges come from one count query per scrape.
  let pending: Promise<{ queued: number; running: number }> | undefined;
  const read = () => {
    pending ??= source!.counts().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    queueMaxSize: new Gauge({
      name: 'beskar7_provisioning_queue_max_size',
      help: 'maxQueueSize: jobs beyond it are refused.',
      registers: [registry],
    }),
    maxConcurrentOps: new Gauge({
      name: 'beskar7_provisioning_max_concurrent_ops',
      help: 'maxConcurrentOps: BMC operations allowed at once across all replicas.',
      registers: [registry],
    }),
    queueLength: new Gauge({
      name: 'beskar7_provisioning_queue_length',
      help: 'Provisioning jobs waiting to run, across all replicas.',
      registers: [registry],
      async collect() {
        if (source) this.set((await read()).queued);
      },
    }),
    processingCount: new Gauge({
      name: 'beskar7_provisioning_queue_processing_count',
      help: 'Provisioning jobs running now, across all replicas.',
      registers: [registry],
      async collect() {
        if (source) this.set((await read()).running);
      },
    }),
    cooldownWaits: new Counter({
      name: 'beskar7_bmc_cooldown_waits_total',
      help: 'Operations that were due but had to wait for their BMC cooldown.',
      labelNames: ['bmc_address'],
      registers: [registry],
    }),
    bmcOperationDuration: new Histogram({
      name: 'beskar7_bmc_operation_duration_seconds',
      help: 'Duration of BMC operations (queue jobs and single Redfish operations).',
      labelNames: ['operation', 'vendor', 'outcome'],
      buckets: [
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
      ],
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'beskar7_reconcile_duration_seconds',
      help: 'Duration of a reconcile pass over every machine and host that needs work.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    hostStateTransitions: new Counter({
      name: 'beskar7_host_state_transitions_total',
      help: 'Host state changes, by from and to state.',
      labelNames: ['from', 'to'],
      registers: [registry],
    }),
    queueRejections: new Counter({
      name: 'beskar7_provisioning_queue_rejections_total',
      help: 'Provisioning requests refused: queue full or draining.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    openCircuits: new Gauge({
      name: 'beskar7_bmc_circuits_open',
      help: 'BMCs whose circuit breaker is open (calls refused until a probe succeeds), in this replica.',
      registers: [registry],
      collect() {
        if (circuits) {
          this.set(circuits().filter(c => c.state === 'open').length);
        }
      },
    }),
    bindQueue(next) {
      source = next;
    },
    bindCircuits(next) {
      circuits = next;
    },
  };
}

import { MUTATING_OPERATIONS, SimOperation } from './operations';

export interface SimRequestRecord {
  operation: SimOperation;
  method: string;
  path: string;
  /** Absent while the request is in flight or when it got no answer. */
  status?: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endedAt?: number;
}

/** In-flight gauges shared by all the BMCs of a fleet, for fleet-wide concurrency checks. */
export class ConcurrencyGauge {
  inFlight = 0;
  maxInFlight = 0;
  mutationsInFlight = 0;
  maxMutationsInFlight = 0;

  begin(mutating: boolean): void {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (mutating) {
      this.mutationsInFlight += 1;
      this.maxMutationsInFlight = Math.max(
        this.maxMutationsInFlight,
        this.mutationsInFlight,
      );
    }
  }

  end(mutating: boolean): void {
    this.inFlight -= 1;
    if (mutating) {
      this.mutationsInFlight -= 1;
    }
  }
}

/** What tests and benchmarks read from one simulated BMC. */
export class BmcCounters {
  readonly gauge = new ConcurrencyGauge();
  sessionsCreated = 0;
  sessionsDeleted = 0;
  loginFailures = 0;
  requests: SimRequestRecord[] = [];
  private readonly limit: number;

  constructor(private readonly fleet?: ConcurrencyGauge, limit = 10_000) {
    this.limit = limit;
  }

  /** Records a request as started; call the returned function when it ends. */
  begin(
    operation: SimOperation,
    method: string,
    path: string,
  ): (status?: number) => void {
    const mutating = MUTATING_OPERATIONS.has(operation);
    const record: SimRequestRecord = {
      operation,
      method,
      path,
      startedAt: Date.now(),
    };
    this.requests.push(record);
    if (this.requests.length > this.limit) {
      this.requests.splice(0, this.requests.length - this.limit);
    }
    this.gauge.begin(mutating);
    this.fleet?.begin(mutating);
    return status => {
      if (record.endedAt !== undefined) {
        return;
      }
      record.endedAt = Date.now();
      record.status = status;
      this.gauge.end(mutating);
      this.fleet?.end(mutating);
    };
  }

  /** Requests of the given operations, in the order they started. */
  operations(
    filter: (op: SimOperation) => boolean = op => MUTATING_OPERATIONS.has(op),
  ): SimRequestRecord[] {
    return this.requests
      .filter(r => filter(r.operation))
      .sort((a, b) => a.startedAt - b.startedAt);
  }
}

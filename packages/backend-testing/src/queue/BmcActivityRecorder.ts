/** One operation as the BMC side saw it. */
export interface RecordedOperation {
  jobId: string;
  bmcAddress: string;
  startedAt: number;
  endedAt?: number;
  completed: boolean;
}

/**
 * Stands in for the BMC side in tests and benchmarks: records when each
 * operation starts and ends, how many run at once, and per BMC the gaps
 * between operations, independently of the queue's own bookkeeping.
 */
export class BmcActivityRecorder {
  readonly operations: RecordedOperation[] = [];
  inFlight = 0;
  maxInFlight = 0;

  begin(jobId: string, bmcAddress: string): RecordedOperation {
    const op: RecordedOperation = {
      jobId,
      bmcAddress,
      startedAt: Date.now(),
      completed: false,
    };
    this.operations.push(op);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return op;
  }

  end(op: RecordedOperation, completed: boolean): void {
    op.endedAt = Date.now();
    op.completed = completed;
    this.inFlight -= 1;
  }

  /** Pairs of consecutive operations on one BMC closer than `cooldownMs` (or overlapping). */
  cooldownViolations(cooldownMs: (bmcAddress: string) => number): number {
    let violations = 0;
    for (const [address, ops] of this.byBmc()) {
      const sorted = [...ops].sort((a, b) => a.startedAt - b.startedAt);
      for (let i = 1; i < sorted.length; i++) {
        const previousEnd = sorted[i - 1].endedAt ?? Infinity;
        // 2ms of slack: the database rounds its clock to whole milliseconds, Date.now() truncates.
        if (sorted[i].startedAt + 2 < previousEnd + cooldownMs(address)) {
          violations += 1;
        }
      }
    }
    return violations;
  }

  /** Completed operations per job. */
  completions(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const op of this.operations) {
      if (op.completed) counts.set(op.jobId, (counts.get(op.jobId) ?? 0) + 1);
    }
    return counts;
  }

  private byBmc(): Map<string, RecordedOperation[]> {
    const groups = new Map<string, RecordedOperation[]>();
    for (const op of this.operations) {
      groups.set(op.bmcAddress, [...(groups.get(op.bmcAddress) ?? []), op]);
    }
    return groups;
  }
}

/** Waits `ms`, or rejects with the signal's reason when it is aborted first. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

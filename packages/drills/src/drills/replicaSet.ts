/* eslint-disable no-console */
import { JsonObject } from '@backstage/types';
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ReplicaReport, ReplicaStartMessage } from './replicaProcess';

export interface ReplicaSetOptions {
  count: number;
  databaseUrl: string;
  config: JsonObject;
}

/**
 * The drill's backend replicas, each a child process running replicaProcess.ts.
 * Their warnings are counted and the last ones kept, to show when a drill fails.
 */
export class ReplicaSet {
  kills = 0;
  starts = 0;
  warnings = 0;
  /** Replicas that exited without the drill stopping them. */
  readonly crashes: string[] = [];
  readonly recentLogs: string[] = [];
  private readonly stopping = new Set<ChildProcess>();
  private readonly children: Array<ChildProcess | undefined>;

  constructor(private readonly options: ReplicaSetOptions) {
    this.children = new Array(options.count).fill(undefined);
  }

  get size(): number {
    return this.children.length;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.children.map((_, i) => this.start(i)));
  }

  /** Starts replica `index` and waits until its services run. */
  async start(index: number): Promise<void> {
    const name = `replica-${index}`;
    const child = fork(join(__dirname, 'replicaProcess.ts'), [], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.children[index] = child;
    this.starts += 1;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        this.warnings += 1;
        this.recentLogs.push(line);
        if (this.recentLogs.length > 30) this.recentLogs.shift();
      }
    });
    const message: ReplicaStartMessage = {
      databaseUrl: this.options.databaseUrl,
      config: this.options.config,
      name,
    };
    child.send(message);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (report: ReplicaReport) => {
        if (report.type === 'ready') resolve();
      });
      child.once('exit', code =>
        reject(new Error(`${name} exited with ${code} before it was ready`)),
      );
    });
    await ready;
    child.once('exit', (code, signal) => {
      if (!this.stopping.delete(child))
        this.crashes.push(`${name} exited on its own (${signal ?? code})`);
    });
  }

  /** SIGKILL: no shutdown hook runs, the replica's leases stay until they expire. */
  async kill(index: number): Promise<void> {
    const child = this.children[index];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    this.stopping.add(child);
    child.kill('SIGKILL');
    await exited;
    this.children[index] = undefined;
    this.kills += 1;
  }

  /** Graceful stop of every replica (SIGTERM, their shutdown path), SIGKILL after 20 s. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(async (child, i) => {
        if (!child || child.exitCode !== null || child.signalCode !== null)
          return;
        const exited = once(child, 'exit');
        this.stopping.add(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
        this.children[i] = undefined;
      }),
    );
  }
}

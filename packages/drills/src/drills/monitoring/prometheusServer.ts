import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../freePort';

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

export interface PrometheusOptions {
  /** A folder of the drill's own: config, targets file and storage. */
  dir: string;
  /** The rules file Prometheus evaluates. */
  rulesFile: string;
  /** The bearer token Prometheus sends when it scrapes. */
  scrapeToken: string;
  /** Scrape and rule evaluation interval, in seconds. */
  intervalSeconds: number;
}

/**
 * Debian's Prometheus server, run by the drill on a free loopback port. It
 * scrapes the backend replicas listed in a file_sd targets file (rewritten
 * as replicas come and go) with the scrape token, as deploy/monitoring
 * expects in a cluster, and evaluates the rules file.
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly targetsFile: string,
    readonly log: string[],
  ) {}

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    const port = await freePort();
    const targetsFile = join(options.dir, 'targets.json');
    writeFileSync(targetsFile, '[]');
    const configFile = join(options.dir, 'prometheus.yml');
    const interval = `${options.intervalSeconds}s`;
    writeFileSync(
      configFile,
      stringify({
        global: { scrape_interval: interval, evaluation_interval: interval },
        rule_files: [options.rulesFile],
        scrape_configs: [
          {
            job_name: 'beskar7-backstage',
            metrics_path: '/api/beskar7/metrics',
            scrape_timeout: interval,
            authorization: { type: 'Bearer', credentials: options.scrapeToken },
            file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }],
          },
        ],
      }),
    );
    const log: string[] = [];
    const child = spawn(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(options.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=2h',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log.push(...chunk.split('\n').filter(Boolean));
      if (log.length > 50) log.splice(0, log.length - 50);
    });
    const server = new PrometheusServer(
      `http://127.0.0.1:${port}`,
      child,
      targetsFile,
      log,
    );
    await eventually(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`prometheus exited: ${log.join('\n')}`);
        }
        const ready = await fetch(`${server.url}/-/ready`).catch(
          () => undefined,
        );
        return Boolean(ready?.ok);
      },
      Boolean,
      { what: 'prometheus to be ready', timeoutMs: 30_000, intervalMs: 100 },
    );
    return server;
  }

  /** The replicas Prometheus scrapes (host:port); it rereads the file within a second. */
  setTargets(targets: string[]): void {
    writeFileSync(this.targetsFile, JSON.stringify([{ targets }]));
  }

  private async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}`);
    const body = (await res.json()) as { status: string; data: T };
    if (body.status !== 'success') {
      throw new Error(`Prometheus ${path}: ${JSON.stringify(body)}`);
    }
    return body.data;
  }

  /** Alerts as Prometheus reports them (GET /api/v1/alerts). */
  async alerts(): Promise<PrometheusAlert[]> {
    return (await this.api<{ alerts: PrometheusAlert[] }>('alerts')).alerts;
  }

  async firing(alertname: string): Promise<PrometheusAlert | undefined> {
    return (await this.alerts()).find(
      a => a.labels.alertname === alertname && a.state === 'firing',
    );
  }

  /** An instant query's result vector. */
  async query(expr: string) {
    return (
      await this.api<{
        result: Array<{
          metric: Record<string, string>;
          value: [number, string];
        }>;
      }>(`query?query=${encodeURIComponent(expr)}`)
    ).result;
  }

  /** Scrape targets and their health. */
  async targets() {
    return (
      await this.api<{
        activeTargets: Array<{
          scrapeUrl: string;
          health: string;
          lastError: string;
        }>;
      }>('targets')
    ).activeTargets;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

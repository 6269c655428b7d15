import { LoggerService } from '@backstage/backend-plugin-api';
import { KubernetesInformerHealth as InformerHealth } from '@beskar7/backstage-plugin-beskar7-common';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { describeError, retryAfterMs, statusCodeOf } from './apiErrors';
import { KeyedQueue } from './KeyedQueue';
import { CustomResource, GROUP, KubeObject, VERSION } from './types';

/** What an informer calls; its calls for one object never overlap. */
export interface InformerHandlers<T> {
  /** The object was added or changed, or is delivered again by a resync. */
  upsert(obj: T): Promise<void>;
  remove(obj: T): Promise<void>;
}

export interface ResourceInformerOptions<T> {
  kubeConfig: KubeConfig;
  resource: CustomResource;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  handlers: InformerHandlers<T>;
  logger: LoggerService;
  /** Every object is handed to `upsert` again this often (default 30 s). */
  resyncIntervalMs?: number;
  /** Retry delays after failures, doubling from initialMs up to maxMs (default 1 s to 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * How long the API server may stay silent (default 30 s): a list or the
   * opening of a watch that takes longer failed; an open watch that long
   * quiet is reopened, and that reopening is the liveness check.
   */
  requestTimeoutMs?: number;
}

type WatchOutcome = 'closed' | 'gone';

/**
 * Lists a custom resource, then watches it from the list's resourceVersion,
 * keeping a cache and telling the handlers what changed. A watch that ends
 * is resumed from the last resourceVersion seen; 410 Gone (history
 * compacted) relists; a failure (429, 5xx, connection lost) is retried with
 * jittered exponential backoff, honouring Retry-After. It never gives up:
 * while the API server is away the cache is stale and `health()` says so.
 * An API server that stops answering without closing the connection (a
 * stopped process, a frozen node) is noticed within two request timeouts:
 * the quiet watch is reopened, and a watch that does not open is a failure.
 */
export class ResourceInformer<T extends KubeObject> {
  private readonly custom: CustomObjectsApi;
  private readonly watcher: Watch;
  private readonly cache = new Map<string, T>();
  private readonly queue: KeyedQueue;
  private resourceVersion: string | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private abortWatch: AbortController | undefined;
  private wake = new AbortController();
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly state: InformerHealth;
  private markSynced!: () => void;
  private readonly syncedPromise = new Promise<void>(resolve => {
    this.markSynced = resolve;
  });

  constructor(private readonly options: ResourceInformerOptions<T>) {
    this.custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.watcher = new Watch(options.kubeConfig);
    this.state = {
      resource: options.resource.plural,
      synced: false,
      connected: false,
      consecutiveFailures: 0,
    };
    this.queue = new KeyedQueue((key, error) =>
      options.logger.warn(
        `Handling ${
          options.resource.kind
        } ${key} failed, retried at the next resync: ${describeError(error)}`,
      ),
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake = new AbortController();
    this.loop = this.run();
    const interval = this.options.resyncIntervalMs ?? 30_000;
    this.resyncTimer = setInterval(() => this.resync(), interval);
    this.resyncTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.wake.abort();
    this.abortWatch?.abort();
    await this.loop;
    await this.queue.idle();
  }

  /** Resolves after the first complete list has been handed to the handlers. */
  async whenSynced(): Promise<void> {
    await this.syncedPromise;
    await this.queue.idle();
  }

  /** Hands every cached object to `upsert` again. */
  resync(): void {
    if (!this.state.synced) return;
    for (const [key, obj] of this.cache) {
      this.queue.push(key, () => this.options.handlers.upsert(obj));
    }
  }

  /** Hands one cached object to `upsert` again; false when it is not cached. */
  requeue(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    if (!this.cache.has(key)) return false;
    this.queue.push(key, async () => {
      // The newest copy when its turn comes: it may have changed since.
      const obj = this.cache.get(key);
      if (obj) await this.options.handlers.upsert(obj);
    });
    return true;
  }

  get(namespace: string, name: string): T | undefined {
    return this.cache.get(`${namespace}/${name}`);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  health(): InformerHealth {
    return { ...this.state };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        const startedAt = Date.now();
        const outcome = await this.watchOnce();
        if (outcome === 'gone') {
          this.options.logger.info(
            `${this.options.resource.kind} watch history is gone (410); relisting`,
          );
          this.resourceVersion = undefined;
        } else if (Date.now() - startedAt < 1_000) {
          // A server that keeps closing watches at once must not make us spin.
          await this.pause(this.options.backoff?.initialMs ?? 1_000);
        }
      } catch (error) {
        if (this.stopped) break;
        if (statusCodeOf(error) === 410) {
          this.resourceVersion = undefined;
          continue;
        }
        await this.pause(this.failed(error));
      }
    }
  }

  /** Records a failure; returns how long to wait before the next try. */
  private failed(error: unknown): number {
    const { logger, resource, backoff = {} } = this.options;
    const failures = ++this.state.consecutiveFailures;
    this.state.connected = false;
    this.state.lastError = describeError(error);
    this.state.lastErrorAt = new Date().toISOString();
    const initialMs = backoff.initialMs ?? 1_000;
    const maxMs = backoff.maxMs ?? 30_000;
    const exponential = Math.min(maxMs, initialMs * 2 ** (failures - 1));
    const delay = Math.max(
      retryAfterMs(error) ?? 0,
      exponential * (0.5 + Math.random() / 2),
    );
    // One warning per outage; the rest at debug level.
    const log = failures === 1 ? logger.warn : logger.debug;
    log.call(
      logger,
      `${resource.kind} list/watch failed (${
        this.state.lastError
      }); retrying in ${Math.round(delay)} ms`,
    );
    return delay;
  }

  private connected(): void {
    if (this.state.consecutiveFailures > 0) {
      this.options.logger.info(
        `${this.options.resource.kind} list/watch reconnected`,
      );
    }
    this.state.connected = true;
    this.state.consecutiveFailures = 0;
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  private async relist(): Promise<void> {
    const { resource, namespace } = this.options;
    const ref = { group: GROUP, version: VERSION, plural: resource.plural };
    const list = (await withTimeout(
      namespace
        ? this.custom.listNamespacedCustomObject({ ...ref, namespace })
        : this.custom.listClusterCustomObject(ref),
      this.requestTimeoutMs,
      `listing ${resource.plural}`,
    )) as {
      metadata?: { resourceVersion?: string };
      items: T[];
    };
    this.connected();
    const seen = new Set<string>();
    for (const obj of list.items) {
      seen.add(keyOf(obj));
      this.apply('MODIFIED', obj);
    }
    for (const [key, obj] of this.cache) {
      if (!seen.has(key)) this.apply('DELETED', obj);
    }
    this.resourceVersion = list.metadata?.resourceVersion;
    this.state.synced = true;
    this.markSynced();
  }

  private watchOnce(): Promise<WatchOutcome> {
    const { resource, namespace } = this.options;
    const path = namespace
      ? `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${resource.plural}`
      : `/apis/${GROUP}/${VERSION}/${resource.plural}`;
    return new Promise((resolve, reject) => {
      let gone = false;
      let failure: Error | undefined;
      let ended = false;
      let opened = false;
      let timedOut = false;
      // client-node's Watch has a timeout of its own (30 s, not settable);
      // this one is ours: a watch that does not open, or goes quiet, for
      // requestTimeoutMs ends.
      let timer: NodeJS.Timeout | undefined;
      const done = (error: unknown) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        this.abortWatch = undefined;
        timedOut ||= (error as Error | null)?.name === 'TimeoutError';
        if (timedOut && !opened && !this.stopped) {
          reject(
            new Error(
              `the API server did not answer a watch of ${
                resource.plural
              } within ${this.requestTimeoutMs / 1000} s`,
            ),
          );
        }
        // An open watch that went quiet is reopened: no failure by itself.
        else if (this.stopped || timedOut) resolve('closed');
        else if (error || failure) reject(error ?? failure);
        else resolve(gone ? 'gone' : 'closed');
      };
      const restartTimer = () => {
        clearTimeout(timer);
        if (ended) return;
        timer = setTimeout(() => {
          timedOut = true;
          this.abortWatch?.abort();
          done(null);
        }, this.requestTimeoutMs);
        timer.unref();
      };
      const onEvent = (type: string, obj: any) => {
        restartTimer();
        if (type === 'ERROR') {
          // A Status object: 410 means our resourceVersion is too old.
          if (obj?.code === 410) gone = true;
          else
            failure = Object.assign(new Error(obj?.message), {
              code: obj?.code,
            });
          return;
        }
        if (type !== 'BOOKMARK') this.apply(type, obj);
        this.resourceVersion = obj.metadata?.resourceVersion;
      };
      restartTimer();
      this.watcher
        .watch(
          path,
          { resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
          onEvent,
          done,
        )
        .then(controller => {
          // Ended meanwhile (timed out, or stop() had nothing to abort yet).
          if (ended || this.stopped) {
            controller.abort();
            done(null);
            return;
          }
          this.abortWatch = controller;
          opened = true;
          restartTimer();
          this.connected();
        }, done);
    });
  }

  private apply(type: string, obj: T): void {
    const key = keyOf(obj);
    const known = this.cache.get(key);
    if (type === 'DELETED') {
      if (!known) return;
      this.cache.delete(key);
      this.queue.push(key, () => this.options.handlers.remove(obj));
      return;
    }
    if (known?.metadata.resourceVersion === obj.metadata.resourceVersion) {
      return;
    }
    this.cache.set(key, obj);
    this.queue.push(key, () => this.options.handlers.upsert(obj));
  }

  private async pause(ms: number): Promise<void> {
    const signal = this.wake.signal;
    await new Promise<void>(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      timer = setTimeout(() => {
        signal.removeEventListener('abort', wake);
        resolve();
      }, ms);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}

/** Rejects when the promise has not settled within `ms`; the request itself is left to its socket's timeouts. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the API server did not answer ${what} within ${ms / 1000} s`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}

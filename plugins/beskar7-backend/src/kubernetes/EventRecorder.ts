import { LoggerService } from '@backstage/backend-plugin-api';
import { CoreV1Api, CoreV1Event, KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { EventSpec, eventSeriesKey } from './events';
import { KubeObject } from './types';

/** Repeats within this window bump the count of one Event instead of adding another. */
const SERIES_WINDOW_MS = 10 * 60_000;
/** Bounds the memory of series; the oldest are forgotten first. */
const MAX_SERIES = 1_000;

interface Series {
  event: CoreV1Event;
  lastSeen: number;
}

/**
 * Records Kubernetes Events about PhysicalHosts and Beskar7Machines, the way
 * client-go's recorder does: a repeated event bumps `count` and
 * `lastTimestamp` of the one already recorded. Best effort: a failure is
 * logged and never fails the caller.
 */
export class EventRecorder {
  private readonly core: CoreV1Api;
  private readonly series = new Map<string, Series>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: {
      logger: LoggerService;
      /** `source.component` of every Event. */
      component: string;
      /** This replica, as `reportingInstance`. */
      instance: string;
    },
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async record(obj: KubeObject, event: EventSpec): Promise<void> {
    const key = eventSeriesKey(obj, event);
    const now = Date.now();
    const known = this.series.get(key);
    try {
      if (known && now - known.lastSeen < SERIES_WINDOW_MS) {
        const updated = await this.bump(known.event, new Date(now)).catch(
          () => undefined, // gone or changed: start a new series
        );
        if (updated) {
          this.remember(key, updated, now);
          return;
        }
      }
      this.remember(key, await this.create(obj, event, new Date(now)), now);
    } catch (error) {
      this.options.logger.warn(
        `Could not record event ${event.reason} for ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}: ${error}`,
      );
    }
  }

  private create(obj: KubeObject, event: EventSpec, at: Date) {
    const { namespace, name, uid, resourceVersion } = obj.metadata;
    return this.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: {
          name: `${name}.${randomBytes(8).toString('hex')}`,
          namespace,
        },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name,
          namespace,
          uid,
          resourceVersion,
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        count: 1,
        firstTimestamp: at,
        lastTimestamp: at,
        source: { component: this.options.component },
        reportingComponent: this.options.component,
        reportingInstance: this.options.instance,
      },
    });
  }

  private bump(event: CoreV1Event, at: Date) {
    return this.core.replaceNamespacedEvent({
      namespace: event.metadata.namespace!,
      name: event.metadata.name!,
      body: { ...event, count: (event.count ?? 1) + 1, lastTimestamp: at },
    });
  }

  private remember(key: string, event: CoreV1Event, now: number) {
    this.series.delete(key);
    this.series.set(key, { event, lastSeen: now });
    if (this.series.size > MAX_SERIES) {
      this.series.delete(this.series.keys().next().value!);
    }
  }
}

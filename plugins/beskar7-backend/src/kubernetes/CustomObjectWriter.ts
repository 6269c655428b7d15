import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusCodeOf } from './apiErrors';
import { CustomResource, GROUP, KubeObject, VERSION } from './types';

/** What a read-modify-write did. */
export interface WriteResult<T> {
  /** The object as read before the (last) write; undefined when it does not exist. */
  before?: T;
  /** The object as written; undefined when there was nothing to write. */
  after?: T;
  /** 409s met and retried. */
  conflicts: number;
}

/**
 * The object a write is meant for, when it must not land on a successor:
 * a write made for a deleted object would otherwise reach a new object
 * created under its name.
 */
export interface WriteTarget {
  uid?: string;
}

/**
 * Read-modify-write of one kind of custom object, through the status
 * subresource for status and the main resource for spec and metadata. A
 * write that lost a race (409) starts again from a fresh read, as client-go's
 * RetryOnConflict does; the change is recomputed from what is there now.
 */
export class CustomObjectWriter<T extends KubeObject> {
  private readonly custom: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    private readonly resource: CustomResource,
    private readonly maxAttempts = 5,
  ) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** `change` returns the new status, or undefined to leave it. */
  updateStatus(
    namespace: string,
    name: string,
    change: (fresh: T) => T['status'] | undefined,
    only?: WriteTarget,
  ): Promise<WriteResult<T>> {
    return this.readModifyWrite(namespace, name, true, only, fresh => {
      const status = change(fresh);
      return status === undefined ? undefined : { ...fresh, status };
    });
  }

  /** `change` returns the whole new object (the server ignores its status), or undefined to leave it. */
  update(
    namespace: string,
    name: string,
    change: (fresh: T) => T | undefined,
    only?: WriteTarget,
  ): Promise<WriteResult<T>> {
    return this.readModifyWrite(namespace, name, false, only, change);
  }

  private async readModifyWrite(
    namespace: string,
    name: string,
    status: boolean,
    only: WriteTarget | undefined,
    change: (fresh: T) => T | undefined,
  ): Promise<WriteResult<T>> {
    const ref = {
      group: GROUP,
      version: VERSION,
      plural: this.resource.plural,
      namespace,
      name,
    };
    for (let conflicts = 0; ; conflicts++) {
      let before: T;
      try {
        before = (await this.custom.getNamespacedCustomObject(ref)) as T;
      } catch (error) {
        if (statusCodeOf(error) === 404) return { conflicts };
        throw error;
      }
      // Another object under the same name: the one meant is gone.
      if (only?.uid && before.metadata.uid !== only.uid) return { conflicts };
      const body = change(before);
      if (!body) return { before, conflicts };
      try {
        const after = (await (status
          ? this.custom.replaceNamespacedCustomObjectStatus({ ...ref, body })
          : this.custom.replaceNamespacedCustomObject({ ...ref, body }))) as T;
        return { before, after, conflicts };
      } catch (error) {
        const code = statusCodeOf(error);
        if (code === 404) return { conflicts };
        if (code !== 409 || conflicts + 1 >= this.maxAttempts) throw error;
        // Jittered, growing pause so that racing writers spread out.
        await sleep(10 * 2 ** conflicts * (0.5 + Math.random()));
      }
    }
  }
}

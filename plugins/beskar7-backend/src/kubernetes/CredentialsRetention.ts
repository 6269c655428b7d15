import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import { describeError, statusCodeOf } from './apiErrors';
import { GROUP } from './types';

/** Kept on a BMC Secret, and on the RoleBinding that lets the backend read it, while PhysicalHosts use them. */
export const CREDENTIALS_FINALIZER = `${GROUP}/beskar7-credentials`;

/** The RoleBinding of deploy/backend/rbac.yaml that lets the backend read BMC Secrets in a namespace. */
export const BMC_SECRETS_ROLE_BINDING = 'beskar7-bmc-secrets';

interface Finalized {
  metadata?: { finalizers?: string[]; resourceVersion?: string };
}

/**
 * Keeps what a release needs for as long as hosts use it. Deleting a
 * namespace deletes its Secrets and RoleBindings at once, while the hosts
 * held there still have to be deprovisioned over Redfish with the BMC
 * Secret, read through that RoleBinding. Metal3 keeps a finalizer on the
 * BMC Secret; the RoleBinding gets one too, since the authorizer honours a
 * binding until it is gone. Both come off once no PhysicalHost of the
 * namespace uses them, so `kubectl delete namespace` completes on its own.
 */
export class CredentialsRetention {
  private readonly core: CoreV1Api;
  private readonly rbac: RbacAuthorizationV1Api;
  /** `namespace/secret` and `namespace/` (its RoleBinding) finalized by this replica. */
  private readonly retained = new Set<string>();

  constructor(kubeConfig: KubeConfig, private readonly logger: LoggerService) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  }

  /** A PhysicalHost of `namespace` uses these Secrets: keep them and the RoleBinding. */
  async retain(namespace: string, secrets: string[]): Promise<void> {
    for (const name of secrets) {
      await this.once(`${namespace}/${name}`, () =>
        this.edit(
          () => this.core.readNamespacedSecret({ namespace, name }),
          body => this.core.replaceNamespacedSecret({ namespace, name, body }),
          withFinalizer,
          `Secret ${namespace}/${name}`,
        ),
      );
    }
    await this.once(`${namespace}/`, () =>
      this.editBinding(namespace, withFinalizer),
    );
  }

  /**
   * Lets go of what no PhysicalHost of `namespace` uses any more: the
   * Secrets not in `inUse`, and the RoleBinding once `inUse` is empty.
   * Secrets first: taking their finalizers off needs the binding.
   */
  async release(
    namespace: string,
    secrets: string[],
    inUse: Set<string>,
  ): Promise<void> {
    for (const name of secrets.filter(s => !inUse.has(s))) {
      await this.edit(
        () => this.core.readNamespacedSecret({ namespace, name }),
        body => this.core.replaceNamespacedSecret({ namespace, name, body }),
        withoutFinalizer,
        `Secret ${namespace}/${name}`,
      );
      this.retained.delete(`${namespace}/${name}`);
    }
    if (inUse.size === 0) {
      await this.editBinding(namespace, withoutFinalizer);
      this.retained.delete(`${namespace}/`);
    }
  }

  private async once(key: string, keep: () => Promise<boolean>) {
    if (this.retained.has(key)) return;
    if (await keep()) this.retained.add(key);
  }

  private editBinding(
    namespace: string,
    change: (f: string[]) => string[] | undefined,
  ) {
    const name = BMC_SECRETS_ROLE_BINDING;
    return this.edit(
      () => this.rbac.readNamespacedRoleBinding({ namespace, name }),
      body => this.rbac.replaceNamespacedRoleBinding({ namespace, name, body }),
      change,
      `RoleBinding ${namespace}/${name}`,
    );
  }

  /**
   * Read, change the finalizers, replace (the resourceVersion makes it
   * conditional); retried on a conflict. Whether the object is as wanted:
   * one that is missing, or that the backend may not change, is logged and
   * left alone (a host's Secret may be applied after it).
   */
  private async edit<T extends Finalized>(
    read: () => Promise<T>,
    replace: (body: T) => Promise<unknown>,
    change: (finalizers: string[]) => string[] | undefined,
    what: string,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const current = await read();
        const finalizers = change(current.metadata?.finalizers ?? []);
        if (!finalizers) return true;
        await replace({
          ...current,
          metadata: { ...current.metadata, finalizers },
        });
        return true;
      } catch (error) {
        const code = statusCodeOf(error);
        if (code === 409) continue;
        if (code === 404) return false;
        this.logger.warn(
          `Could not change the finalizers of ${what} (${describeError(
            error,
          ).replace(
            /^HTTP (\d+) .*/,
            'HTTP $1',
          )}); deleting the namespace may leave hosts in use without credentials: grant the backend the beskar7-bmc-secrets ClusterRole of deploy/backend/rbac.yaml there`,
        );
        return false;
      }
    }
    return false;
  }
}

function withFinalizer(finalizers: string[]): string[] | undefined {
  return finalizers.includes(CREDENTIALS_FINALIZER)
    ? undefined
    : [...finalizers, CREDENTIALS_FINALIZER];
}

function withoutFinalizer(finalizers: string[]): string[] | undefined {
  return finalizers.includes(CREDENTIALS_FINALIZER)
    ? finalizers.filter(f => f !== CREDENTIALS_FINALIZER)
    : undefined;
}

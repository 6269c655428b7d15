import { NotFoundError } from '@backstage/errors';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { BmcCredentials, CredentialResolver } from '../credentials/types';
import { describeError, statusCodeOf } from './apiErrors';
import { parseKubernetesSecretRef } from './mapping';

/** What to do when reading a Secret is refused, by HTTP status. */
const SECRET_READ_ADVICE: Record<number, string> = {
  401: "the backend's Kubernetes credentials were refused; check its ServiceAccount token",
  403: 'the backend may not read Secrets in that namespace; bind it to the ClusterRole beskar7-bmc-secrets there with the RoleBinding of deploy/backend/rbac.yaml',
};

/**
 * Resolves `k8s-secret:<namespace>/<name>` refs (what PhysicalHosts
 * register) by reading the Secret's `username` and `password` at the moment
 * of use, so a rotated Secret takes effect at once; nothing is cached. Other
 * refs go to `fallback` (the config resolver).
 */
export class SecretCredentialResolver implements CredentialResolver {
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly fallback?: CredentialResolver,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async resolve(ref: string): Promise<BmcCredentials> {
    const secret = parseKubernetesSecretRef(ref);
    if (!secret) {
      if (this.fallback) return this.fallback.resolve(ref);
      throw new NotFoundError(`No BMC credentials named '${ref}'`);
    }
    const data = await this.read(secret.namespace, secret.name);
    const username = data.username;
    const password = data.password;
    if (username === undefined || password === undefined) {
      throw new NotFoundError(
        `Secret ${secret.namespace}/${secret.name} lacks username or password`,
      );
    }
    return { username, password };
  }

  /** The PEM bundle (`ca.crt`) of a `caBundleSecretRef`; other refs go to `fallback`. */
  async resolveCaBundle(ref: string): Promise<string> {
    const secret = parseKubernetesSecretRef(ref);
    if (!secret) {
      if (this.fallback) return this.fallback.resolveCaBundle(ref);
      throw new NotFoundError(`No CA bundle named '${ref}'`);
    }
    const bundle = (await this.read(secret.namespace, secret.name))['ca.crt'];
    if (!bundle) {
      throw new NotFoundError(
        `Secret ${secret.namespace}/${secret.name} has no ca.crt`,
      );
    }
    return bundle;
  }

  /** The Secret's values, decoded. Only the names appear in errors, never values. */
  private async read(
    namespace: string,
    name: string,
  ): Promise<Record<string, string | undefined>> {
    try {
      const secret = await this.core.readNamespacedSecret({ namespace, name });
      return Object.fromEntries([
        ...Object.entries(secret.data ?? {}).map(([k, v]) => [
          k,
          Buffer.from(v, 'base64').toString('utf8'),
        ]),
        ...Object.entries(secret.stringData ?? {}),
      ]);
    } catch (error) {
      const code = statusCodeOf(error);
      if (code === 404) {
        throw new NotFoundError(`Secret ${namespace}/${name} not found`);
      }
      // One line for the host's status: the client's error carries the
      // response headers and body.
      throw new Error(
        `Reading the BMC Secret ${namespace}/${name} failed (${describeError(
          error,
        ).replace(/^HTTP (\d+) .*/, 'HTTP $1')}): ${
          SECRET_READ_ADVICE[code ?? 0] ??
          'check that the Kubernetes API server is reachable'
        }`,
      );
    }
  }
}

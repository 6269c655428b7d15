import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { parseDuration } from '../config/duration';
import { CLAIM_COORDINATOR_LEADER_LEASE } from './KubernetesLeaseElector';

/** `beskar7.kubernetes`, read and checked. */
export interface KubernetesSettings {
  /** Path of a kubeconfig file; in-cluster or the default loading rules when absent. */
  kubeconfig?: string;
  /** Context of the kubeconfig to use (default: its current context). */
  context?: string;
  /** Use the pod's service account even if a kubeconfig could be found. */
  inCluster: boolean;
  /** Watch one namespace; all namespaces when absent. */
  namespace?: string;
  /** Beskar7Machines may claim hosts of any namespace (default: their own only). */
  crossNamespaceClaims: boolean;
  resyncIntervalMs: number;
  /** Cluster API bootstrap data served to hosts. */
  bootstrapData: {
    /** Where hosts reach the bootstrap route; default: the plugin's external URL + `/bootstrap`. */
    baseUrl?: string;
    /** How long a host may fetch its data after provisioning began. */
    tokenTtlMs: number;
  };
  leaderElection: {
    enabled: boolean;
    leaseName: string;
    /** Namespace of the Lease. */
    namespace: string;
  };
}

const SERVICE_ACCOUNT_NAMESPACE =
  '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/**
 * Reads `beskar7.kubernetes`; undefined unless `enabled`. A bad value
 * stops start-up naming the key. Lease timing is the claim engine's
 * (`beskar7.claims.leaderElection`), shared by both kinds of lease.
 */
export function readKubernetesSettings(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): KubernetesSettings | undefined {
  const k8s = config.getOptionalConfig('beskar7.kubernetes');
  if (!k8s?.getOptionalBoolean('enabled')) return undefined;
  const resync = k8s.getOptionalString('resyncInterval') ?? '30s';
  const resyncIntervalMs = parseDuration(resync);
  if (!resyncIntervalMs) {
    throw new InputError(
      `beskar7.kubernetes.resyncInterval must be a positive duration like 30s, got '${resync}'`,
    );
  }
  const ttl = k8s.getOptionalString('bootstrapData.tokenTtl') ?? '1h';
  const tokenTtlMs = parseDuration(ttl);
  if (!tokenTtlMs) {
    throw new InputError(
      `beskar7.kubernetes.bootstrapData.tokenTtl must be a positive duration like 1h, got '${ttl}'`,
    );
  }
  const baseUrl = k8s.getOptionalString('bootstrapData.baseUrl');
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    throw new InputError(
      `beskar7.kubernetes.bootstrapData.baseUrl must be an http(s) URL, got '${baseUrl}'`,
    );
  }
  const kubeconfig = k8s.getOptionalString('kubeconfig');
  const inCluster = k8s.getOptionalBoolean('inCluster') ?? false;
  if (kubeconfig && inCluster) {
    throw new InputError(
      'beskar7.kubernetes: set either kubeconfig or inCluster, not both',
    );
  }
  return {
    kubeconfig,
    context: k8s.getOptionalString('context'),
    inCluster,
    namespace: k8s.getOptionalString('namespace'),
    crossNamespaceClaims:
      k8s.getOptionalBoolean('crossNamespaceClaims') ?? false,
    resyncIntervalMs,
    bootstrapData: { baseUrl: baseUrl?.replace(/\/+$/, ''), tokenTtlMs },
    leaderElection: {
      enabled: k8s.getOptionalBoolean('leaderElection.enabled') ?? false,
      leaseName:
        k8s.getOptionalString('leaderElection.leaseName') ??
        CLAIM_COORDINATOR_LEADER_LEASE,
      namespace:
        k8s.getOptionalString('leaderElection.namespace') ??
        env.POD_NAMESPACE ??
        readServiceAccountNamespace() ??
        'default',
    },
  };
}

/** A KubeConfig for the settings: the file, the pod's service account, or the default rules (KUBECONFIG, ~/.kube/config, in-cluster). */
export function loadKubeConfig(settings: KubernetesSettings): KubeConfig {
  const kc = new KubeConfig();
  if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig);
  else if (settings.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (settings.context) kc.setCurrentContext(settings.context);
  if (!kc.getCurrentCluster()) {
    throw new InputError(
      'beskar7.kubernetes: no cluster found (set kubeconfig, or run in a pod)',
    );
  }
  return kc;
}

function readServiceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

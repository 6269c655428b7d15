import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { CLUSTER_API_GROUP, CLUSTER_NAME_LABEL } from './clusterApi';
import { withCondition } from './mapping';
import {
  Beskar7ClusterSpec,
  Beskar7ClusterStatus,
  Condition,
  FailureDomainSpec,
  ObjectMeta,
  OwnerReference,
} from './types';

/*
 * What the InfraCluster contract (Cluster API v1beta1, and v1beta2's
 * `initialization.provisioned`) asks of a Beskar7Cluster, as pure functions
 * of the object and the inventory's hosts.
 */

/** The owner reference to a Cluster API Cluster, if the object has one. */
export function clusterOwnerOf(
  metadata: ObjectMeta,
): OwnerReference | undefined {
  return metadata.ownerReferences?.find(
    ref =>
      ref.kind === 'Cluster' &&
      ref.apiVersion.split('/')[0] === CLUSTER_API_GROUP,
  );
}

/** The Cluster a Beskar7Cluster belongs to: its owner, else its label. */
export function ownerClusterNameOf(metadata: ObjectMeta): string | undefined {
  return (
    clusterOwnerOf(metadata)?.name ?? metadata.labels?.[CLUSTER_NAME_LABEL]
  );
}

/**
 * The failure domains the hosts make up: each distinct value of the label
 * the spec names, or of the hosts' own `failureDomain` without one. Every
 * one may hold control-plane machines: hosts are not set apart by role
 * (pools and selectors do that, per template).
 */
export function failureDomainsOf(
  hosts: Array<Pick<Host, 'labels' | 'failureDomain'>>,
  label: string | undefined,
): Record<string, FailureDomainSpec> | undefined {
  const names = new Set(
    hosts
      .map(h => (label ? h.labels[label] : h.failureDomain))
      .filter((name): name is string => Boolean(name)),
  );
  if (!names.size) return undefined;
  return Object.fromEntries(
    [...names].sort().map(name => [name, { controlPlane: true }]),
  );
}

/**
 * The status of a Beskar7Cluster its Cluster owns: ready once the endpoint
 * (given by the platform team, never created) is set.
 */
export function beskar7ClusterStatusOf(
  spec: Beskar7ClusterSpec,
  hosts: Array<Pick<Host, 'labels' | 'failureDomain'>>,
  previous: Beskar7ClusterStatus = {},
  now: Date = new Date(),
): Beskar7ClusterStatus {
  const endpoint = spec.controlPlaneEndpoint;
  const ready = Boolean(endpoint?.host && endpoint.port);
  const failureDomains = failureDomainsOf(hosts, spec.failureDomainLabel);
  const { failureDomains: _, ...rest } = previous;
  return {
    ...rest,
    ready,
    initialization: { provisioned: ready },
    ...(failureDomains && { failureDomains }),
    conditions: withCondition(
      previous.conditions,
      ready
        ? { type: 'Ready', status: 'True' }
        : {
            type: 'Ready',
            status: 'False',
            severity: 'Warning',
            reason: 'ControlPlaneEndpointMissing',
            message: 'spec.controlPlaneEndpoint needs a host and a port',
          },
      now,
    ),
  };
}

/**
 * A status whose `Ready` condition says what the Beskar7Cluster waits for
 * (its owner Cluster, its machines' release on deletion); the rest is kept.
 */
export function waitingClusterStatus(
  previous: Beskar7ClusterStatus = {},
  wait: { reason: string; message: string },
  now: Date = new Date(),
): Beskar7ClusterStatus {
  const condition: Omit<Condition, 'lastTransitionTime'> = {
    type: 'Ready',
    status: 'False',
    severity: 'Info',
    ...wait,
  };
  return {
    ...previous,
    conditions: withCondition(previous.conditions, condition, now),
  };
}

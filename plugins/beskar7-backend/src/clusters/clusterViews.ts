import {
  CLUSTER_OWNER_ANNOTATION,
  ClusterCondition,
  ClusterDetails,
  ClusterHostRef,
  ClusterMachine,
  ClusterSummary,
  HostCluster,
} from '@beskar7/backstage-plugin-beskar7-common';
import {
  BESKAR7_CLUSTER_KIND,
  CapiCluster,
  CapiMachine,
  ClusterObjects,
  CONTROL_PLANE_LABEL,
  DEPLOYMENT_NAME_LABEL,
  groupOf,
  INFRASTRUCTURE_GROUP,
} from './capiObjects';
import { Condition } from '../kubernetes/types';

/** Finds the host a Beskar7Machine holds (by its namespace and name). */
export type HostOfMachine = (
  namespace: string,
  name: string,
) => ClusterHostRef | undefined;

/** Clusters built on Beskar7: their infrastructure is a Beskar7Cluster. */
export function isBeskar7Cluster(cluster: CapiCluster): boolean {
  const ref = cluster.spec?.infrastructureRef;
  return (
    ref?.kind === BESKAR7_CLUSTER_KIND &&
    groupOf(ref.apiVersion) === INFRASTRUCTURE_GROUP
  );
}

export function summariseCluster(
  cluster: CapiCluster,
  objects: ClusterObjects,
): ClusterSummary {
  const { namespace, name } = cluster.metadata;
  const controlPlane = controlPlaneOf(cluster, objects);
  const deployments = machineDeploymentsOf(cluster, objects);
  const endpoint = cluster.spec?.controlPlaneEndpoint;
  const cpVersion =
    controlPlane?.spec?.version ?? controlPlane?.status?.version;
  return {
    namespace,
    name,
    phase: cluster.status?.phase,
    controlPlaneEndpoint: endpoint?.host
      ? `${endpoint.host}:${endpoint.port ?? 6443}`
      : undefined,
    kubernetesVersion:
      cpVersion ??
      deployments.find(d => d.spec?.template?.spec?.version)?.spec?.template
        ?.spec?.version,
    controlPlane: controlPlane && {
      kind: controlPlane.kind ?? cluster.spec?.controlPlaneRef?.kind ?? '',
      name: controlPlane.metadata.name,
      version: cpVersion,
      replicas: {
        desired: controlPlane.spec?.replicas ?? 0,
        ready: controlPlane.status?.readyReplicas ?? 0,
      },
    },
    machineDeployments: deployments.map(d => ({
      name: d.metadata.name,
      version: d.spec?.template?.spec?.version,
      phase: d.status?.phase,
      replicas: {
        desired: d.spec?.replicas ?? 0,
        ready: d.status?.readyReplicas ?? 0,
      },
    })),
    failureDomains: Object.entries(cluster.status?.failureDomains ?? {})
      .map(([domain, spec]) => ({
        name: domain,
        controlPlane: Boolean(spec?.controlPlane),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    problems: [
      ...problemsOf('Cluster', name, cluster.status?.conditions),
      ...(controlPlane
        ? problemsOf(
            controlPlane.kind ?? 'ControlPlane',
            controlPlane.metadata.name,
            controlPlane.status?.conditions,
          )
        : []),
      ...deployments.flatMap(d =>
        problemsOf('MachineDeployment', d.metadata.name, d.status?.conditions),
      ),
    ],
    owner: cluster.metadata.annotations?.[CLUSTER_OWNER_ANNOTATION],
    paused: Boolean(cluster.spec?.paused),
    createdAt: cluster.metadata.creationTimestamp,
  };
}

/** The summary and its tree: control plane and MachineDeployments, their Machines, Beskar7Machines and hosts. */
export function describeCluster(
  cluster: CapiCluster,
  objects: ClusterObjects,
  hostOf: HostOfMachine,
): ClusterDetails {
  const summary = summariseCluster(cluster, objects);
  const machines = machinesOf(cluster, objects).map(raw => ({
    deployment: raw.metadata.labels?.[DEPLOYMENT_NAME_LABEL],
    view: describeMachine(raw, objects, hostOf),
  }));
  const workers = machines.filter(m => m.view.role === 'worker');
  const deployments = new Set(summary.machineDeployments.map(d => d.name));
  return {
    ...summary,
    controlPlaneMachines: machines
      .filter(m => m.view.role === 'control-plane')
      .map(m => m.view),
    workers: summary.machineDeployments.map(d => ({
      machineDeployment: d.name,
      machines: workers.filter(m => m.deployment === d.name).map(m => m.view),
    })),
    otherMachines: workers
      .filter(m => !(m.deployment && deployments.has(m.deployment)))
      .map(m => m.view),
  };
}

/** Host id -> the cluster and role it serves, for every host a Machine of a Beskar7 cluster holds. */
export function hostClusters(
  objects: ClusterObjects,
  hostOf: HostOfMachine,
): Map<string, HostCluster> {
  const result = new Map<string, HostCluster>();
  for (const cluster of objects.clusters.filter(isBeskar7Cluster)) {
    for (const machine of machinesOf(cluster, objects)) {
      const host = infraRefName(machine) && hostOfMachine(machine, hostOf);
      if (!host) continue;
      result.set(host.id, {
        namespace: cluster.metadata.namespace,
        name: cluster.metadata.name,
        role: roleOf(machine),
        machine: machine.metadata.name,
      });
    }
  }
  return result;
}

function describeMachine(
  machine: CapiMachine,
  objects: ClusterObjects,
  hostOf: HostOfMachine,
): ClusterMachine {
  const { namespace, name } = machine.metadata;
  const infraName = infraRefName(machine);
  const infra =
    infraName &&
    objects.beskar7Machines.find(
      b => b.metadata.namespace === namespace && b.metadata.name === infraName,
    );
  return {
    name,
    role: roleOf(machine),
    phase: machine.status?.phase,
    version: machine.spec?.version,
    providerID: machine.spec?.providerID,
    failureDomain: machine.spec?.failureDomain,
    beskar7Machine: infraName
      ? {
          name: infraName,
          phase: infra ? infra.status?.phase : undefined,
          ready: Boolean(infra && infra.status?.ready),
          failureMessage: infra ? infra.status?.failureMessage : undefined,
        }
      : undefined,
    host: infraName ? hostOfMachine(machine, hostOf) : undefined,
    problems: problemsOf('Machine', name, machine.status?.conditions),
  };
}

function hostOfMachine(machine: CapiMachine, hostOf: HostOfMachine) {
  return hostOf(machine.metadata.namespace, infraRefName(machine)!);
}

/** The Beskar7Machine a Machine's infrastructure is, if it is one. */
function infraRefName(machine: CapiMachine): string | undefined {
  const ref = machine.spec?.infrastructureRef;
  return ref?.kind === 'Beskar7Machine' &&
    groupOf(ref.apiVersion) === INFRASTRUCTURE_GROUP
    ? ref.name
    : undefined;
}

function roleOf(machine: CapiMachine): ClusterMachine['role'] {
  return machine.metadata.labels?.[CONTROL_PLANE_LABEL] !== undefined
    ? 'control-plane'
    : 'worker';
}

function controlPlaneOf(cluster: CapiCluster, objects: ClusterObjects) {
  const ref = cluster.spec?.controlPlaneRef;
  if (!ref) return undefined;
  const namespace = ref.namespace ?? cluster.metadata.namespace;
  return objects.controlPlanes.find(
    cp =>
      cp.metadata.namespace === namespace &&
      cp.metadata.name === ref.name &&
      (!cp.kind || !ref.kind || cp.kind === ref.kind),
  );
}

function machineDeploymentsOf(cluster: CapiCluster, objects: ClusterObjects) {
  const { namespace, name } = cluster.metadata;
  return objects.machineDeployments
    .filter(
      d => d.metadata.namespace === namespace && d.spec?.clusterName === name,
    )
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

function machinesOf(cluster: CapiCluster, objects: ClusterObjects) {
  const { namespace, name } = cluster.metadata;
  return objects.machines
    .filter(
      m => m.metadata.namespace === namespace && m.spec?.clusterName === name,
    )
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

function problemsOf(
  kind: string,
  name: string,
  conditions: Condition[] | undefined,
): ClusterCondition[] {
  return (conditions ?? [])
    .filter(c => c.status !== 'True')
    .map(c => ({
      kind,
      name,
      type: c.type,
      status: c.status as ClusterCondition['status'],
      severity: c.severity || undefined,
      reason: c.reason || undefined,
      message: c.message || undefined,
      lastTransitionTime: c.lastTransitionTime,
    }));
}

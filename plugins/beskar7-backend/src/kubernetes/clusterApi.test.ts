import {
  clusterApiGate,
  ClusterApiCluster,
  ClusterApiMachine,
  PAUSED_ANNOTATION,
} from './clusterApi';
import { ObjectMeta } from './types';

const owner = {
  apiVersion: 'cluster.x-k8s.io/v1beta1',
  kind: 'Machine',
  name: 'm0',
  uid: 'u0',
};
const meta = (extra: Partial<ObjectMeta> = {}): ObjectMeta => ({
  name: 'b0',
  namespace: 'ns',
  ...extra,
});
const machine = (spec: Partial<ClusterApiMachine['spec']> = {}) =>
  ({
    metadata: { name: 'm0', namespace: 'ns' },
    spec: { clusterName: 'c0', bootstrap: {}, ...spec },
  } as ClusterApiMachine);
const cluster = (paused: boolean) =>
  ({
    metadata: { name: 'c0', namespace: 'ns' },
    spec: { paused },
  } as ClusterApiCluster);

describe('clusterApiGate', () => {
  it('leaves a Beskar7Machine without Cluster API as it is, unless paused', () => {
    expect(clusterApiGate(meta(), undefined, undefined)).toEqual({
      kind: 'standalone',
    });
    expect(
      clusterApiGate(
        meta({ annotations: { [PAUSED_ANNOTATION]: '' } }),
        undefined,
        undefined,
      ),
    ).toEqual({ kind: 'paused' });
  });

  it('waits for the owner Machine: a clone is labelled before it is owned', () => {
    const labelled = meta({
      labels: { 'cluster.x-k8s.io/cluster-name': 'c0' },
    });
    expect(clusterApiGate(labelled, undefined, cluster(false))).toMatchObject({
      kind: 'waiting',
      reason: 'WaitingForClusterAPIMachineOwnerRef',
    });
    const cloned = meta({
      annotations: { 'cluster.x-k8s.io/cloned-from-name': 'tmpl' },
    });
    expect(clusterApiGate(cloned, undefined, undefined).kind).toBe('waiting');
    // Owned, but the Machine is not there (yet, or any more).
    expect(
      clusterApiGate(meta({ ownerReferences: [owner] }), undefined, undefined),
    ).toMatchObject({
      kind: 'waiting',
      message: expect.stringContaining('m0'),
    });
  });

  it('waits for the bootstrap data, then takes its Secret and failure domain', () => {
    const owned = meta({ ownerReferences: [owner] });
    expect(clusterApiGate(owned, machine(), cluster(false))).toMatchObject({
      kind: 'waiting',
      reason: 'WaitingForBootstrapData',
      message: expect.stringContaining('spec.bootstrap.dataSecretName'),
    });
    expect(
      clusterApiGate(
        owned,
        machine({ bootstrap: { dataSecretName: 's0' }, failureDomain: 'r1' }),
        cluster(false),
      ),
    ).toEqual({
      kind: 'ready',
      bootstrapDataSecret: 's0',
      failureDomain: 'r1',
    });
  });

  it('does nothing while the Cluster is paused, whatever else is ready', () => {
    const owned = meta({ ownerReferences: [owner] });
    const ready = machine({ bootstrap: { dataSecretName: 's0' } });
    expect(clusterApiGate(owned, ready, cluster(true))).toEqual({
      kind: 'paused',
    });
    // An owner reference of another group is not Cluster API's Machine.
    const other = meta({
      ownerReferences: [{ ...owner, apiVersion: 'example.com/v1' }],
    });
    expect(clusterApiGate(other, ready, undefined)).toEqual({
      kind: 'standalone',
    });
  });

  it("takes a failure domain's label from the Cluster's Beskar7Cluster, waiting for it", () => {
    const owned = meta({ ownerReferences: [owner] });
    const onInfra = {
      ...cluster(false),
      spec: { infrastructureRef: { kind: 'Beskar7Cluster', name: 'c0' } },
    } as ClusterApiCluster;
    const inRack = machine({
      bootstrap: { dataSecretName: 's0' },
      failureDomain: 'r1',
    });
    expect(clusterApiGate(owned, inRack, onInfra)).toMatchObject({
      kind: 'waiting',
      reason: 'WaitingForInfrastructure',
    });
    const infra = {
      metadata: { name: 'c0', namespace: 'ns' },
      spec: { failureDomainLabel: 'rack' },
    };
    expect(clusterApiGate(owned, inRack, onInfra, infra)).toEqual({
      kind: 'ready',
      bootstrapDataSecret: 's0',
      failureDomain: 'r1',
      failureDomainLabel: 'rack',
    });
    // Without a failure domain there is nothing to wait for.
    const anywhere = machine({ bootstrap: { dataSecretName: 's0' } });
    expect(clusterApiGate(owned, anywhere, onInfra).kind).toBe('ready');
  });

  it('waits for a named bootstrap data Secret that does not exist yet, or that it may not read', () => {
    const owned = meta({ ownerReferences: [owner] });
    const named = machine({ bootstrap: { dataSecretName: 's0' } });
    expect(
      clusterApiGate(owned, named, cluster(false), undefined, 'missing'),
    ).toMatchObject({
      kind: 'waiting',
      reason: 'WaitingForBootstrapData',
      message: 'waiting for the bootstrap data Secret s0',
    });
    // Without the RoleBinding the backend cannot tell: it says what to bind.
    expect(
      clusterApiGate(owned, named, cluster(false), undefined, 'forbidden'),
    ).toMatchObject({
      kind: 'waiting',
      message: expect.stringContaining('ClusterRole beskar7-bootstrap-data'),
    });
  });
});

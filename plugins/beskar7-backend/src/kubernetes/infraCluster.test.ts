import {
  beskar7ClusterStatusOf,
  failureDomainsOf,
  ownerClusterNameOf,
  waitingClusterStatus,
} from './infraCluster';
import { beskar7MachineToRequest } from './mapping';
import { Beskar7MachineObject } from './types';

const host = (failureDomain?: string, labels: Record<string, string> = {}) => ({
  failureDomain,
  labels,
});
const endpoint = { host: '10.0.0.10', port: 6443 };
const now = new Date('2026-01-01T00:00:00Z');

describe('failureDomainsOf', () => {
  it("makes each distinct value of the hosts' failureDomain one, for the control plane too", () => {
    expect(
      failureDomainsOf(
        [host('rack-b'), host('rack-a'), host('rack-b'), host()],
        undefined,
      ),
    ).toEqual({
      'rack-a': { controlPlane: true },
      'rack-b': { controlPlane: true },
    });
    expect(failureDomainsOf([host(), host()], undefined)).toBeUndefined();
  });

  it('reads the label the Beskar7Cluster names instead, when it names one', () => {
    expect(
      failureDomainsOf(
        [
          host('rack-a', { zone: 'z1' }),
          host('rack-a', { zone: 'z2' }),
          host('rack-b'),
        ],
        'zone',
      ),
    ).toEqual({ z1: { controlPlane: true }, z2: { controlPlane: true } });
  });
});

describe('beskar7ClusterStatusOf', () => {
  it('is ready (v1beta1 and v1beta2 fields, Ready condition) once the endpoint is given', () => {
    const status = beskar7ClusterStatusOf(
      { controlPlaneEndpoint: endpoint },
      [host('rack-a')],
      {},
      now,
    );
    expect(status).toEqual({
      ready: true,
      initialization: { provisioned: true },
      failureDomains: { 'rack-a': { controlPlane: true } },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastTransitionTime: now.toISOString(),
        },
      ],
    });
    // Unchanged, it says the same (so it is not written again).
    expect(
      beskar7ClusterStatusOf(
        { controlPlaneEndpoint: endpoint },
        [host('rack-a')],
        status,
        new Date('2026-02-01T00:00:00Z'),
      ),
    ).toEqual(status);
    // Hosts gone from a domain: the domain goes.
    expect(
      beskar7ClusterStatusOf(
        { controlPlaneEndpoint: endpoint },
        [],
        status,
        now,
      ).failureDomains,
    ).toBeUndefined();
  });

  it('is not ready without an endpoint, and says why', () => {
    const status = beskar7ClusterStatusOf(
      { controlPlaneEndpoint: { host: '' } },
      [],
      {},
      now,
    );
    expect(status.ready).toBe(false);
    expect(status.initialization).toEqual({ provisioned: false });
    expect(status.conditions?.[0]).toMatchObject({
      status: 'False',
      reason: 'ControlPlaneEndpointMissing',
      message: expect.stringContaining('spec.controlPlaneEndpoint'),
    });
  });

  it('says what it waits for in Ready, keeping the rest', () => {
    const ready = beskar7ClusterStatusOf(
      { controlPlaneEndpoint: endpoint },
      [],
      {},
      now,
    );
    const deleting = waitingClusterStatus(
      ready,
      { reason: 'Deleting', message: 'waiting for 2' },
      now,
    );
    expect(deleting.ready).toBe(true);
    expect(deleting.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'False',
        severity: 'Info',
        reason: 'Deleting',
      }),
    ]);
  });
});

describe('ownerClusterNameOf', () => {
  it("is the owner Cluster's name, else the cluster-name label", () => {
    const ref = {
      apiVersion: 'cluster.x-k8s.io/v1beta1',
      kind: 'Cluster',
      name: 'c1',
      uid: 'u',
    };
    expect(
      ownerClusterNameOf({ name: 'b', namespace: 'n', ownerReferences: [ref] }),
    ).toBe('c1');
    expect(
      ownerClusterNameOf({
        name: 'b',
        namespace: 'n',
        labels: { 'cluster.x-k8s.io/cluster-name': 'c2' },
      }),
    ).toBe('c2');
    expect(ownerClusterNameOf({ name: 'b', namespace: 'n' })).toBeUndefined();
  });
});

describe('a failure domain on a Beskar7Machine request', () => {
  const obj: Beskar7MachineObject = {
    metadata: { name: 'm', namespace: 'n' },
    spec: {
      imageURL: 'https://images.example/a.iso',
      osFamily: 'cloud-init',
      hostSelector: {
        matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }],
      },
    },
  };

  it("is the hosts' failureDomain without a label", () => {
    const request = beskar7MachineToRequest(obj, {
      crossNamespace: false,
      clusterApi: { bootstrapDataSecret: 's', failureDomain: 'rack-a' },
    });
    expect(request.requirements?.failureDomain).toBe('rack-a');
  });

  it('is a label requirement, beside the selector, with one', () => {
    const request = beskar7MachineToRequest(obj, {
      crossNamespace: false,
      clusterApi: {
        bootstrapDataSecret: 's',
        failureDomain: 'z1',
        failureDomainLabel: 'zone',
      },
    });
    expect(request.requirements?.failureDomain).toBeUndefined();
    expect(request.requirements?.selector?.matchExpressions).toEqual([
      { key: 'gpu', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'In', values: ['z1'] },
    ]);
  });
});

import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  LoggerService,
  RootLoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Host } from '@beskar7/backstage-plugin-beskar7-common';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { CoreV1Api } from '@kubernetes/client-node';
import { Knex } from 'knex';
import request from 'supertest';
import { beskar7Plugin } from '../plugin';
import { SimulatedFleet, startSimulatedFleet } from '../simulator';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  CLUSTER_API_SKIPPED,
  CLUSTER_API_VERSION,
  clusterApiAvailable,
  ClusterApiTestEnvironment,
  createClusterApiTestEnvironment,
} from './__testUtils__/clusterApiTestEnvironment';
import { REAL_CLUSTER_ENV } from './__testUtils__/kubeTestEnvironment';
import { API_VERSION } from './types';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const api = (path: string) => `/api/beskar7${path}`;
const WAIT = { timeoutMs: 90_000, intervalMs: 250 };

/** Every line the backend logs, with its metadata, for the secrecy checks. */
class CapturedLogs implements RootLoggerService {
  constructor(
    readonly lines: string[] = [],
    private readonly meta: object = {},
  ) {}
  private log(message: string, meta?: object) {
    this.lines.push(`${message} ${JSON.stringify({ ...this.meta, ...meta })}`);
  }
  error = (m: string, meta?: object) => this.log(m, meta);
  warn = (m: string, meta?: object) => this.log(m, meta);
  info = (m: string, meta?: object) => this.log(m, meta);
  debug = (m: string, meta?: object) => this.log(m, meta);
  child(meta: object): LoggerService {
    return new CapturedLogs(this.lines, { ...this.meta, ...meta });
  }
}

const describeCapi = clusterApiAvailable() ? describe : describe.skip;
if (!clusterApiAvailable()) {
  it.skip(`Cluster API scenarios ${CLUSTER_API_SKIPPED}`, () => {});
}

/*
 * Cluster API's real core, kubeadm bootstrap and kubeadm control-plane
 * controllers (scripts/cluster-api.sh) against the real API server, and the
 * whole backend plugin with a simulated fleet whose hosts fetch what their
 * kernel parameters point at. One backend and fleet for every scenario.
 * There is no kubelet: Machines stop at Provisioned.
 */
describeCapi('Cluster API on a simulated fleet', () => {
  let env: ClusterApiTestEnvironment;
  let knex: Knex;
  let sims: SimulatedFleet;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const logs = new CapturedLogs();
  const HOSTS = 6;

  beforeAll(async () => {
    env = await createClusterApiTestEnvironment();
    knex = await databases.init('SQLITE_3');
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    sims = await startSimulatedFleet({
      count: HOSTS,
      username: 'operator',
      password,
      namePrefix: 'capi',
      fetchBootConfig: true,
    });
    backend = await startTestBackend({
      features: [
        beskar7Plugin,
        schedulerServiceFactory,
        mockServices.database.factory({ knex }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logs,
        }),
        mockServices.rootConfig.factory({
          data: {
            beskar7: {
              credentials: {
                fleet: {
                  username: 'operator',
                  password,
                  allowedAddresses: ['127.0.0.1'],
                },
              },
              kubernetes: {
                enabled: true,
                kubeconfig: process.env[REAL_CLUSTER_ENV],
                namespace: env.namespace,
                resyncInterval: '2s',
              },
              provisioning: {
                maxConcurrentOps: 6,
                workerCount: 6,
                bmcCooldownPeriod: '0s',
                pollInterval: '20ms',
                reconcileInterval: '200ms',
              },
            },
          },
        }),
      ],
    });
    for (const [i, sim] of sims.hosts.entries()) {
      const res = await request(backend.server)
        .post(api('/hosts'))
        .set(auth)
        .send({
          name: sim.name,
          namespace: env.namespace,
          failureDomain: i < 3 ? 'rack-a' : 'rack-b',
          bmc: {
            address: sim.url,
            credentialsRef: 'fleet',
            allowPlainHttp: true,
          },
        });
      expect(res.status).toBe(201);
    }
    await eventually(
      listHosts,
      hosts => hosts.every(h => h.state === 'Available'),
      { what: 'every host to be enrolled', ...WAIT },
    );
  });
  afterAll(async () => {
    await backend?.stop();
    await sims?.stop();
    await env?.stop();
  });

  async function listHosts(): Promise<Host[]> {
    const res = await request(backend.server)
      .get(api('/hosts?limit=100'))
      .set(auth);
    return res.body.items;
  }

  const b7m = (name: string): Promise<any> =>
    env.custom.getNamespacedCustomObject({
      group: 'infrastructure.cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'beskar7machines',
      namespace: env.namespace,
      name,
    });

  /**
   * A Cluster on a Beskar7Cluster (the endpoint given): the backend marks
   * its infrastructure ready.
   */
  async function cluster(
    name: string,
    options: {
      controlPlaneRef?: object;
      paused?: boolean;
      infra?: object;
    } = {},
  ) {
    await env.apply({
      apiVersion: API_VERSION,
      kind: 'Beskar7Cluster',
      metadata: { name },
      spec: {
        controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 },
        ...options.infra,
      },
    });
    await env.apply({
      apiVersion: CLUSTER_API_VERSION,
      kind: 'Cluster',
      metadata: { name },
      spec: {
        ...(options.paused && { paused: true }),
        infrastructureRef: {
          apiVersion: API_VERSION,
          kind: 'Beskar7Cluster',
          name,
        },
        ...(options.controlPlaneRef && {
          controlPlaneRef: options.controlPlaneRef,
        }),
      },
    });
  }

  async function template(name: string) {
    await env.apply({
      apiVersion: API_VERSION,
      kind: 'Beskar7MachineTemplate',
      metadata: { name },
      spec: {
        template: {
          spec: {
            imageURL: 'https://images.example/ubuntu-24.04.iso',
            osFamily: 'cloud-init',
          },
        },
      },
    });
  }

  it('a KubeadmControlPlane of 1: its Machine gets kubeadm bootstrap data, and its host fetches exactly that, which appears nowhere else', async () => {
    await template('kcp-cp');
    await env.apply({
      apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
      kind: 'KubeadmControlPlane',
      metadata: { name: 'kcp-cp' },
      spec: {
        replicas: 1,
        version: 'v1.32.0',
        machineTemplate: {
          infrastructureRef: {
            apiVersion: API_VERSION,
            kind: 'Beskar7MachineTemplate',
            name: 'kcp-cp',
          },
        },
        kubeadmConfigSpec: {
          initConfiguration: {
            nodeRegistration: {
              kubeletExtraArgs: {
                'provider-id': '{{ ds.meta_data.provider_id }}',
              },
            },
          },
          joinConfiguration: {
            nodeRegistration: {
              kubeletExtraArgs: {
                'provider-id': '{{ ds.meta_data.provider_id }}',
              },
            },
          },
        },
      },
    });
    await cluster('kcp', {
      controlPlaneRef: {
        apiVersion: 'controlplane.cluster.x-k8s.io/v1beta1',
        kind: 'KubeadmControlPlane',
        name: 'kcp-cp',
      },
    });

    const [machine] = await eventually(
      () => env.machines(env.namespace, 'kcp'),
      ms => ms.length === 1 && ms[0].status?.phase === 'Provisioned',
      { what: 'the control-plane Machine to be Provisioned', ...WAIT },
    );
    const infra = await b7m(machine.spec.infrastructureRef.name);
    const providerID = `b7://${env.namespace}/${infra.metadata.name}`;
    expect(machine.spec.providerID).toBe(providerID);
    expect(infra.status).toMatchObject({
      ready: true,
      initialization: { provisioned: true },
      addresses: [{ type: 'Hostname', address: infra.metadata.name }],
    });

    // What the kubeadm bootstrap provider wrote: real cluster secrets.
    const secret = await env.kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: env.namespace,
        name: machine.spec.bootstrap.dataSecretName,
      });
    const value = Buffer.from(secret.data!.value, 'base64');
    expect(Buffer.from(secret.data!.format, 'base64').toString()).toBe(
      'cloud-config',
    );
    // The first lines of the CA's private key (indented in write_files).
    const caKey =
      /PRIVATE KEY-----\s*\n\s*([A-Za-z0-9+/=]{60,})\s*\n\s*([A-Za-z0-9+/=]{60,})/.exec(
        value.toString(),
      );
    expect(caKey).not.toBeNull();

    // The host it got booted the image and fetched its NoCloud seed.
    const hostName = infra.status.hostRef.name;
    const sim = sims.hosts.find(h => h.name === hostName)!;
    const boot = await eventually(
      async () => sim.bmc.machine.boots.find(b => b.fetched),
      Boolean,
      { what: `${hostName} to fetch its boot configuration`, ...WAIT },
    );
    expect(boot!.media).toBe('https://images.example/ubuntu-24.04.iso');
    const byDocument = Object.fromEntries(
      boot!.fetched!.map(f => [f.url.split('/').at(-1), f]),
    );
    expect(byDocument['user-data'].status).toBe(200);
    expect(byDocument['user-data'].body.equals(value)).toBe(true);
    expect(byDocument['meta-data'].body.toString()).toContain(
      `provider_id: ${providerID}`,
    );
    expect(byDocument['meta-data'].body.toString()).toContain(
      `local-hostname: ${infra.metadata.name}`,
    );
    const token = /\/bootstrap\/([^/]+)\//.exec(
      byDocument['user-data'].url,
    )![1];

    // Nowhere else: logs, API answers, Events, the database.
    const secrets = [caKey![1], caKey![2], token];
    const answers = await Promise.all(
      [
        '/machines?limit=500',
        '/hosts?limit=500',
        `/hosts/${(await listHosts()).find(h => h.name === hostName)!.id}`,
        '/queue/jobs',
      ].map(async p =>
        JSON.stringify(
          (
            await request(backend.server).get(api(p)).set(auth)
          ).body,
        ),
      ),
    );
    const events = JSON.stringify(
      await env.kubeConfig
        .makeApiClient(CoreV1Api)
        .listNamespacedEvent({ namespace: env.namespace }),
    );
    const database = JSON.stringify([
      await knex('beskar7_machines').select(),
      await knex('beskar7_bootstrap_tokens').select(),
      await knex('beskar7_host_events').select(),
    ]);
    for (const secretPart of secrets) {
      expect(logs.lines.join('\n')).not.toContain(secretPart);
      for (const answer of answers) expect(answer).not.toContain(secretPart);
      expect(events).not.toContain(secretPart);
      expect(database).not.toContain(secretPart);
    }
    // A wrong token gets a bare 404.
    const wrong = await request(backend.server).get(
      api(`/bootstrap/${'x'.repeat(43)}/user-data`),
    );
    expect(wrong.status).toBe(404);
    expect(wrong.text).toBe('');
  });
});

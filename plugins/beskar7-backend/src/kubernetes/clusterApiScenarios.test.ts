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
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { beskar7Plugin } from '../plugin';
import { SimulatedFleet, startSimulatedFleet } from '../simulator';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import {
  CLUSTER_API_SKIPPED,
  CLUSTER_API_VERSION,
  clusterApiAvailable,
  ClusterApiTestEnvironment,
  createClusterApiTestEnvironment,
  REAL_CLUSTER_ENV,
} from '@beskar7/backend-testing/kubernetes';
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

  const core = () => env.kubeConfig.makeApiClient(CoreV1Api);

  /** A bootstrap data Secret as a bootstrap provider writes it. */
  async function bootstrapSecret(name: string) {
    await core().createNamespacedSecret({
      namespace: env.namespace,
      body: {
        metadata: { name },
        type: 'cluster.x-k8s.io/secret',
        stringData: {
          value: `#cloud-config\nhostname: ${name}\n`,
          format: 'cloud-config',
        },
      },
    });
  }

  /**
   * A MachineDeployment of workers on a Beskar7MachineTemplate, whose
   * Machines take the bootstrap data from a Secret named up front (no
   * kubeadm: without a Node no control plane is ever initialised, so
   * kubeadm never writes workers' data).
   */
  function machineDeployment(
    name: string,
    replicas: number,
    options: { failureDomain?: string; dataSecretName?: string } = {},
  ) {
    return {
      apiVersion: CLUSTER_API_VERSION,
      kind: 'MachineDeployment',
      metadata: { name },
      spec: {
        clusterName: name,
        replicas,
        template: {
          spec: {
            clusterName: name,
            version: 'v1.32.0',
            bootstrap: {
              dataSecretName: options.dataSecretName ?? `${name}-bootstrap`,
            },
            infrastructureRef: {
              apiVersion: API_VERSION,
              kind: 'Beskar7MachineTemplate',
              name,
            },
            ...(options.failureDomain && {
              failureDomain: options.failureDomain,
            }),
          },
        },
      },
    };
  }

  const scale = (name: string, replicas: number) =>
    env.custom.patchNamespacedCustomObject({
      group: 'cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'machinedeployments',
      namespace: env.namespace,
      name,
      body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
    });

  /** The cluster's Machines once `count` of them are Provisioned and no other is left. */
  const provisioned = (clusterName: string, count: number) =>
    eventually(
      () => env.machines(env.namespace, clusterName),
      ms =>
        ms.length === count && ms.every(m => m.status?.phase === 'Provisioned'),
      { what: `${count} Machines of ${clusterName} Provisioned`, ...WAIT },
    );

  /** Each Machine's Beskar7Machine: on its own host, its providerID the Machine's. */
  async function expectOwnHosts(machines: any[]): Promise<string[]> {
    const hostNames: string[] = [];
    for (const machine of machines) {
      const infra = await b7m(machine.spec.infrastructureRef.name);
      expect(machine.spec.providerID).toBe(
        `b7://${env.namespace}/${infra.metadata.name}`,
      );
      expect(infra.status.ready).toBe(true);
      // The host's name and the address its BMC reported at inspection;
      // Cluster API copies them to the Machine.
      const addresses = [
        { type: 'Hostname', address: infra.metadata.name },
        { type: 'InternalIP', address: expect.stringMatching(/^10\./) },
      ];
      expect(infra.status.addresses).toEqual(addresses);
      expect(machine.status.addresses).toEqual(addresses);
      hostNames.push(infra.status.hostRef.name);
    }
    expect(new Set(hostNames).size).toBe(machines.length);
    const hosts = await listHosts();
    for (const name of hostNames) {
      expect(hosts.find(h => h.name === name)).toMatchObject({
        state: 'Provisioned',
        consumerId: expect.any(String),
      });
    }
    return hostNames;
  }

  /** Until every named host is back to Available, unheld. */
  const available = (names: string[]) =>
    eventually(
      listHosts,
      hosts =>
        names.every(n =>
          hosts.some(
            h => h.name === n && h.state === 'Available' && !h.consumerId,
          ),
        ),
      { what: `hosts ${names.join(', ')} Available`, ...WAIT },
    );

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
    const [cpHost] = await expectOwnHosts([machine]);
    // The KubeadmControlPlane put its Machine in one of the failure domains
    // the Beskar7Cluster published (the racks), and the host is in it.
    expect(['rack-a', 'rack-b']).toContain(machine.spec.failureDomain);
    expect(
      (await listHosts()).find(h => h.name === cpHost)?.failureDomain,
    ).toBe(machine.spec.failureDomain);
    expect(infra.status).toMatchObject({
      ready: true,
      initialization: { provisioned: true },
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

  it('a MachineDeployment of 3 on a Beskar7MachineTemplate: 3 Machines Provisioned on their own hosts; scaled up and down, a Machine deleted as a MachineHealthCheck would, and deleted, its hosts come back', async () => {
    await bootstrapSecret('md-bootstrap');
    await template('md');
    await cluster('md');
    // The backend's reconcile makes the infrastructure ready, with the
    // fleet's racks as failure domains.
    const b7c = await eventually(
      () =>
        env.custom.getNamespacedCustomObject({
          group: 'infrastructure.cluster.x-k8s.io',
          version: 'v1beta1',
          plural: 'beskar7clusters',
          namespace: env.namespace,
          name: 'md',
        }) as Promise<any>,
      c => c.status?.ready === true,
      { what: 'Beskar7Cluster md ready', ...WAIT },
    );
    expect(b7c.status.failureDomains).toEqual({
      'rack-a': { controlPlane: true },
      'rack-b': { controlPlane: true },
    });
    await eventually(
      () =>
        env.custom.getNamespacedCustomObject({
          group: 'cluster.x-k8s.io',
          version: 'v1beta1',
          plural: 'clusters',
          namespace: env.namespace,
          name: 'md',
        }) as Promise<any>,
      c => c.status?.infrastructureReady === true,
      { what: 'Cluster md infrastructureReady', ...WAIT },
    );

    // Measured (printed, not asserted): apply to 3 Machines Provisioned.
    const started = Date.now();
    await env.apply(machineDeployment('md', 3));
    const three = await provisioned('md', 3);
    // eslint-disable-next-line no-console
    console.log(
      `MachineDeployment of 3 applied -> 3 Machines Provisioned: ${
        Date.now() - started
      } ms (loadavg ${readFileSync('/proc/loadavg', 'utf8').trim()})`,
    );
    const first = await expectOwnHosts(three);

    await scale('md', 4);
    const four = await expectOwnHosts(await provisioned('md', 4));
    expect(four).toEqual(expect.arrayContaining(first));

    await scale('md', 1);
    const [kept] = await provisioned('md', 1);
    const keptHost = (await b7m(kept.spec.infrastructureRef.name)).status
      .hostRef.name;
    await available(four.filter(h => h !== keptHost));

    // Remediation deletes the unhealthy Machine; its MachineSet makes another.
    await env.custom.deleteNamespacedCustomObject({
      group: 'cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'machines',
      namespace: env.namespace,
      name: kept.metadata.name,
    });
    await available([keptHost]);
    const [replacement] = await eventually(
      () => provisioned('md', 1),
      ms => ms[0].metadata.name !== kept.metadata.name,
      { what: 'the replacement Machine', ...WAIT },
    );
    const [replacementHost] = await expectOwnHosts([replacement]);

    await env.custom.deleteNamespacedCustomObject({
      group: 'cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'machinedeployments',
      namespace: env.namespace,
      name: 'md',
    });
    await eventually(
      () => env.machines(env.namespace, 'md'),
      ms => ms.length === 0,
      { what: 'no Machine of md left', ...WAIT },
    );
    await available([replacementHost]);
  });

  it('a MachineDeployment in failure domain rack-b whose bootstrap Secret comes late, its Cluster paused meanwhile: waits, provisions nothing while paused, then provisions on a rack-b host', async () => {
    await template('late');
    await cluster('late');
    await env.apply(
      machineDeployment('late', 1, {
        failureDomain: 'rack-b',
        dataSecretName: 'late-bootstrap',
      }),
    );
    // Cluster API made the Machine and its Beskar7Machine; the Secret it
    // names is not there.
    const [machine] = await eventually(
      () => env.machines(env.namespace, 'late'),
      ms => ms.length === 1 && Boolean(ms[0].spec.infrastructureRef),
      { what: 'the Machine of late', ...WAIT },
    );
    const infraName = machine.spec.infrastructureRef.name;
    const waiting = await eventually(
      () => b7m(infraName),
      m =>
        m.status?.conditions?.some(
          (c: any) =>
            c.type === 'Ready' && c.reason === 'WaitingForBootstrapData',
        ),
      { what: 'the Beskar7Machine waiting for its Secret', ...WAIT },
    );
    expect(waiting.spec.providerID).toBeUndefined();

    // Paused, the Secret comes: nothing is claimed.
    await env.custom.patchNamespacedCustomObject({
      group: 'cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'clusters',
      namespace: env.namespace,
      name: 'late',
      body: [{ op: 'add', path: '/spec/paused', value: true }],
    });
    await bootstrapSecret('late-bootstrap');
    // Longer than the backend's resync (2 s) and waiting recheck (2 s).
    await new Promise(r => setTimeout(r, 4_500));
    const paused = await b7m(infraName);
    expect(paused.spec.providerID).toBeUndefined();
    expect(paused.status.hostRef).toBeUndefined();
    const machinesRes = await request(backend.server)
      .get(api('/machines?limit=500'))
      .set(auth);
    expect(
      machinesRes.body.items.map((m: { name: string }) => m.name),
    ).not.toContain(infraName);

    await env.custom.patchNamespacedCustomObject({
      group: 'cluster.x-k8s.io',
      version: 'v1beta1',
      plural: 'clusters',
      namespace: env.namespace,
      name: 'late',
      body: [{ op: 'replace', path: '/spec/paused', value: false }],
    });
    const [done] = await provisioned('late', 1);
    const [hostName] = await expectOwnHosts([done]);
    const host = (await listHosts()).find(h => h.name === hostName);
    expect(host?.failureDomain).toBe('rack-b');
  });
});

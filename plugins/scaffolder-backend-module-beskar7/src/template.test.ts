import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Machine } from '@beskar7/backstage-plugin-beskar7-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The real scaffolder runs the template.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';
import { startBeskar7 } from './__testUtils__/startBeskar7';
import { scaffolderModuleBeskar7 } from './module';

/** A template the catalog module ships. */
const shipped = (name: string): Entity =>
  parse(
    readFileSync(
      resolve(
        __dirname,
        `../../catalog-backend-module-beskar7/templates/${name}.yaml`,
      ),
      'utf8',
    ),
  );
const template = shipped('request-bare-metal');
const clusterTemplate = shipped('bare-metal-kubernetes-cluster');

const VALUES = {
  namePrefix: 'tpl',
  count: 2,
  namespace: 'default',
  pool: 'resource:default/pool-default',
  osFamily: 'kairos',
  provisioningMode: 'RemoteConfig',
  bootMode: 'UEFI',
  imageUrl: 'https://images.example/kairos.iso',
  configUrl: 'https://config.example/cloud-config.yaml',
  wait: true,
  timeoutMinutes: 5,
};

describe('the shipped templates through the real scaffolder', () => {
  const auth = { Authorization: mockCredentials.user.header() };
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    const backend = await startBeskar7({
      hosts: 4,
      features: [
        scaffolderPlugin,
        scaffolderModuleBeskar7,
        catalogServiceMock.factory({ entities: [template, clusterTemplate] }),
      ],
    });
    server = backend.server;
    await eventually(
      async () =>
        (
          await request(server).get('/api/beskar7/hosts').set(auth)
        ).body.items as { state: string }[],
      hosts => hosts.length === 4 && hosts.every(h => h.state === 'Available'),
    );
  });

  // The scaffolder polls a claimed task's events every second until it sees
  // the completion (StorageTaskBroker.registerCancellable), with no error
  // handling: a poll after the database is gone fails the next test file.
  afterAll(() => new Promise(done => setTimeout(done, 1500)));

  it('dry-runs: the form values reach the action, which claims nothing', async () => {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set(auth)
      .send({ template, values: VALUES, directoryContents: [] });

    expect(res.status).toBe(200);
    expect(res.body.output.text[0].content).toContain(
      'Dry run, nothing claimed: 4 Available host(s) match',
    );
    expect(res.body.output.text[0].content).toContain('Machines: tpl-1, tpl-2');
    const machines = await request(server)
      .get('/api/beskar7/machines')
      .set(auth);
    expect(machines.body.totalCount).toBe(0);
  });

  it('dry-runs the cluster template: the form values reach beskar7:cluster:create, which counts the free hosts', async () => {
    const values = {
      name: 'tpl-cluster',
      // Where the simulated hosts are: a cluster's machines claim hosts of its own namespace.
      namespace: 'simulator',
      owner: 'group:default/payments',
      kubernetesVersion: 'v1.32.0',
      controlPlaneEndpoint: '10.0.10.100',
      controlPlanePort: 6443,
      controlPlaneReplicas: 1,
      workerReplicas: 2,
      pool: 'resource:default/pool-default',
      minCpuCores: 1,
      imageUrl: 'https://images.example/ubuntu-24.04-k8s-1.32.iso',
      osFamily: 'cloud-init',
      timeoutMinutes: 5,
    };
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set(auth)
      .send({ template: clusterTemplate, values, directoryContents: [] });

    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({
      links: [
        {
          title: 'The cluster in the portal',
          url: '/beskar7/clusters/simulator/tpl-cluster',
        },
      ],
      text: [
        {
          title: 'Result',
          content:
            'Dry run: 3 machine(s) for simulator/tpl-cluster, 4 matching Available host(s)',
        },
      ],
    });

    const tooBig = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set(auth)
      .send({
        template: clusterTemplate,
        values: { ...values, controlPlaneReplicas: 3, workerReplicas: 2 },
        directoryContents: [],
      });
    expect(JSON.stringify(tooBig.body)).toContain(
      'Not enough capacity for cluster simulator/tpl-cluster: 5 machines requested (3 control plane + 2 workers) but only 4 Available host(s) match the host selector; nothing was created',
    );
  });

  it('runs: two machines provisioned from the chosen pool of the simulated fleet', async () => {
    // The action's own wait is tested in actions/machineActions.test.ts.
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set(auth)
      .send({
        templateRef: 'template:default/request-bare-metal',
        values: { ...VALUES, wait: false },
      });
    expect(created.status).toBe(201);

    const task = await eventually(
      async () =>
        (
          await request(server)
            .get(`/api/scaffolder/v2/tasks/${created.body.id}`)
            .set(auth)
        ).body,
      t => t.status === 'completed' || t.status === 'failed',
    );
    expect(task.status).toBe('completed');
    const machines = await eventually(
      async () =>
        (
          await request(server).get('/api/beskar7/machines').set(auth)
        ).body.items as Machine[],
      all => all.every(m => m.phase === 'Provisioned' || m.phase === 'Failed'),
    );
    expect(machines.map(m => [m.name, m.phase, m.requirements.pool])).toEqual([
      ['tpl-1', 'Provisioned', 'default'],
      ['tpl-2', 'Provisioned', 'default'],
    ]);
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Host,
  Machine,
  PROVISIONING_MODES,
} from '@beskar7/backstage-plugin-beskar7-common';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import request from 'supertest';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { HostStore } from './database/HostStore';
import { beskar7Plugin } from './plugin';
import { eventually } from '@beskar7/backstage-plugin-beskar7-node/testUtils';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };
const HOSTS = 8;

describe.each(databases.eachSupportedId())(
  'a simulated fleet end to end on %p',
  databaseId => {
    it('enrolls hosts over Redfish, provisions a machine per mode and releases them', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          beskar7Plugin,
          // The real scheduler: the reconcilers' periodic pass is part of what is tested.
          schedulerServiceFactory,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              beskar7: {
                simulator: { enabled: true, hosts: HOSTS, pool: 'lab' },
                provisioning: {
                  maxConcurrentOps: 4,
                  workerCount: 4,
                  bmcCooldownPeriod: '0s',
                  pollInterval: '20ms',
                  reconcileInterval: '200ms',
                },
              },
            },
          }),
        ],
      });
      const api = (path: string) => `/api/beskar7${path}`;
      const listHosts = async (): Promise<Host[]> =>
        (await request(server).get(api('/hosts?limit=100')).set(auth)).body
          .items;

      const enrolled = await eventually(listHosts, hosts =>
        hosts.every(h => h.state === 'Available'),
      );
      expect(enrolled).toHaveLength(HOSTS);
      // The inventory came from the BMCs, vendor by vendor.
      expect(new Set(enrolled.map(h => h.hardware.manufacturer)).size).toBe(6);
      expect(enrolled.every(h => (h.hardware.cpuCores ?? 0) > 0)).toBe(true);
      // The simulated servers start powered off; inspection reads it.
      expect(enrolled.map(h => h.powerState)).toEqual(
        enrolled.map(() => 'Off'),
      );
      expect(enrolled.every(h => h.powerStateObservedAt)).toBe(true);

      const machines: Machine[] = [];
      for (const [i, mode] of PROVISIONING_MODES.entries()) {
        const res = await request(server)
          .post(api('/machines'))
          .set(auth)
          .send({
            name: `m-${i}`,
            imageUrl: 'https://images.example/os.iso',
            configUrl: 'https://config.example/m.yaml',
            osFamily: 'flatcar',
            provisioningMode: mode,
            requirements: { pool: 'lab' },
          });
        expect(res.status).toBe(201);
        machines.push(res.body);
      }

      const provisioned = await eventually(
        () =>
          Promise.all(
            machines.map(
              async m =>
                (
                  await request(server)
                    .get(api(`/machines/${m.id}`))
                    .set(auth)
                ).body as Machine,
            ),
          ),
        all =>
          all.every(m => m.phase === 'Provisioned' || m.phase === 'Failed'),
      );
      expect(
        provisioned.map(m => [m.provisioningMode, m.phase, m.failureReason]),
      ).toEqual(
        PROVISIONING_MODES.map(mode => [mode, 'Provisioned', undefined]),
      );
      const hostIds = provisioned.map(m => m.hostId);
      expect(new Set(hostIds).size).toBe(machines.length);
      const provisionedHosts = (await listHosts()).filter(h =>
        hostIds.includes(h.id),
      );
      expect(provisionedHosts.map(h => h.powerState)).toEqual(
        hostIds.map(() => 'On'),
      );

      for (const m of machines) {
        const res = await request(server)
          .post(api(`/machines/${m.id}/release`))
          .set(auth);
        expect(res.status).toBe(200);
      }
      const released = await eventually(listHosts, hosts =>
        hosts.every(h => h.state === 'Available'),
      );
      expect(released.every(h => h.consumerId === undefined)).toBe(true);
      expect(released.every(h => h.powerState === 'Off')).toBe(true);

      const diagnostics = await request(server)
        .get(api('/diagnostics'))
        .set(auth);
      expect(diagnostics.status).toBe(200);
      const checks = Object.fromEntries(
        diagnostics.body.checks.map((c: { id: string }) => [c.id, c]),
      );
      expect(Object.keys(checks).length).toBeGreaterThan(5);
      // The database check judges a round trip's time, which a loaded test
      // machine decides; here it only has to find the database reachable.
      expect(checks.database.value).not.toBe('unreachable');
      expect(
        diagnostics.body.checks
          .filter(
            (c: { id: string; status: string }) =>
              c.id !== 'database' && c.status !== 'ok',
          )
          .map((c: { id: string; message: string }) => `${c.id}: ${c.message}`),
      ).toEqual([]);

      // Break a host on purpose; the host-state-recovery runbook repairs it.
      const broken = enrolled[0];
      const store = new HostStore(knex);
      const current = (await store.get(broken.id))!;
      await store.updateState(broken.id, current.version, {
        to: 'Error',
        reason: 'Drill',
        errorMessage: 'BMC unreachable (drill)',
      });
      const alert = await request(server).get(api('/diagnostics')).set(auth);
      expect(alert.body.checks).toContainEqual(
        expect.objectContaining({
          id: 'hosts-in-error',
          // 1 of 8 hosts is more than the 10% that points at a common cause.
          status: 'error',
          runbookId: 'host-state-recovery',
        }),
      );
      const started = await request(server)
        .post(api('/runbooks/host-state-recovery/runs'))
        .set(auth)
        .send({ parameters: { hostId: broken.id, waitSeconds: 20 } });
      expect(started.status).toBe(201);
      const runId = started.body.id;
      let run = (
        await request(server)
          .post(api(`/runbooks/runs/${runId}/resume`))
          .set(auth)
      ).body;
      // The manual step (fix the cause) needs the operator's word.
      expect(run.status).not.toBe('completed');
      run = (
        await request(server)
          .post(api(`/runbooks/runs/${runId}/next`))
          .set(auth)
          .send({ verdict: 'pass', note: 'drill: nothing to fix' })
      ).body;
      run = (
        await request(server)
          .post(api(`/runbooks/runs/${runId}/resume`))
          .set(auth)
      ).body;
      expect(run.status).toBe('completed');
      expect((await store.get(broken.id))!.state).toBe('Available');

      const history = await request(server)
        .get(api(`/hosts/${hostIds[0]}`))
        .set(auth);
      expect(
        history.body.events
          .map((e: { toState: string }) => e.toState)
          .reverse(),
      ).toEqual([
        'Enrolling',
        'Available',
        'Claimed',
        'Provisioning',
        'Provisioned',
        'Deprovisioning',
        'Available',
        ...(hostIds[0] === broken.id
          ? ['Error', 'Deprovisioning', 'Available']
          : []),
      ]);
    }, 60_000);
  },
);

import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  Beskar7RunbookProcedure,
  beskar7RunbooksExtensionPoint,
} from '@beskar7/backstage-plugin-beskar7-node';
import request from 'supertest';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { beskar7Plugin } from '../plugin';
import { PROCEDURES } from './procedures';
import { withContributed } from './withContributed';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };

const rackCheck: Beskar7RunbookProcedure = {
  id: 'rack-power-check',
  title: 'Rack power check',
  symptoms: ['several hosts of one rack in Error'],
  severity: 'warning',
  parameters: [],
  steps: [
    {
      id: 'read-health',
      title: 'Read the fleet health',
      description: 'Runs the diagnostics',
      kind: 'automated',
      mutates: false,
      risk: { level: 'none', description: 'Reads only' },
      rollback: { description: 'Nothing to undo' },
      run: async ({ diagnose }) => {
        const report = await diagnose();
        return { summary: `overall ${report.status}`, data: report.status };
      },
      verification: {
        description: 'The diagnostics answered',
        check: (_, outcome) => ({
          passed: typeof outcome.data === 'string',
          message: outcome.summary,
        }),
      },
    },
  ],
};

describe('contributed runbook procedures', () => {
  it('run next to the built-in ones', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        beskar7Plugin,
        mockServices.database.factory({ knex }),
        createBackendModule({
          pluginId: 'beskar7',
          moduleId: 'rack-runbooks',
          register(reg) {
            reg.registerInit({
              deps: { runbooks: beskar7RunbooksExtensionPoint },
              async init({ runbooks }) {
                runbooks.addProcedure(rackCheck);
              },
            });
          },
        }),
      ],
    });

    const list = await request(server).get('/api/beskar7/runbooks').set(auth);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(
      'rack-power-check',
    );

    const started = await request(server)
      .post('/api/beskar7/runbooks/rack-power-check/runs')
      .set(auth)
      .send({});
    const run = await request(server)
      .post(`/api/beskar7/runbooks/runs/${started.body.id}/resume`)
      .set(auth);
    expect(run.body.status).toBe('completed');
    expect(run.body.steps[0]).toMatchObject({ status: 'passed' });
  });

  it('refuses an id that is already taken', () => {
    expect(() =>
      withContributed(PROCEDURES, [{ ...rackCheck, id: PROCEDURES[0].id }]),
    ).toThrow(`Two runbook procedures have the id '${PROCEDURES[0].id}'`);
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { beskar7Plugin } from '../plugin';
import { createTestDatabases } from '@beskar7/backend-testing/database';
import { specCheckedServer } from '@beskar7/backend-testing/http';

const databases = createTestDatabases();
const auth = { Authorization: mockCredentials.user.header() };

/** The cluster routes without the Kubernetes side; with it: clusters/ClusterService.test.ts. */
describe('cluster routes', () => {
  async function start(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startTestBackend({
      features: [
        beskar7Plugin,
        mockServices.database.factory({ knex }),
        mockServices.permissions.factory({ result }),
      ],
    });
    return specCheckedServer(server);
  }

  it('refuses readers without beskar7.cluster.read', async () => {
    const server = await start(AuthorizeResult.DENY);
    for (const path of ['/clusters', '/clusters/default/payments']) {
      const res = await request(server).get(`/api/beskar7${path}`).set(auth);
      expect(res.status).toBe(403);
    }
  });

  it('says when there is no Kubernetes API to read, and refuses bad names', async () => {
    const server = await start(AuthorizeResult.ALLOW);
    const list = await request(server).get('/api/beskar7/clusters').set(auth);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], kubernetesEnabled: false });
    const detail = await request(server)
      .get('/api/beskar7/clusters/default/payments')
      .set(auth);
    expect(detail.status).toBe(404);
    expect(detail.body.error.message).toMatch(/beskar7\.kubernetes/);
    const badName = await request(server)
      .get('/api/beskar7/clusters/Default/pay_ments')
      .set(auth);
    expect(badName.status).toBe(404);
    const badFilter = await request(server)
      .get('/api/beskar7/hosts?cluster=payments')
      .set(auth);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.message).toMatch(/cluster/);
    const noHosts = await request(server)
      .get('/api/beskar7/hosts?cluster=default/payments')
      .set(auth);
    expect(noHosts.body).toMatchObject({ items: [], totalCount: 0 });
  });
});

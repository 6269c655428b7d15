import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot, signIn, watchConsole } from './portal';

// scripts/e2e.sh sets it when it started the backend with its Kubernetes
// side on the API server and Cluster API controllers of scripts/test.sh.
const kubernetes = process.env.BESKAR7_E2E_KUBERNETES;

test.describe.configure({ timeout: 240_000 });

let browserErrors: ReturnType<typeof watchConsole>;
test.beforeEach(({ page }) => {
  browserErrors = watchConsole(page);
});
test.afterEach(() => browserErrors.check());

test("the Clusters tab and a cluster's page show a cluster on Beskar7 hosts, down to its host", async ({
  page,
  request,
}) => {
  test.skip(
    !kubernetes,
    'needs the backend on a Kubernetes API with Cluster API (scripts/e2e.sh, with BESKAR7_TEST_KUBECONFIG and BESKAR7_TEST_CLUSTER_API set)',
  );
  // The cluster is requested as the template's action would: through the
  // plugin's API, as the guest (an operator in app-config.yaml).
  const identity = await request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const { token } = (await identity.json()).backstageIdentity;
  const name = `e2e-${Date.now().toString(36)}`;
  const created = await request.post('/api/beskar7/clusters', {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      namespace: 'default',
      name,
      kubernetesVersion: 'v1.32.0',
      controlPlaneEndpoint: { host: '10.0.10.100', port: 6443 },
      controlPlaneReplicas: 1,
      workerReplicas: 0,
      hostSelector: { pool: 'default' },
      imageUrl: 'https://images.example/ubuntu-24.04-k8s-1.32.iso',
      osFamily: 'cloud-init',
      owner: 'group:default/guests',
    },
  });
  expect(created.status()).toBe(201);

  await signIn(page, '/beskar7/clusters');
  const row = page.getByRole('row', { name: new RegExp(`default/${name}`) });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row).toContainText('v1.32.0', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(row).toContainText('10.0.10.100:6443');
  await expect(
    page.getByRole('link', { name: 'Request cluster' }),
  ).toHaveAttribute(
    'href',
    '/create/templates/default/bare-metal-kubernetes-cluster',
  );
  await expectAccessible(page, 'the clusters tab');

  await row.getByRole('link', { name: `default/${name}` }).click();
  const controlPlane = page.getByRole('region', { name: /^Control plane/ });
  // The control-plane Machine, provisioned on a host of the simulated fleet.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(
      controlPlane.getByRole('link', { name: /^simulator\/sim-\d+$/ }),
    ).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 180_000 });
  await expect(controlPlane).toContainText('Provisioned');
  await expect(page.getByText('group:default/guests')).toBeVisible();
  await expectAccessible(page, "a cluster's page");
  await screenshot(page, 'cluster');

  // Deleted from its page; the list no longer shows it once Cluster API is done.
  await page.getByRole('button', { name: 'Delete cluster' }).click();
  await page.getByRole('button', { name: 'Confirm delete cluster' }).click();
  await expect(page).toHaveURL(/\/beskar7\/clusters$/);
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 120_000 });
});

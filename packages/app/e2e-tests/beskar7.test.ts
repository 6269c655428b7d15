import { test, expect, Page } from '@playwright/test';

async function signIn(page: Page, path: string) {
  await page.goto(path);
  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();
}

test('the overview shows the backend health and the fleet', async ({
  page,
}) => {
  await signIn(page, '/beskar7');
  await expect(page.getByText('Beskar7 bare-metal fleet')).toBeVisible();
  await expect(page.getByTestId('health-status')).toHaveText('ok');
  await expect(page.getByTestId('last-updated')).toContainText('Updated');
  await expect(
    page.getByRole('list', { name: 'hosts by state' }),
  ).toContainText('Available');
});

test('hosts are listed, filtered and described', async ({ page }) => {
  await signIn(page, '/beskar7/hosts');
  const table = page.getByRole('table', { name: 'hosts' });
  await expect(
    table.getByRole('link', { name: 'simulator/sim-00' }),
  ).toBeVisible({
    timeout: 30_000,
  });
  await page.getByLabel('Search hosts').fill('sim-01');
  await expect(table.getByRole('row')).toHaveCount(2);
  await table.getByRole('link', { name: 'simulator/sim-01' }).click();
  await expect(page.getByTestId('bmc-address')).toContainText('http');
  await expect(page.getByRole('list', { name: 'state history' })).toContainText(
    'Enrolling',
  );
});

test('a machine requested in the portal gets provisioned', async ({ page }) => {
  await signIn(page, '/beskar7/machines');
  await page.getByLabel('Name prefix').fill('e2e');
  await page.getByLabel('Image URL').fill('https://images.example/flatcar.iso');
  await page.getByLabel('OS family').selectOption('flatcar');
  await page.getByLabel('Provisioning mode').selectOption('PXE');
  await page.getByRole('button', { name: 'Request' }).click();
  await expect(page.getByRole('status')).toContainText('Requested e2e-0');

  const row = page.getByRole('row', { name: /default\/e2e-0/ });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row).toContainText('Provisioned', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
});

test('queue health charts the queue, claims and BMC latency by vendor', async ({
  page,
}) => {
  await signIn(page, '/beskar7/queue');
  // The history holds a sample every 10 s; the provisioning above gave the BMCs work.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(
      page.getByRole('img', { name: /^Queue length: Queued \d+, max \d+/ }),
    ).toBeVisible({ timeout: 1_000 });
    await expect(
      page
        .getByRole('figure', { name: /^By vendor/ })
        .getByText(/p95/)
        .first(),
    ).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(
    page.getByRole('img', {
      name: /^Operations running: Running \d+, maxConcurrentOps \d+/,
    }),
  ).toBeVisible();
  await expect(
    page.getByRole('img', { name: /^Claim conflict rate:/ }),
  ).toBeVisible();
  await expect(page.getByTestId('claim-summary')).toContainText('attempt(s)');

  const path = test.info().outputPath('queue-health.png');
  await page.screenshot({ path, fullPage: true });
  await test.info().attach('queue-health', { path, contentType: 'image/png' });
});

test("a pool's catalog entity has the card and the Bare metal tab", async ({
  page,
}) => {
  // The catalog ingests and processes the pool the module publishes at start-up.
  test.setTimeout(180_000);
  const card = page.getByText(/\d+ hosts, \d+ Available/);
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(async () => {
    await page.goto('/catalog/default/resource/pool-default');
    // A fresh page may ask for the guest sign-in again.
    await expect(card.or(enter)).toBeVisible({ timeout: 10_000 });
    if (await enter.isVisible()) await enter.click();
    await expect(card).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  // The entity's tab, not the sidebar's page of the same name.
  await page.locator('a[href$="/pool-default/bare-metal"]').click();
  await expect(
    page
      .getByRole('table', { name: 'hosts in pool default' })
      .getByRole('link', { name: 'simulator/sim-00' }),
  ).toBeVisible();
  await expect(page.getByTestId('last-updated')).toContainText('Updated');

  const path = test.info().outputPath('entity-pool-tab.png');
  await page.screenshot({ path, fullPage: true });
  await test
    .info()
    .attach('entity-pool-tab', { path, contentType: 'image/png' });
});

test('a bad request shows the field the API rejected', async ({ page }) => {
  await signIn(page, '/beskar7/machines');
  await page.getByLabel('Name prefix').fill('Bad Name');
  await page.getByLabel('Image URL').fill('https://images.example/os.iso');
  await page.getByRole('button', { name: 'Request' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'name: must be lowercase',
  );
});

test('diagnostics link to runbooks, which run step by step', async ({
  page,
}) => {
  await signIn(page, '/beskar7/diagnostics');
  await expect(
    page.getByRole('table', { name: 'health checks' }),
  ).toContainText('Database reachability');
  await page.getByRole('tab', { name: 'Runbooks' }).click();
  await page.getByLabel('Search runbooks').fill('health');
  await page.getByRole('link', { name: 'Quick health check' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Run automated steps' }).click();
  await expect(page.getByRole('list', { name: 'steps' })).toContainText(
    'passed',
  );
});

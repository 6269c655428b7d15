import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot, signIn, watchConsole } from './portal';

// The tests share one backend and run in order: the machine the first test
// provisions is the consumer the host list shows.

// Every page is scanned with axe, which takes a while on a busy machine.
test.describe.configure({ timeout: 180_000 });

let browserErrors: ReturnType<typeof watchConsole>;
test.beforeEach(({ page }) => {
  browserErrors = watchConsole(page);
});
test.afterEach(() => browserErrors.check());

test('a machine requested in the portal gets provisioned', async ({ page }) => {
  await signIn(page, '/beskar7/machines');
  await page.getByRole('button', { name: 'Request machines' }).click();
  const dialog = page.getByRole('dialog', { name: 'Request machines' });
  await dialog.getByLabel('Name prefix').fill('e2e');
  await dialog
    .getByLabel('Image URL')
    .fill('https://images.example/flatcar.iso');
  await dialog.getByRole('button', { name: /OS family/ }).click();
  await page.getByRole('option', { name: 'flatcar' }).click();
  await dialog.getByRole('button', { name: /Provisioning mode/ }).click();
  await page.getByRole('option', { name: 'PXE', exact: true }).click();
  await expectAccessible(page, 'the machine request dialog');
  await dialog.getByRole('button', { name: 'Request' }).click();
  await expect(dialog.getByText('Requested e2e-0')).toBeVisible({
    timeout: 60_000,
  });
  await dialog.getByRole('button', { name: 'Close' }).last().click();

  const row = page.getByRole('row', { name: /default\/e2e-0/ });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row).toContainText('Provisioned', { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  // The host it holds by name, linking to the host's page.
  await row.getByRole('link', { name: /^simulator\/sim-\d+$/ }).click();
  await expect(page.getByTestId('bmc-address')).toContainText('http');
  await page.goBack();
  await expect(row).toContainText('Provisioned');
  await expectAccessible(page, 'the machines tab');
});

test('a bad request shows the message next to the field the API rejected', async ({
  page,
}) => {
  // The API's 400 is the point of the test.
  browserErrors.expect(/400.*\/api\/beskar7\/machines|status of 400/);
  await signIn(page, '/beskar7/machines');
  await page.getByRole('button', { name: 'Request machines' }).click();
  const dialog = page.getByRole('dialog', { name: 'Request machines' });
  await dialog.getByLabel('Name prefix').fill('Bad Name');
  await dialog.getByLabel('Image URL').fill('https://images.example/os.iso');
  await dialog.getByRole('button', { name: 'Request' }).click();
  const name = dialog.getByLabel('Name prefix');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/must be lowercase/);
});

test('the overview shows the fleet by state, the queue and the backend health', async ({
  page,
}) => {
  await signIn(page, '/beskar7');
  await expect(page.getByText('Beskar7 bare-metal fleet')).toBeVisible();
  await expect(page.getByTestId('health-status')).toHaveText('ok');
  await expect(page.getByTestId('last-updated')).toContainText('Updated');
  const byState = page.getByRole('group', { name: 'Hosts by state' });
  await expect(
    byState.getByRole('img', { name: /^Hosts by state:.*Provisioned/ }),
  ).toBeVisible();
  // A state's count leads to the host list filtered by it.
  await byState.getByRole('link', { name: /Provisioned hosts$/ }).click();
  await expect(page).toHaveURL(/\/beskar7\/hosts\?state=Provisioned/);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(byState).toBeVisible();
  await expectAccessible(page, 'the overview');
  await screenshot(page, 'overview');
});

test('hosts: state chips by colour, consumers by name, sorting by the API', async ({
  page,
}) => {
  await signIn(page, '/beskar7/hosts');
  const hosts = page.getByRole('region', { name: 'hosts' });
  await expect(
    hosts.getByRole('link', { name: 'simulator/sim-00' }),
  ).toBeVisible();

  // Available and Provisioned look different.
  const available = hosts.locator('[data-state="Available"]').first();
  const provisioned = hosts.locator('[data-state="Provisioned"]').first();
  const colours = async (chip: typeof available) =>
    chip.evaluate(e => {
      const style = getComputedStyle(e);
      return `${style.backgroundColor} ${style.color}`;
    });
  expect(await colours(available)).not.toEqual(await colours(provisioned));

  // The consumer is the machine's namespace/name, linking to it.
  await expect(
    hosts.getByRole('link', { name: 'default/e2e-0' }),
  ).toBeVisible();

  // Sorting by a column header asks the API and changes the order.
  const firstName = () =>
    hosts.getByRole('row').nth(1).getByRole('link').first().textContent();
  const header = hosts.getByRole('columnheader', { name: 'Name' });
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(firstName).toBe('simulator/sim-00');
  await header.click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(firstName).toBe('simulator/sim-11');
  await expectAccessible(page, 'the host list');
  await screenshot(page, 'hosts');

  // Filtered by search, then one host in detail.
  await page.getByLabel('Search hosts').fill('sim-01');
  await expect(hosts.getByRole('row')).toHaveCount(2);
  await hosts.getByRole('link', { name: 'simulator/sim-01' }).click();
  await expect(page.getByTestId('bmc-address')).toContainText('http');
  await expect(page.getByRole('list', { name: 'state history' })).toContainText(
    'Enrolling',
  );
  await expect(page.getByRole('region', { name: 'BMC' })).toBeVisible();
  await expectAccessible(page, 'a host detail');
  await screenshot(page, 'host-detail');
});

test('queue health charts the queue, claims and BMC latency with time and units', async ({
  page,
}) => {
  await signIn(page, '/beskar7/queue');
  const queueLength = page.getByRole('figure', { name: 'Queue length' });
  // The history holds a sample every 10 s; the provisioning above gave the BMCs work.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(queueLength.locator('.recharts-xAxis')).toBeVisible({
      timeout: 1_000,
    });
  }).toPass({ timeout: 60_000 });
  // Time on the x axis, readable; the unit on the y axis; the limit in the legend.
  // (recharts draws tick labels in a layer of their own, outside the axis group)
  await expect(
    queueLength.locator('svg text', { hasText: /\d{1,2}:\d{2}/ }).first(),
  ).toBeVisible();
  await expect(
    queueLength.locator('svg text', { hasText: 'jobs' }).first(),
  ).toBeVisible();
  await expect(queueLength.getByTestId('chart-legend').last()).toContainText(
    /Queue limit: \d+/,
  );
  const byVendor = page.getByRole('figure', { name: /^By vendor/ });
  await expect(byVendor.locator('.recharts-yAxis')).toBeVisible();
  await expect(byVendor.getByTestId('chart-legend').first()).toContainText(
    /p50: .+ ms|p50: .+ s/,
  );
  await expect(page.getByTestId('claim-summary')).toContainText('attempt(s)');
  // A latency axis gives its unit in its title, once, never per tick.
  await expect(
    byVendor.locator('svg text', { hasText: /^latency \((ms|s)\)$/ }),
  ).toBeVisible();
  await expect(
    byVendor.locator('.recharts-cartesian-axis-tick-value', {
      hasText: /\d\s*(ms|s|min)$/,
    }),
  ).toHaveCount(0);
  // Every axis title lies wholly inside its chart.
  for (const figure of await page.getByRole('figure').all()) {
    const titles = figure.locator('.recharts-label');
    for (const title of await titles.all()) {
      const inside = await title.evaluate(t => {
        const box = t.getBoundingClientRect();
        const svg = t.closest('svg')!.getBoundingClientRect();
        return (
          box.top >= svg.top &&
          box.bottom <= svg.bottom &&
          box.left >= svg.left &&
          box.right <= svg.right
        );
      });
      expect(inside, `axis title "${await title.textContent()}"`).toBe(true);
    }
  }
  await expectAccessible(page, 'queue health');
  await screenshot(page, 'queue-health');
});

test('diagnostics link to runbooks, which run step by step', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, '/beskar7/diagnostics');
  const checks = page.getByRole('region', { name: 'health checks' });
  await expect(checks).toContainText('Database reachability');
  // Value, threshold and finding read whole: no cell text is cut.
  const cut = await checks
    .locator('tbody p')
    .evaluateAll(cells =>
      cells
        .filter(c => c.scrollWidth > c.clientWidth + 1)
        .map(c => c.textContent),
    );
  expect(cut).toEqual([]);
  await expectAccessible(page, 'diagnostics');
  await page.getByRole('tab', { name: 'Runbooks' }).click();
  await expect(
    page.getByRole('region', { name: 'Critical runbooks' }),
  ).toBeVisible();
  await expectAccessible(page, 'the runbook catalogue');
  await screenshot(page, 'runbooks');
  await page.getByLabel('Search runbooks').fill('health');
  await page.getByRole('link', { name: 'Quick health check' }).first().click();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Run automated steps' }).click();
  const steps = page.getByRole('list', { name: 'steps' });
  await expect(steps).toContainText('passed');
  await expect(steps).toContainText(/by user:development\/guest/);
  await expectAccessible(page, 'a runbook run');
  await screenshot(page, 'runbook-run');
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
      .getByRole('region', { name: 'hosts in pool default' })
      .getByRole('link', { name: 'simulator/sim-00' }),
  ).toBeVisible();
  await expect(page.getByTestId('last-updated')).toContainText('Updated');
  await screenshot(page, 'entity-pool-tab');
});

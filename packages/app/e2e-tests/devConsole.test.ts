import { expect, test } from '@playwright/test';
import { signIn, watchConsole } from './portal';

// React's and React Aria's warnings (a component switching from uncontrolled
// to controlled, ...) and the frontend system's routing warnings are logged
// in development builds only: this test drives the dev server that
// scripts/e2e.sh starts after the production suite.
const devUrl = process.env.BESKAR7_DEV_URL;

test('Beskar7 pages log no warning in a development build', async ({
  page,
}) => {
  test.skip(!devUrl, 'needs the dev frontend (BESKAR7_DEV_URL)');
  test.setTimeout(180_000);
  const browser = watchConsole(page);
  await signIn(page, `${devUrl}/catalog`);
  // In from the sidebar as a user comes, then every tab in turn.
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Bare-metal fleet' })
    .click();
  await expect(page.getByText('Beskar7 bare-metal fleet')).toBeVisible();
  // Each tab, and what shows once it has loaded.
  const tabs: Array<[string, ReturnType<typeof page.getByRole>]> = [
    ['Hosts', page.getByRole('region', { name: 'hosts' })],
    ['Machines', page.getByRole('region', { name: 'machines' })],
    ['Clusters', page.getByRole('button', { name: 'Refresh' })],
    ['Queue health', page.getByRole('figure', { name: 'Queue length' })],
    ['Diagnostics', page.getByRole('region', { name: 'health checks' })],
    ['Runbooks', page.getByRole('region', { name: 'Critical runbooks' })],
    ['Overview', page.getByTestId('health-status')],
  ];
  for (const [tab, loaded] of tabs) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(loaded).toBeVisible();
  }
  await page.getByRole('tab', { name: 'Hosts' }).click();
  await page.getByLabel('Search hosts').fill('sim-01');
  await page.getByRole('link', { name: 'simulator/sim-01' }).click();
  await expect(page.getByTestId('bmc-address')).toBeVisible();
  await page.getByRole('tab', { name: 'Machines' }).click();
  await page.getByRole('button', { name: 'Request machines' }).click();
  const dialog = page.getByRole('dialog', { name: 'Request machines' });
  await dialog.getByRole('button', { name: /OS family/ }).click();
  await page.getByRole('option', { name: 'flatcar' }).click();
  await page.keyboard.press('Escape');
  browser.check();
});

import { expect, Page, test } from '@playwright/test';

/*
 * An operator's incident, end to end in the browser: a BMC breaks while its
 * host is being provisioned, the diagnostics warn, and the host state
 * recovery runbook brings the host back once the BMC is mended. The BMC is
 * broken from outside the backend, through the simulator's control path.
 */

const FAULTS_PATH = '/_simulator/faults';

/** Signs in as the guest and takes the token the portal sends to the API. */
async function signInForToken(page: Page): Promise<string> {
  const apiCall = page.waitForRequest(
    r =>
      r.url().includes('/api/beskar7/') &&
      (r.headers().authorization ?? '').startsWith('Bearer '),
  );
  await page.goto('/beskar7');
  await page.getByRole('button', { name: 'Enter' }).click();
  return (await apiCall).headers().authorization.slice('Bearer '.length);
}

async function screenshot(page: Page, name: string) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

test('a broken BMC is diagnosed and its host recovered with the runbook', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const token = await signInForToken(page);
  const api = (path: string) => `/api/beskar7${path}`;
  const auth = { Authorization: `Bearer ${token}` };

  // An Available host, marked so that only this test's machine can claim it.
  const hosts = await (
    await request.get(api('/hosts?state=Available&limit=1'), { headers: auth })
  ).json();
  const host = hosts.items[0];
  expect(host).toBeDefined();
  const mark = `break-${Date.now()}`;
  const patched = await request.patch(api(`/hosts/${host.id}`), {
    headers: auth,
    data: { labels: { ...host.labels, e2e: mark } },
  });
  expect(patched.status()).toBe(200);

  // Its BMC starts answering 500 to everything but the service root.
  const broken = await request.put(`${host.bmc.address}${FAULTS_PATH}`, {
    data: [{ kind: 'status', status: 500 }],
  });
  expect(broken.status()).toBe(204);

  const machine = await request.post(api('/machines'), {
    headers: auth,
    data: {
      name: mark,
      imageUrl: 'https://images.example/flatcar.iso',
      osFamily: 'flatcar',
      provisioningMode: 'PXE',
      requirements: { selector: { matchLabels: { e2e: mark } } },
    },
  });
  expect(machine.status()).toBe(201);

  // Provisioning fails on every retry and the host ends in Error.
  await expect(async () => {
    const current = await (
      await request.get(api(`/hosts/${host.id}`), { headers: auth })
    ).json();
    expect(current.state).toBe('Error');
  }).toPass({ timeout: 120_000, intervals: [1_000] });

  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const errorCheck = page
    .getByRole('region', { name: 'health checks' })
    .getByRole('row', { name: /Hosts in Error/ });
  await expect(errorCheck.locator('[data-state]')).toHaveText(/warning|error/);
  await screenshot(page, 'diagnostics-host-in-error');

  // From the host's page to the runbook, with the host filled in.
  await page.getByRole('tab', { name: 'Hosts' }).click();
  await page.getByLabel('Search hosts').fill(host.name);
  await page
    .getByRole('region', { name: 'hosts' })
    .getByRole('link', { name: `${host.namespace}/${host.name}` })
    .click();
  await expect(page.getByTestId('bmc-address')).toBeVisible();
  await page.getByRole('link', { name: /Recover step by step/ }).click();
  await expect(
    page.getByRole('textbox', { name: 'Host', exact: true }),
  ).toHaveValue(host.id);
  await page.getByRole('textbox', { name: 'Re-enrollment wait' }).fill('90');
  await page.getByRole('button', { name: 'Start' }).click();

  const steps = page.getByRole('list', { name: 'steps' });
  await page.getByRole('button', { name: 'Run automated steps' }).click();
  await expect(page.getByTestId('result-read-error')).toContainText(
    'verification passed',
  );

  // The manual step: mend the BMC, then say so.
  const mended = await request.put(`${host.bmc.address}${FAULTS_PATH}`, {
    data: [],
  });
  expect(mended.status()).toBe(204);
  await page.getByLabel('Note').fill('BMC answers again');
  await page.getByRole('button', { name: 'Manual step done (pass)' }).click();

  await page.getByRole('button', { name: 'Run automated steps' }).click();
  await expect(page.getByTestId('result-verify-enrollment')).toContainText(
    'verification passed',
    { timeout: 120_000 },
  );
  await expect(steps).not.toContainText('verification failed');
  await screenshot(page, 'runbook-host-state-recovery');

  const recovered = await (
    await request.get(api(`/hosts/${host.id}`), { headers: auth })
  ).json();
  expect(recovered.state).not.toBe('Error');
});

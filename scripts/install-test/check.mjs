// What a platform team checks after installing the plugins into a new app:
// the health route, the simulated hosts, a machine request that reaches
// Provisioned, the catalog module's entities and the plugin page in Chromium.
//
//   node check.mjs <app base URL> <folder for a failure screenshot>
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl, artifacts] = process.argv.slice(2);
const api = `${baseUrl}/api`;

async function request(path, { token, body } = {}) {
  const res = await fetch(`${api}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      'x-requested-with': 'XMLHttpRequest',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Polls until `probe` returns a value, or fails with its last error. */
async function eventually(what, seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
      last = 'not yet';
    } catch (error) {
      last = error.message;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`${what} within ${seconds} s: ${last}`);
}

function step(message) {
  console.log(`--> ${message}`);
}

step('GET /api/beskar7/health without a token');
const health = await request('/beskar7/health');
if (health.status !== 'ok')
  throw new Error(`health: ${JSON.stringify(health)}`);
console.log(JSON.stringify(health));

step('guest sign-in');
const session = await request('/auth/guest/refresh?env=development');
const token = session.backstageIdentity.token;

step('the simulated hosts become Available');
const hosts = await eventually('Available hosts', 120, async () => {
  const page = await request('/beskar7/hosts?state=Available', { token });
  return page.items.length > 0 ? page : undefined;
});
console.log(`${hosts.totalCount} Available, e.g. ${hosts.items[0].name}`);

step('a machine request reaches Provisioned');
const name = `install-test-${Date.now()}`;
const created = await request('/beskar7/machines', {
  token,
  body: {
    name,
    imageUrl: 'https://images.example/kairos.iso',
    configUrl: 'https://config.example/install-test.yaml',
    osFamily: 'kairos',
    provisioningMode: 'RemoteConfig',
  },
});
const machineId = created.id;
const machine = await eventually(`${name} Provisioned`, 180, async () => {
  const m = await request(`/beskar7/machines/${machineId}`, { token });
  if (m.phase === 'Failed') throw new Error(JSON.stringify(m));
  return m.phase === 'Provisioned' ? m : undefined;
});
console.log(`${name}: ${machine.phase}`);

step("the catalog module's pool entities");
const pools = await eventually(
  'host-pool entities in the catalog',
  180,
  async () => {
    const res = await request(
      '/catalog/entities/by-query?filter=kind=resource,spec.type=host-pool',
      { token },
    );
    return res.items.length > 0 ? res.items : undefined;
  },
);
console.log(pools.map(e => e.metadata.name).join(', '));

step('the plugin page in Chromium');
const browser = await chromium.launchPersistentContext(
  mkdtempSync(join(tmpdir(), 'beskar7-chromium-')),
  {
    executablePath:
      process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
);
const page = await browser.newPage();
try {
  await page.goto(`${baseUrl}/beskar7/hosts`);
  await page.getByRole('button', { name: 'Enter' }).click({ timeout: 60_000 });
  await page
    .getByText(hosts.items[0].name)
    .first()
    .waitFor({ timeout: 60_000 });
  await page
    .locator('nav a[href="/beskar7"]')
    .first()
    .waitFor({ timeout: 10_000 });
  console.log(
    `${baseUrl}/beskar7/hosts lists ${hosts.items[0].name}; the navigation links /beskar7`,
  );
} catch (error) {
  const shot = join(artifacts, 'install-test-failure.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.error(`screenshot: ${shot}`);
  throw error;
} finally {
  await browser.close();
}

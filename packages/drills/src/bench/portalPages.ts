import { CDPSession, expect, Page, Request } from '@playwright/test';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A page of the portal and what shows that it has its data. */
export interface PortalPage {
  id: string;
  path: string;
  /** The tab that leads to it, for in-app navigation. */
  tab: string;
  /** Resolves once the page shows its data (the figure stops there). */
  ready(page: Page): Promise<void>;
}

const WAIT_MS = 60_000;

/**
 * Waits for `shown` to hold in the page, checked at every animation frame:
 * Playwright's assertions retry at 100, 250, 500 and 1,000 ms, which would
 * add up to a second to a page that shows its data between two retries.
 */
async function until(page: Page, shown: () => boolean): Promise<void> {
  await page.waitForFunction(shown, undefined, {
    polling: 'raf',
    timeout: WAIT_MS,
  });
}

export const PORTAL_PAGES: PortalPage[] = [
  {
    id: 'hosts',
    path: '/beskar7/hosts',
    tab: 'Hosts',
    // The first row with its host (rows appear with their consumers) and
    // the total in the pager.
    ready: page =>
      until(page, () => {
        const hosts = document.querySelector('section[aria-label="hosts"]');
        const firstRow = hosts?.querySelectorAll('tr, [role="row"]')[1];
        const link = firstRow?.querySelector('a')?.textContent ?? '';
        return (
          /\/node-\d+$/.test(link) &&
          [...hosts!.querySelectorAll('*')].some(
            e =>
              e.children.length === 0 &&
              /^1 - \d+ of \d+$/.test(e.textContent?.trim() ?? ''),
          )
        );
      }),
  },
  {
    id: 'overview',
    path: '/beskar7',
    tab: 'Overview',
    // The cards and the pool table are one load; the health card is its own.
    ready: page =>
      until(page, () => {
        const bar = document.querySelector(
          '[role="group"][aria-label="Hosts by state"] [role="img"]',
        );
        return (
          /^Hosts by state:.*\d+ Provisioned/.test(
            bar?.getAttribute('aria-label') ?? '',
          ) &&
          [...document.querySelectorAll('a')].some(
            a => a.textContent?.trim() === 'pool-00',
          ) &&
          document.querySelector('[data-testid="health-status"]') !== null
        );
      }),
  },
];

export type LoadMode = 'cold' | 'warm' | 'in-app';

/** One request the browser made while a page loaded. */
export interface ApiCall {
  /** Method, path and query, e.g. `GET /api/beskar7/hosts?offset=0&limit=25`. */
  call: string;
  /** From the navigation's start to the request's start, ms. */
  startMs: number;
  /** From the request's start to the last byte of its answer, ms. */
  durationMs: number;
  status: number;
}

export interface PageLoad {
  ms: number;
  /** CPU time of the page's main thread (scripts, layout, paint) during the load, ms. */
  browserCpuMs: number;
  /** CPU time of the backend's processes during the load, ms. */
  backendCpuMs: number;
  api: ApiCall[];
  /** Requests for anything but the API (scripts, styles, fonts). */
  assets: number;
}

/**
 * Loads `target` once and times it, from the navigation's start to
 * `ready`: `cold` with the browser's cache emptied first (a full page load,
 * the app's scripts fetched again), `warm` a full page load with the cache
 * filled, `in-app` a click on its tab from the Runbooks tab (the app
 * already running, as an operator moves between tabs).
 */
const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * CPU time of the page's renderer main thread so far, ms (Chromium's own
 * counter, kept since its session enabled it: one session per page).
 */
async function mainThreadMs(page: Page): Promise<number> {
  let session = sessions.get(page);
  if (!session) {
    session = page
      .context()
      .newCDPSession(page)
      .then(async cdp => {
        await cdp.send('Performance.enable');
        return cdp;
      });
    sessions.set(page, session);
  }
  const { metrics } = await (await session).send('Performance.getMetrics');
  return (metrics.find(m => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
}

export async function loadPage(
  page: Page,
  baseUrl: string,
  target: PortalPage,
  mode: LoadMode,
  backendCpuMs: () => number,
): Promise<PageLoad> {
  if (mode === 'in-app') {
    await page.goto(`${baseUrl}/beskar7/runbooks`);
    await expect(page.getByRole('tab', { name: 'Runbooks' })).toBeVisible({
      timeout: WAIT_MS,
    });
  } else {
    await page.goto('about:blank');
    if (mode === 'cold') {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.clearBrowserCache');
      await cdp.detach();
    }
  }
  const requests = new Map<Request, number>();
  const done: Array<{ request: Request; status: number }> = [];
  let assets = 0;
  const threadBefore = await mainThreadMs(page);
  const backendBefore = backendCpuMs();
  const started = performance.now();
  const onRequest = (r: Request) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) {
      requests.set(r, performance.now() - started);
    } else if (r.url().startsWith('http')) {
      assets++;
    }
  };
  const onDone = async (r: Request) => {
    if (!requests.has(r)) return;
    const response = await r.response().catch(() => null);
    done.push({ request: r, status: response?.status() ?? 0 });
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  try {
    if (mode === 'in-app') {
      await page.getByRole('tab', { name: target.tab }).click();
    } else {
      await page.goto(`${baseUrl}${target.path}`, { waitUntil: 'commit' });
    }
    await target.ready(page);
    const ms = performance.now() - started;
    const backendCpu = backendCpuMs() - backendBefore;
    const threadAfter = await mainThreadMs(page);
    // Requests still in flight are the page's too: wait for them (not timed).
    const settle = Date.now() + 5_000;
    while (done.length < requests.size && Date.now() < settle) {
      await sleep(50);
    }
    const api = done.map(({ request, status }) => {
      const url = new URL(request.url());
      const timing = request.timing();
      return {
        call: `${request.method()} ${url.pathname}${url.search}`,
        startMs: requests.get(request)!,
        durationMs: timing.responseEnd >= 0 ? timing.responseEnd : NaN,
        status,
      };
    });
    api.sort((a, b) => a.startMs - b.startMs);
    return {
      ms,
      // A full load may start a new renderer, whose counter starts at zero.
      browserCpuMs:
        threadAfter >= threadBefore ? threadAfter - threadBefore : threadAfter,
      backendCpuMs: backendCpu,
      api,
      assets,
    };
  } finally {
    page.off('request', onRequest);
    page.off('requestfinished', onDone);
    page.off('requestfailed', onDone);
  }
}

/** Signs in as the guest once; the app remembers it for later loads. */
export async function signInAsGuest(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/beskar7/runbooks`);
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('tab', { name: 'Runbooks' })).toBeVisible({
    timeout: WAIT_MS,
  });
}

import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';

/** Signs in as the guest and opens `path`. */
export async function signIn(page: Page, path: string) {
  await page.goto(path);
  const enterButton = page.getByRole('button', { name: 'Enter' });
  await expect(enterButton).toBeVisible();
  await enterButton.click();
}

/**
 * Messages the app shell itself logs on every page of a new Backstage app,
 * whatever plugin is shown: they are upstream's, not Beskar7's. Anything
 * naming beskar7 is never forgiven.
 */
const APP_SHELL_MESSAGES = [
  // Material UI v4 (the sidebar's buttons) under React's StrictMode, in development.
  /^Warning: findDOMNode is deprecated/,
  // The signals plugin's socket, closed when the guest signs in again or a page reloads.
  /^WebSocket connection to '.*\/api\/signals' failed/,
  // The app registers the default icons of @backstage/plugin-app as components.
  /^The following icons were registered as IconComponent/,
];

/**
 * Collects what the browser reports as errors on a page (console errors,
 * uncaught exceptions, failed requests answered 4xx/5xx) and the console's
 * warnings; `check()` fails the test when there is any, except the app
 * shell's own (APP_SHELL_MESSAGES).
 */
export function watchConsole(page: Page) {
  const errors: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', m => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    const fromShell =
      !/beskar7/i.test(text) && APP_SHELL_MESSAGES.some(p => p.test(text));
    if (!fromShell) errors.push(`console ${m.type()}: ${text}`);
  });
  page.on('pageerror', e => errors.push(`uncaught: ${e.message}`));
  page.on('response', r => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return {
    /** An error the test provokes on purpose (a 400 it wants to see shown). */
    expect: (pattern: RegExp) => expected.push(pattern),
    check: () =>
      expect(
        errors.filter(e => !expected.some(p => p.test(e))),
        'errors and warnings in the browser console',
      ).toEqual([]),
  };
}

/** Scans the page with axe: no violation of impact serious or critical. */
export async function expectAccessible(page: Page, name: string) {
  // Mid-fade (a closing dialog, a page coming back), text has the opacity of
  // the moment and axe measures a contrast nobody sees once it settles: the
  // animations running now are let finish. Endless ones (a spinner) change
  // no contrast, and a live page starts new ones all the time, so only those
  // of this moment are awaited, for 5 s at most.
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter(
            a =>
              a.playState === 'running' &&
              a.effect?.getTiming().iterations !== Infinity,
          )
          .map(a => a.finished.catch(() => undefined)),
      ),
      new Promise(resolve => setTimeout(resolve, 5_000)),
    ]),
  );
  // The page's tabs are links (one route per tab): @backstage/ui's Tab
  // points aria-controls at a tab panel that such tabs never render, which
  // axe reports as aria-valid-attr-value. That is upstream's, not the page's.
  const results = await new AxeBuilder({ page })
    .exclude('[role="tablist"] [role="tab"][href]')
    .analyze();
  const serious = results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    }));
  expect(serious, `serious or critical axe violations on ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

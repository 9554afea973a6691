// The small API e2e tests are written against (the runner is run.mjs).
//
// Why our own instead of @playwright/test: we drive Debian's Chromium through playwright-core only
// (no browser downloads, one pinned npm package), and a test here needs little more than "a fresh
// page on the built app", screenshots, and assertions that wait for the UI to settle.
//
//   import { test, screenshot, eventually, assert } from '../lib.mjs';
//   test('inspector decodes a PUBLISH', async ({ page }) => {
//     await page.goto('/');
//     await eventually(async () => assert.ok(await page.locator('#x').isVisible()));
//     await screenshot(page, 'inspector');
//   });

import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export { default as assert } from 'node:assert/strict';

/** Tests registered by the files in tests/, in registration order. Read by run.mjs. */
export const registered = [];

/** Set by run.mjs before any test runs. */
const config = { browser: null, baseURL: null, outDir: null, onPage: null };

/** Called by run.mjs: where the app is served, the browser, and where screenshots go. */
export function configure({ browser, baseURL, outDir, onPage }) {
  Object.assign(config, { browser, baseURL, outDir, onPage });
}

/**
 * Registers a test. `fn` receives `{ page }`: a fresh page in a fresh browser context (no shared
 * storage between tests), whose `page.goto('/')` opens the built app.
 */
export function test(name, fn) {
  registered.push({ name, fn });
}

/**
 * Runs `fn(page)` on a new page in a new browser context, then closes the context.
 * The runner uses this for every test; a test may use it for a second, independent page.
 */
export async function withPage(fn) {
  if (!config.browser) throw new Error('withPage: the runner has not configured a browser');
  const context = await config.browser.newContext({
    baseURL: config.baseURL,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
  // Loopback only: a test must never reach the network, so anything not served by us is refused.
  await context.route('**/*', (route) =>
    route.request().url().startsWith(config.baseURL) ? route.continue() : route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  config.onPage?.(page);
  try {
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** Saves a full-page screenshot as `<outDir>/<name>.png` (outDir is target/e2e/ by default). */
export async function screenshot(page, name) {
  await mkdir(config.outDir, { recursive: true });
  const file = path.join(config.outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
  return file;
}

/**
 * Retries `fn` until it stops throwing, or rethrows its last error after `timeout` ms. For
 * assertions on UI that updates asynchronously (after input, the app re-renders on its own time).
 */
export async function eventually(fn, { timeout = 5_000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}

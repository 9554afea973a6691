// The playground page's helpers shared by the e2e tests (tests/*.mjs): open it, point it at a
// broker, add clients, subscribe and publish through its forms, read its virtualized lists, save
// screenshots, run a test with a mosquitto of its own. Written against the page's DOM contract listed
// at the top of tests/playground.mjs.

import { assert, eventually, screenshot, startMosquitto } from './lib.mjs';

/** Opens the playground and waits until the app is ready (controls enabled). */
export async function openPlayground(page) {
  await page.goto('/');
  await page.locator('#add-client').waitFor({ state: 'visible', timeout: 30_000 });
  await eventually(async () =>
    assert.equal(await page.evaluate(() => performance.getEntriesByName('ready').length), 1, 'no "ready" mark'),
  );
}

/** Points every client at the WebSocket broker `url`. */
export async function useBroker(page, url) {
  await page.check('#broker-ws');
  await page.fill('#broker-url', url);
  await page.click('#broker-apply');
  await eventually(async () =>
    assert.ok((await page.textContent('[data-testid="broker-in-use"]')).includes(url), 'broker not applied'),
  );
}

export const card = (page, name) => page.locator(`[data-testid="client-card"][data-name="${name}"]`);

export async function status(page, name) {
  return (await card(page, name).locator('[data-testid="client-status"]').textContent()).trim();
}

export async function received(page, name) {
  return Number(await card(page, name).locator('[data-testid="received-count"]').textContent());
}

/** Adds a client with the form; `will` = { topic, payload } opens the connection options. */
export async function addClient(page, name, { will, connected = true } = {}) {
  await page.fill('#client-name', name);
  if (will) {
    const options = page.locator('#add-client-form details.more');
    if (!(await options.evaluate((details) => details.open))) await options.locator('summary').click();
    await page.check('#client-will');
    await page.fill('#will-topic', will.topic);
    await page.fill('#will-payload', will.payload);
  }
  await page.click('#add-client');
  if (connected) {
    await eventually(async () => assert.match(await status(page, name), /Connected/), { timeout: 10_000 });
  }
}

export async function subscribe(page, name, filter, qos) {
  await page.selectOption('#subscribe-client', { label: name });
  await page.fill('#subscribe-filter', filter);
  await page.selectOption('#subscribe-qos', String(qos));
  await page.click('#subscribe-button');
  await eventually(async () => {
    const text = await card(page, name).locator('.subscriptions').textContent();
    assert.ok(text.includes(filter) && !text.includes('waiting for SUBACK'), `no SUBACK for ${filter}: ${text}`);
  });
}

export async function publish(page, name, topic, payload, { qos = 0, retain = false } = {}) {
  await page.selectOption('#publish-client', { label: name });
  await page.fill('#publish-topic', topic);
  await page.fill('#publish-payload', payload);
  await page.selectOption('#publish-qos', String(qos));
  await page.setChecked('#publish-retain', retain);
  await page.click('#publish-button');
}

/** The text of every rendered row of a virtualized list. */
export async function rows(page, list) {
  return page.$$eval(`${list} .vspace [role="row"]`, (rows) => rows.map((row) => row.textContent));
}

/** Saves the page at 1280 px and 390 px, light and dark. */
export async function screenshots(page, name) {
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      await page.waitForTimeout(150);
      await screenshot(page, `${name}-${width}-${colorScheme}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Runs `fn(broker)` with a mosquitto of its own, stopped afterwards whatever happens. */
export async function withBroker(fn) {
  const broker = await startMosquitto();
  try {
    return await fn(broker);
  } catch (err) {
    err.message += `\n--- mosquitto log ---\n${await broker.log()}`;
    throw err;
  } finally {
    await broker.stop();
  }
}

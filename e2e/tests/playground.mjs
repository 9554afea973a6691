// The playground against a real mosquitto this file starts (and stops, by PID), plus the built-in
// broker. Written against the page's DOM contract:
//
//   #broker-ws, #broker-url, #broker-apply, [data-testid="broker-url-message"], [data-testid="broker-in-use"]
//   #quick-start; add a client: #client-name, #client-version, details "Connection options" with
//     #client-will, #will-topic, #will-payload; #add-client
//   [data-testid="client-card"][data-name=NAME] with [data-testid="client-status"],
//     [data-testid="received-count"], [data-testid="client-problem"] and its buttons
//   publish: #publish-client, #publish-topic, #publish-payload, #publish-qos, #publish-retain, #publish-button
//   subscribe: #subscribe-client, #subscribe-filter, #subscribe-qos, #subscribe-button
//   tabs #tab-messages / #tab-packets / #tab-topics; lists #message-log, #packet-list (ARIA grids,
//     rows [role=row][data-row]); [data-testid="payload-view"]; [data-testid="topic-tree"] with
//     [role=treeitem][data-topic]
//   window.__playground.received() / receivedBy(name); performance mark "ready"

import { assert, eventually, freePort, screenshot, test } from '../lib.mjs';
import {
  addClient,
  card,
  openPlayground,
  publish,
  received,
  rows,
  screenshots,
  status,
  subscribe,
  useBroker,
  withBroker,
} from '../page.mjs';

const XSS = '<img src=x onerror=alert(1)>';

test('playground: built-in broker works with zero setup', async ({ page }) => {
  await openPlayground(page);
  assert.match(await page.textContent('[data-testid="broker-in-use"]'), /built-in teaching broker/);
  await page.click('#quick-start');
  await eventually(async () => assert.match(await status(page, 'dashboard'), /Connected/));
  await publish(page, 'esp32-kitchen', 'home/kitchen/temperature', '21.5', { qos: 2 });
  await eventually(async () => assert.equal(await received(page, 'dashboard'), 1));
  assert.equal(await page.evaluate(() => window.__playground.receivedBy('dashboard')), 1);
  assert.equal(await page.evaluate(() => window.__playground.received()), 1);
});

test('playground: two clients on mosquitto, QoS 0/1/2, every packet listed', async ({ page }) => {
  await withBroker(async (broker) => {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'esp32-kitchen');
    await addClient(page, 'dashboard');
    await subscribe(page, 'dashboard', 'home/#', 2);
    // The SUBACK's answer is told, not left as "sent".
    await eventually(async () =>
      assert.match(await page.textContent('[data-testid="events"]'), /Subscribed to “home\/#”: the broker granted QoS 2\./),
    );
    for (const qos of [0, 1, 2]) {
      await publish(page, 'esp32-kitchen', 'home/kitchen/temperature', `2${qos}.5`, { qos });
    }
    await eventually(async () => assert.equal(await received(page, 'dashboard'), 3));
    assert.equal(await page.evaluate(() => window.__playground.receivedBy('dashboard')), 3);
    const log = (await rows(page, '#message-log')).filter((row) => row.includes('received'));
    for (const payload of ['20.5', '21.5', '22.5']) {
      assert.ok(log.some((row) => row.includes(payload)), `log lacks ${payload}: ${log.join(' | ')}`);
    }
    // Each QoS arrives at the QoS it was sent with (the subscription allows 2).
    const qos = log.map((row) => row.match(/home\/kitchen\/temperature(\d)/)?.[1]);
    assert.deepEqual(qos, ['0', '1', '2']);
    await page.click('#tab-packets');
    await page.selectOption('#packet-client', { label: 'esp32-kitchen' });
    const packets = (await rows(page, '#packet-list')).join('\n');
    for (const kind of ['CONNECT', 'CONNACK', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP']) {
      assert.ok(packets.includes(kind), `no ${kind} in the packet list:\n${packets}`);
    }
    // A packet opens in the inspector: its fields, explained.
    await page.locator('#packet-list [role="row"]', { hasText: 'PUBREC' }).first().click();
    await eventually(async () => {
      const detail = await page.textContent('[data-testid="packet-detail"]');
      assert.ok(detail.includes('Packet identifier') && detail.includes('Well-formed'), detail);
    });
    await screenshots(page, 'playground-packets');
    await page.click('#tab-messages');
    await page.selectOption('#packet-client', { label: 'All clients' }).catch(() => {});
    await screenshots(page, 'playground-messages');
  });
});

test('playground: a retained message reaches a late subscriber', async ({ page }) => {
  await withBroker(async (broker) => {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'esp32-kitchen');
    await publish(page, 'esp32-kitchen', 'home/kitchen/ip', '192.168.1.20', { qos: 1, retain: true });
    await eventually(async () => assert.match(await page.textContent('[data-testid="status"]'), /retained/));
    await page.waitForTimeout(300);
    await addClient(page, 'late-dashboard');
    await subscribe(page, 'late-dashboard', 'home/kitchen/#', 1);
    await eventually(async () => assert.equal(await received(page, 'late-dashboard'), 1));
    const row = page.locator('#message-log [role="row"]', { hasText: 'late-dashboard' }).first();
    assert.ok((await row.textContent()).includes('192.168.1.20'));
    assert.equal((await row.locator('.c-flags').textContent()).trim(), 'R', 'the retained flag is shown');
    await row.click();
    await eventually(async () =>
      assert.match(await page.textContent('[data-testid="message-detail"]'), /Retain\s*yes/),
    );
  });
});

test('playground: killing a client abruptly publishes its will', async ({ page }) => {
  await withBroker(async (broker) => {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'esp32-kitchen', { will: { topic: 'home/kitchen/status', payload: 'offline' } });
    await addClient(page, 'dashboard');
    await subscribe(page, 'dashboard', 'home/kitchen/status', 1);
    await card(page, 'esp32-kitchen').getByRole('button', { name: 'Kill abruptly' }).click();
    await eventually(async () => assert.match(await status(page, 'esp32-kitchen'), /Killed/));
    await eventually(async () => assert.equal(await received(page, 'dashboard'), 1), { timeout: 10_000 });
    const log = await rows(page, '#message-log');
    assert.ok(log.some((row) => row.includes('home/kitchen/status') && row.includes('offline')), log.join(' | '));
    // It can come back.
    await card(page, 'esp32-kitchen').getByRole('button', { name: 'Connect' }).click();
    await eventually(async () => assert.match(await status(page, 'esp32-kitchen'), /Connected/));
  });
});

test('playground: a payload with markup shows literally', async ({ page }) => {
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  await withBroker(async (broker) => {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'attacker');
    await addClient(page, 'dashboard');
    await subscribe(page, 'dashboard', '#', 0);
    await publish(page, 'attacker', 'home/evil', XSS, { qos: 1 });
    await eventually(async () => assert.equal(await received(page, 'dashboard'), 1));
    const row = page.locator('#message-log [role="row"]', { hasText: 'dashboard' }).first();
    assert.equal((await row.locator('.c-payload').textContent()).trim(), XSS);
    await row.click();
    await eventually(async () => assert.equal(await page.textContent('[data-testid="payload-view"]'), XSS));
    await page.click('#tab-topics');
    await eventually(async () => assert.ok((await page.textContent('[data-testid="topic-tree"]')).includes(XSS)));
    assert.equal(await page.locator('main img').count(), 0, 'the payload became an element');
    assert.deepEqual(dialogs, [], 'a dialog opened');
    await page.click('#tab-messages');
    await row.click();
    await screenshot(page, 'playground-xss-literal');
  });
});

test('playground: a refused connection, a wrong port and a bad URL explain themselves', async ({ page }) => {
  await withBroker(async (broker) => {
    await openPlayground(page);
    // Typed mistakes are caught before connecting.
    await page.check('#broker-ws');
    await page.fill('#broker-url', 'mqtt://127.0.0.1:1883');
    await eventually(async () =>
      assert.match(await page.textContent('[data-testid="broker-url-message"]'), /raw TCP/),
    );
    assert.ok(await page.isDisabled('#broker-apply'), 'a bad URL cannot be applied');
    // The broker refuses the CONNECT: the reason, by name and code.
    await useBroker(page, broker.refusingUrl);
    await addClient(page, 'dashboard', { connected: false });
    await eventually(async () => {
      const problem = await card(page, 'dashboard').locator('[data-testid="client-problem"]').textContent();
      assert.match(problem, /refused the connection: not authorized \(0x05\)/);
      assert.match(problem, /allow_anonymous/);
    });
    assert.match(await status(page, 'dashboard'), /Failed/);
    await screenshots(page, 'playground-refused');
    // Nothing listens on this port: code 1006 and the likely causes.
    const nobody = await freePort();
    await useBroker(page, `ws://127.0.0.1:${nobody}`);
    await eventually(async () => {
      const problem = await card(page, 'dashboard').locator('[data-testid="client-problem"]').textContent();
      assert.match(problem, new RegExp(`Could not open a WebSocket to ws://127.0.0.1:${nobody}`));
      assert.match(problem, /1006/);
      assert.match(problem, /not running/);
      assert.match(problem, /Wrong port or path/);
    }, { timeout: 10_000 });
    await screenshot(page, 'playground-wrong-port');
  });
});

test('playground: the topic tree shows every topic seen, $SYS included', async ({ page }) => {
  await withBroker(async (broker) => {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'esp32-kitchen');
    await addClient(page, 'dashboard');
    await subscribe(page, 'dashboard', '#', 1);
    await subscribe(page, 'dashboard', '$SYS/broker/clients/#', 0);
    for (const [topic, payload] of [
      ['home/kitchen/temperature', '21.5'],
      ['home/kitchen/temperature', '21.9'],
      ['home/kitchen/temperature', '22.4'],
      ['home/hall/light', 'on'],
    ]) {
      await publish(page, 'esp32-kitchen', topic, payload, { qos: 1 });
    }
    await publish(page, 'esp32-kitchen', 'home/kitchen/ip', '192.168.1.20', { qos: 1, retain: true });
    await page.click('#tab-topics');
    const tree = '[data-testid="topic-tree"]';
    await eventually(async () => {
      const topics = await page.$$eval(`${tree} [role="treeitem"]`, (items) => items.map((item) => item.dataset.topic));
      for (const topic of ['home', 'home/kitchen', 'home/kitchen/temperature', 'home/hall/light', 'home/kitchen/ip', '$SYS', '$SYS/broker/clients/connected']) {
        assert.ok(topics.includes(topic), `the tree lacks ${topic}: ${topics.join(', ')}`);
      }
    }, { timeout: 10_000 });
    const temperature = page.locator(`${tree} [data-topic="home/kitchen/temperature"]`);
    assert.match(await temperature.textContent(), /22\.4/);
    assert.match(await temperature.textContent(), /3 msgs/);
    assert.match(await page.locator(`${tree} [data-topic="home/kitchen/ip"]`).textContent(), /retained/);
    // Keyboard: focus the tree, walk down, open the selection's details with its chart.
    await temperature.click();
    await eventually(async () => assert.equal(await page.locator('[data-testid="chart"]').count(), 1));
    await page.keyboard.press('ArrowUp');
    await eventually(async () =>
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.topic), 'home/kitchen/ip'),
    );
    await temperature.click();
    await screenshots(page, 'playground-topics');
  });
});

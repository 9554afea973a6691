// The sequence diagram: a QoS 2 handshake walked packet by packet in hold mode on a real mosquitto
// (started and stopped by this file), and on the simulator a QoS 1 duplicate under "drop the next
// PUBACK" with the teaching retry, QoS 2 staying exactly-once under the same fault, and a step back
// to before a loss that forks the future. DOM contract:
//
//   [data-testid="diagram"] .arrow[data-label][data-fate] (aria-label: label, time, then its way),
//     .mark[data-mark]; #play-pause, #step-forward, #step-back, #step-last, #step-scrubber,
//     [data-testid="step-position"], [data-testid="history-note"]
//   [data-testid="hold-queue"] .hold-client[data-name] with [data-testid="held"] / [data-testid="inbox"]
//   [data-testid="client-state"][data-name] with [data-testid="outbound"], [data-testid="inbound"]
//   faults: #fault-kind, #fault-packet, #fault-target, #fault-arm, [data-testid="armed-faults"],
//     .fault-client[data-name] input[type=checkbox] (teaching retry)
//   window.__playground.cursor() / head() / seek(step) / step() / back()

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { assert, eventually, screenshot, startMosquitto, test } from '../lib.mjs';
import { addClient, card, openPlayground, useBroker } from '../page.mjs';

async function publish(page, name, payload, qos) {
  await page.selectOption('#publish-client', { label: name });
  await page.fill('#publish-topic', 'home/kitchen/temperature');
  await page.fill('#publish-payload', payload);
  await page.selectOption('#publish-qos', String(qos));
  await page.click('#publish-button');
}

/** Every arrow drawn: label, fate and story, oldest first. */
async function arrows(page) {
  return page.$$eval('[data-testid="diagram"] .arrow', (els) =>
    els.map((e) => ({ label: e.dataset.label, fate: e.dataset.fate, text: e.getAttribute('aria-label') })),
  );
}

/**
 * "esp32-kitchen → broker: PUBLISH #1 QoS 2" from an arrow whose name is "PUBLISH #1 QoS 2 0.123 s:
 * esp32-kitchen → broker, sent" (what it shows first, then its way and its fate).
 */
function story(arrow) {
  const way = / [\d.]+ s: (.+), (sent|arrived|in flight)$/.exec(arrow.text);
  assert.ok(way && arrow.text.startsWith(`${arrow.label} `), `an arrow's name: ${arrow.text}`);
  return `${way[1]}: ${arrow.label}`;
}

/** The text transcript's lines (the steps up to the cursor, oldest first; reaches further back
 * than the drawn window, which holds only what is scrolled into view). */
async function transcript(page) {
  const wasOpen = await openTranscript(page);
  const lines = await page.$$eval('[data-testid="transcript"] li', (items) => items.map((li) => li.textContent));
  // Left as it was found, so screenshots show the page as a user left it.
  if (!wasOpen) await page.click('details.transcript > summary');
  return lines;
}

/**
 * Opens the transcript as a reader would (its lines are in the page only while it is open);
 * returns whether it was open already.
 */
async function openTranscript(page) {
  if (await page.$eval('details.transcript', (d) => d.open)) return true;
  await page.click('details.transcript > summary');
  await eventually(async () => assert.ok(await page.$('[data-testid="transcript"] li'), 'the open transcript lists the steps'));
  return false;
}

async function marks(page, symbol) {
  return (await transcript(page)).filter((line) => line.includes(symbol)).length;
}

async function panel(page, name, field) {
  const text = await page
    .locator(`[data-testid="client-state"][data-name="${name}"] [data-testid="${field}"]`)
    .textContent();
  return text.trim();
}

async function waiting(page) {
  const queue = page.locator('[data-testid="hold-queue"]');
  if ((await queue.count()) === 0) return '';
  return (await queue.textContent()).replace(/\s+/g, ' ');
}

/** Saves the viewport (not the whole page) at 1280 × 800: what a student sees first. */
async function viewportShot(page, name) {
  const file = path.join('target', 'e2e', `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`    screenshot: ${file}`);
}

test('diagram: a QoS 2 handshake on mosquitto walked packet by packet in hold mode', async ({ page }) => {
  const broker = await startMosquitto();
  try {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'esp32-kitchen');
    await addClient(page, 'dashboard');
    await page.selectOption('#subscribe-client', { label: 'dashboard' });
    await page.fill('#subscribe-filter', 'home/#');
    await page.selectOption('#subscribe-qos', '2');
    await page.click('#subscribe-button');
    await eventually(async () => assert.match(await panel(page, 'dashboard', 'subscriptions'), /home\/# QoS 2 \(granted 2\)/));
    // Pause: hold mode.
    await page.click('#play-pause');
    await eventually(async () => assert.match(await page.textContent('[data-testid="hold-note"]'), /Hold mode/));
    await publish(page, 'esp32-kitchen', '21.5', 2);
    await eventually(async () => assert.match(await waiting(page), /esp32-kitchen.*PUBLISH #1.*Send/));
    assert.match(await panel(page, 'esp32-kitchen', 'outbound'), /#1 QoS 2 .* awaiting PUBREC/);
    // Step by step: each step sends our oldest held packet or reveals the broker's oldest buffered
    // one. mosquitto forwards a QoS 2 message when the PUBREL arrives, so the two legs interleave.
    const checks = {
      'broker → esp32-kitchen: PUBREC #1': async () =>
        assert.match(await panel(page, 'esp32-kitchen', 'outbound'), /awaiting PUBCOMP/),
      'broker → esp32-kitchen: PUBCOMP #1': async () =>
        assert.equal(await panel(page, 'esp32-kitchen', 'outbound'), 'none'),
      'broker → dashboard: PUBLISH #1 QoS 2': async () => {
        assert.equal(await panel(page, 'dashboard', 'inbound'), '#1');
        assert.equal(await marks(page, '✓ delivered'), 1, 'delivered to the application once');
        // The README's picture: wide enough for the state panels beside the diagram.
        await page.setViewportSize({ width: 1600, height: 1000 });
        await page.locator('[data-testid="diagram-card"]').scrollIntoViewIfNeeded();
        await page.waitForTimeout(200);
        await viewportShot(page, 'readme-playground');
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.waitForTimeout(150);
        await viewportShot(page, 'diagram-hold-mosquitto-mid-qos2-dark');
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 1280, height: 800 });
        await screenshot(page, 'diagram-hold-mosquitto-mid-qos2');
      },
      'broker → dashboard: PUBREL #1': async () =>
        assert.equal(await panel(page, 'dashboard', 'inbound'), 'none'),
    };
    const stories = [];
    for (let i = 0; i < 8; i++) {
      // The broker's answers come over the network: wait until something waits.
      await eventually(async () => assert.notEqual(await waiting(page), ''), { timeout: 5_000 });
      await page.click('#step-forward');
      let newest;
      await eventually(async () => {
        const shown = await arrows(page);
        newest = story(shown[shown.length - 1]);
        assert.ok(!stories.includes(newest), `no new arrow after step ${i + 1}: ${newest}`);
      });
      stories.push(newest);
      await checks[newest]?.();
    }
    assert.deepEqual(
      [...stories].sort(),
      [
        'broker → dashboard: PUBLISH #1 QoS 2',
        'broker → dashboard: PUBREL #1',
        'broker → esp32-kitchen: PUBCOMP #1',
        'broker → esp32-kitchen: PUBREC #1',
        'dashboard → broker: PUBCOMP #1',
        'dashboard → broker: PUBREC #1',
        'esp32-kitchen → broker: PUBLISH #1 QoS 2',
        'esp32-kitchen → broker: PUBREL #1',
      ],
    );
    // The handshake's order on each leg.
    const order = (...names) => names.map((n) => stories.indexOf(n));
    const isSorted = (xs) => xs.every((x, i) => i === 0 || xs[i - 1] < x);
    assert.ok(isSorted(order('esp32-kitchen → broker: PUBLISH #1 QoS 2', 'broker → esp32-kitchen: PUBREC #1',
      'esp32-kitchen → broker: PUBREL #1', 'broker → esp32-kitchen: PUBCOMP #1')), stories.join('\n'));
    assert.ok(isSorted(order('broker → dashboard: PUBLISH #1 QoS 2', 'dashboard → broker: PUBREC #1',
      'broker → dashboard: PUBREL #1', 'dashboard → broker: PUBCOMP #1')), stories.join('\n'));
    assert.equal(await waiting(page), '', 'nothing left waiting');
    assert.equal(await page.evaluate(() => window.__playground.receivedBy('dashboard')), 1);
    // Back in the record: the state as it was, and the page says it cannot un-send.
    for (let i = 0; i < 2; i++) await page.click('#step-back');
    await eventually(async () => assert.match(await page.textContent('[data-testid="history-note"]'), /cannot un-send/));
    // Two steps back from the end: before the broker's PUBREL reached the dashboard.
    assert.equal(await panel(page, 'dashboard', 'inbound'), '#1');
    await screenshot(page, 'diagram-hold-mosquitto-history');
    await page.click('#step-last');
    await eventually(async () => assert.equal(await page.locator('[data-testid="history-note"]').count(), 0));
    assert.equal(await panel(page, 'dashboard', 'inbound'), 'none');
    // An arrow opens its bytes, annotated field by field.
    await page.locator('[data-testid="diagram"] .arrow[data-label="PUBREL #1"] .shaft').last().click();
    await eventually(async () => {
      const detail = await page.textContent('[data-testid="packet-detail"]');
      assert.ok(detail.includes('PUBREL') && detail.includes('Packet identifier'), detail);
    });
  } catch (err) {
    err.message += `\n--- mosquitto log ---\n${await broker.log()}`;
    throw err;
  } finally {
    await broker.stop();
  }
});

/** The quick start on the simulator, with the kitchen's teaching retry on and `packet` to it dropped. */
async function simulatorWithDrop(page, packet) {
  await openPlayground(page);
  await page.click('#quick-start');
  await eventually(async () => assert.match(await panel(page, 'dashboard', 'subscriptions'), /granted 2/));
  await page.locator('.fault-client[data-name="esp32-kitchen"] input[type="checkbox"]').check();
  await armDrop(page, packet);
}

async function armDrop(page, packet) {
  await page.selectOption('#fault-kind', 'drop');
  await page.selectOption('#fault-packet', packet);
  await page.selectOption('#fault-target', { label: 'to esp32-kitchen' });
  await page.click('#fault-arm');
  await eventually(async () =>
    assert.match(await page.textContent('[data-testid="armed-faults"]'), new RegExp(`drop the next ${packet} to esp32-kitchen`)),
  );
}

test('diagram: simulator, a dropped PUBACK and the retry make a QoS 1 duplicate; QoS 2 stays exactly once', async ({ page }) => {
  await simulatorWithDrop(page, 'PUBACK');
  await publish(page, 'esp32-kitchen', '21.5', 1);
  await eventually(async () => assert.equal(await page.evaluate(() => window.__playground.receivedBy('dashboard')), 2), { timeout: 8_000 });
  // Closed, the transcript keeps no lines in the page (a flood would rewrite hundreds per render).
  assert.equal(await page.$$eval('[data-testid="transcript"] li', (items) => items.length), 0);
  let lines = await transcript(page);
  assert.ok(lines.some((l) => /broker → esp32-kitchen: PUBACK #1, dropped/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /esp32-kitchen → broker: PUBLISH #1 QoS 1 DUP, arrived/.test(l)), 'the resend carries DUP');
  assert.equal(await marks(page, '✓ delivered'), 2, 'QoS 1: delivered twice');
  // QoS 2 under the same fault (its PUBREC dropped): the broker recognises the resend.
  await armDrop(page, 'PUBREC');
  await publish(page, 'esp32-kitchen', '22.5', 2);
  await eventually(async () => assert.equal(await marks(page, '⊘ #2 not routed again'), 1), { timeout: 8_000 });
  await page.waitForTimeout(1_500);
  assert.equal(await page.evaluate(() => window.__playground.receivedBy('dashboard')), 3, 'QoS 2: exactly once');
  lines = await transcript(page);
  assert.ok(lines.some((l) => /PUBREC #2, dropped/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /PUBLISH #2 QoS 2 DUP/.test(l)), 'resent with DUP');
  assert.equal(await panel(page, 'esp32-kitchen', 'outbound'), 'none', 'the handshake completed');
  await screenshot(page, 'diagram-simulator-faults');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  // A phone shows the publisher, the broker and the subscriber side by side: the diagram fits its
  // width (no sideways scroll), and each lifeline's name is inside it.
  await eventually(async () => {
    const fit = await page.$eval('[data-testid="diagram"]', (scroller) => {
      // The scroller's inside: past its border, as wide as what it shows.
      const left = scroller.getBoundingClientRect().left + scroller.clientLeft;
      return {
        scrollWidth: scroller.scrollWidth,
        clientWidth: scroller.clientWidth,
        names: [...scroller.querySelectorAll('.lane-name')].map((name) => {
          const r = name.getBoundingClientRect();
          return { text: name.textContent, inside: r.left >= left - 0.5 && r.right <= left + scroller.clientWidth + 0.5 };
        }),
      };
    });
    assert.deepEqual(fit.names.map((n) => n.text), ['esp32-kitchen', 'broker', 'dashboard']);
    assert.ok(fit.scrollWidth <= fit.clientWidth, `the diagram scrolls sideways: ${fit.scrollWidth} > ${fit.clientWidth}`);
    assert.deepEqual(fit.names.filter((n) => !n.inside), [], 'lane names past the edge');
  });
  await screenshot(page, 'diagram-simulator-faults-390-dark');
  await page.locator('[data-testid="diagram-card"]').screenshot({ path: path.join('target', 'e2e', 'diagram-card-390-dark.png') });
  await page.locator('[data-testid="diagram"]').screenshot({ path: path.join('target', 'e2e', 'diagram-390-dark.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  // Export: a standalone SVG file and a PNG drawn from it.
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
  const svg = await readFile(await svgDownload.path(), 'utf8');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 80));
  assert.ok(svg.includes('PUBACK #1 ✕ lost') && svg.includes('PUBLISH #2 QoS 2 DUP'), 'the whole history is in the file');
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  assert.match(pngDownload.suggestedFilename(), /^mqtt-sequence-\d+\.png$/);
  const png = await readFile(await pngDownload.path());
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
  await writeFile(path.join('target', 'e2e', 'diagram-export.png'), png);
});

test('diagram: simulator, step back to before the loss and fork the future', async ({ page }) => {
  await simulatorWithDrop(page, 'PUBACK');
  // Pause, publish, and walk forward until the PUBACK is lost (keyboard: → steps).
  await page.click('#play-pause');
  await publish(page, 'esp32-kitchen', '21.5', 1);
  await page.locator('#diagram-heading').click();
  // Keys: + and − change the speed (not while typing in a field).
  await page.keyboard.press('+');
  await eventually(async () => assert.match(await page.textContent('[data-testid="status"]'), /Speed ×2\./));
  await page.keyboard.press('-');
  await eventually(async () => assert.match(await page.textContent('[data-testid="status"]'), /Speed ×1\./));
  await page.locator('#publish-topic').press('+');
  assert.match(await page.textContent('[data-testid="status"]'), /Speed ×1\./, 'typing is not a shortcut');
  await page.locator('#diagram-heading').click();
  let lostAt = null;
  for (let i = 0; i < 12 && lostAt === null; i++) {
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(60);
    if ((await arrows(page)).some((a) => a.fate === 'lost')) lostAt = await page.evaluate(() => window.__playground.cursor());
  }
  assert.ok(lostAt !== null, 'the PUBACK was lost within 12 steps');
  const lost = (await arrows(page)).find((a) => a.fate === 'lost');
  assert.equal(lost.label, 'PUBACK #1');
  // Drawn: the lost packet ends in a cross and the word, not only a colour.
  const drawn = page.locator('[data-testid="diagram"] .arrow[data-fate="lost"]');
  assert.match(await drawn.textContent(), /✕ lost/);
  assert.equal(await drawn.locator('.cross').count(), 2);
  await screenshot(page, 'diagram-simulator-lost');
  // Back (keyboard ←) until the loss is not shown: the PUBACK is in flight again.
  for (let i = 0; i < 6 && (await arrows(page)).some((a) => a.fate === 'lost'); i++) {
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(60);
  }
  const shown = await arrows(page);
  assert.ok(!shown.some((a) => a.fate === 'lost'), JSON.stringify(shown));
  assert.ok(shown.some((a) => a.fate === 'in-flight'), JSON.stringify(shown));
  const cursor = await page.evaluate(() => window.__playground.cursor());
  assert.ok(cursor < lostAt);
  assert.ok(cursor < (await page.evaluate(() => window.__playground.head())), 'the recorded future is still there');
  // Change something at the cursor: the teaching retry off. The future is simulated again.
  await page.locator('.fault-client[data-name="esp32-kitchen"] input[type="checkbox"]').uncheck();
  await eventually(async () =>
    assert.equal(await page.evaluate(() => window.__playground.cursor()), await page.evaluate(() => window.__playground.head())),
  );
  await page.click('#play-pause');
  await page.waitForTimeout(2_500);
  assert.equal(await page.evaluate(() => window.__playground.receivedBy('dashboard')), 1, 'no retry: one delivery');
  assert.match(await panel(page, 'esp32-kitchen', 'outbound'), /#1 QoS 1 .* awaiting PUBACK/);
  assert.ok(!(await transcript(page)).some((l) => l.includes('DUP')), 'nothing was resent');
  // The hooks drive the diagram as the buttons do.
  const first = await page.evaluate(() => window.__playground.first());
  assert.equal(await page.evaluate((s) => window.__playground.seek(s), first), first);
  assert.equal(await page.evaluate(() => window.__playground.playing()), 0);
  assert.ok((await page.evaluate(() => window.__playground.step())) > first);
});

test('diagram: packets glide while in flight, and jump with prefers-reduced-motion', async ({ page }) => {
  for (const reducedMotion of ['no-preference', 'reduce']) {
    await page.emulateMedia({ reducedMotion });
    await openPlayground(page);
    await page.click('#quick-start');
    await eventually(async () => assert.match(await panel(page, 'dashboard', 'subscriptions'), /granted 2/));
    // A slow link: a packet takes a second to cross.
    await page.locator('#link-latency').evaluate((input) => {
      input.value = '1000';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await eventually(async () => assert.match(await page.textContent('[data-testid="status"]'), /Latency 1000 ms/));
    await publish(page, 'esp32-kitchen', '21.5', 0);
    const dot = page.locator('[data-testid="diagram"] .arrow[data-fate="in-flight"] .packet-dot').first();
    await dot.waitFor({ timeout: 5_000 });
    const before = Number(await dot.getAttribute('cx'));
    await page.waitForTimeout(300);
    const after = Number(await dot.getAttribute('cx'));
    if (reducedMotion === 'reduce') {
      assert.equal(after, before, 'no gliding with reduced motion');
    } else {
      assert.ok(after > before + 10, `the packet moves towards the broker: ${before} → ${after}`);
    }
  }
});

test('diagram: a sleeping sensor’s messages queue at the in-page broker, and stepping back shows the queue as it was', async ({ page }) => {
  await openPlayground(page);
  await page.click('#quick-start');
  await eventually(async () => assert.match(await panel(page, 'dashboard', 'subscriptions'), /granted 2/));
  // A persistent session (clean session off) can sleep.
  await page.fill('#client-name', 'sensor');
  const options = page.locator('#add-client-form details.more');
  if (!(await options.evaluate((details) => details.open))) await options.locator('summary').click();
  await page.uncheck('#client-clean');
  await page.click('#add-client');
  await eventually(async () => assert.equal(await panel(page, 'sensor', 'connection-state'), 'connected'));
  await page.selectOption('#subscribe-client', { label: 'sensor' });
  await page.fill('#subscribe-filter', 'home/#');
  await page.selectOption('#subscribe-qos', '1');
  await page.click('#subscribe-button');
  await eventually(async () => assert.match(await panel(page, 'sensor', 'subscriptions'), /granted 1/));
  await page.locator('.fault-client[data-name="sensor"] button', { hasText: 'Sleep' }).click();
  await eventually(async () => assert.match(await panel(page, 'sensor', 'connection-state'), /asleep/));
  const asleep = await page.evaluate(() => window.__playground.cursor());
  await publish(page, 'esp32-kitchen', '21.5', 1);
  const queued = page.locator('[data-testid="broker-state"] [data-testid="queued"]');
  await eventually(async () => assert.match(await queued.textContent(), /queued for it \(1\): home\/kitchen\/temperature/));
  await openTranscript(page);
  assert.match(await page.textContent('[data-testid="transcript"]'), /sensor: ☾ asleep/);
  // Back to when it fell asleep: nothing queued yet.
  await page.evaluate((step) => window.__playground.seek(step), asleep);
  await eventually(async () => assert.equal(await queued.count(), 0));
  // Play the recorded future back (the publish queues again) before waking: a wake at the earlier
  // cursor would fork there and drop the recorded publish.
  await page.click('#play-pause');
  await eventually(async () => assert.match(await queued.textContent(), /queued for it \(1\)/));
  await page.locator('.fault-client[data-name="sensor"] button', { hasText: 'Wake' }).click();
  await eventually(async () => assert.equal(await page.evaluate(() => window.__playground.receivedBy('sensor')), 1), { timeout: 8_000 });
  assert.equal(await queued.count(), 0, 'delivered on waking');
});

test('diagram: hold mode warns before the keep-alive matters, and pings keep a paused client connected', async ({ page }) => {
  const broker = await startMosquitto();
  try {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await page.fill('#client-name', 'sensor');
    const options = page.locator('#add-client-form details.more');
    if (!(await options.evaluate((details) => details.open))) await options.locator('summary').click();
    await page.fill('#client-keepalive', '4');
    await page.click('#add-client');
    await eventually(async () => assert.equal(await panel(page, 'sensor', 'connection-state'), 'connected'), { timeout: 10_000 });
    await page.click('#play-pause');
    await publish(page, 'sensor', '21.5', 1);
    // Silent for half the keep alive: the queue says what the broker will do, and when the ping goes.
    await eventually(async () => {
      const warning = await page.textContent('.hold-client[data-name="sensor"] .keepalive-warning');
      assert.match(warning, /closes the connection after 6 s of silence/);
      assert.match(warning, /PINGREQ goes out by itself/);
    }, { timeout: 6_000 });
    // Longer than 1.5 × keep alive, still held: PINGREQ/PINGRESP are never held, so it stays connected.
    await page.waitForTimeout(7_000);
    assert.match(await waiting(page), /sensor.*PUBLISH #1/);
    assert.equal(await panel(page, 'sensor', 'connection-state'), 'connected');
    await openTranscript(page);
    assert.match(await page.textContent('[data-testid="transcript"]'), /sensor → broker: PINGREQ/);
  } catch (err) {
    err.message += `\n--- mosquitto log ---\n${await broker.log()}`;
    throw err;
  } finally {
    await broker.stop();
  }
});

// Accessibility, checked by a machine as well as by hand: axe-core (npm, pinned in package.json)
// audits the page in the states a student meets — the built-in broker mid-QoS 2 with every
// <details> open and each tab and payload view shown, forms with invalid input, a real mosquitto
// in hold mode with a packet waiting, a refused connection, and the inspector with a decode error —
// in the light and the dark theme, at 1280 px and at phone width. Any violation fails the test,
// whatever its impact: names that differ from the visible words (speech users say what they see,
// WCAG 2.5.3), scrollers the keyboard cannot reach, skipped heading levels, contrast. Then the
// keyboard: Tab must reach every control, each with a visible focus ring. And forced colours
// (Windows contrast themes), where backgrounds and shadows go: what is selected, current or lit must
// still differ from the rest. And reflow: at 320 px nothing but two-dimensional content scrolls
// sideways.

import { createRequire } from 'node:module';

import { assert, eventually, screenshot, startMosquitto, test } from '../lib.mjs';
import { openPlayground, useBroker } from '../page.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Rules that must have run and passed somewhere in every audit: proof the audit saw the page. */
const MUST_PASS = ['button-name', 'color-contrast', 'label', 'aria-allowed-attr'];

/**
 * Audits the page as it is (all <details> opened first, so what they hide is audited too); throws
 * listing every violation: rule, impact, what to fix, and the elements.
 */
async function audit(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  await page.$$eval('details', (all) => all.forEach((details) => (details.open = true)));
  // A frame for the app to render what opening them shows.
  await page.waitForTimeout(200);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations', 'passes'] });
    return {
      violations: r.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      })),
      passed: r.passes.map((p) => p.id),
    };
  });
  const listed = result.violations
    .map((v) => `  [${v.impact}] ${v.rule}: ${v.help}\n      ${v.nodes.slice(0, 6).join('\n      ')}`)
    .join('\n');
  assert.equal(result.violations.length, 0, `${where}: accessibility violations\n${listed}`);
  for (const rule of MUST_PASS) {
    assert.ok(result.passed.includes(rule), `${where}: axe did not check "${rule}" (${result.passed.join(', ')})`);
  }
  console.log(`    ${where}: no violations (${result.passed.length} rules passed)`);
}

/** The two sample clients, a QoS 2 message from one to the other, delivered, then paused. */
async function qos2OnTheBuiltInBroker(page) {
  await page.click('#quick-start');
  await eventually(async () => assert.equal(await page.locator('[data-testid="client-card"]').count(), 2));
  await page.selectOption('#publish-client', { label: 'esp32-kitchen' });
  await page.fill('#publish-payload', '{"t": 21.5, "unit": "°C"}');
  await page.selectOption('#publish-qos', '2');
  await page.click('#publish-button');
  await eventually(
    async () => assert.ok((await page.locator('[data-testid="diagram"] .mark[data-mark="delivered"]').count()) >= 1),
    { timeout: 10_000 },
  );
  await page.click('#play-pause');
}

for (const { theme, width, height } of [
  { theme: 'light', width: 1280, height: 800 },
  { theme: 'dark', width: 1280, height: 800 },
  { theme: 'dark', width: 390, height: 844 },
]) {
  test(`accessibility: the built-in broker mid-QoS 2, every view (${theme}, ${width} px)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize({ width, height });
    await openPlayground(page);
    await audit(page, 'the empty playground');
    await qos2OnTheBuiltInBroker(page);
    await audit(page, 'QoS 2 delivered, paused, messages tab');
    // The mouse gets the whole story as a tooltip, outside what the arrow's name must repeat.
    const tooltips = await page.$$eval('[data-testid="diagram"] .arrow', (arrows) =>
      arrows.map((a) => [a.getAttribute('aria-label'), a.querySelector(':scope > .arrow-body > title')?.textContent]),
    );
    assert.ok(tooltips.length >= 8, `${tooltips.length} arrows`);
    for (const [name, tooltip] of tooltips) {
      assert.match(tooltip ?? '', /^[\d.]+ s .+ → .+: .+, .+$/, `the tooltip of "${name}"`);
    }
    await page.locator('#message-log [role="row"]').last().click();
    for (const view of ['json', 'hex', 'base64']) {
      await page.click(`#payload-as-${view}`);
      await audit(page, `the message's payload as ${view}`);
    }
    // The row above (the other direction) lit by the keyboard: each direction's colour on the lit row.
    await page.focus('#message-log');
    await page.keyboard.press('ArrowUp');
    await eventually(async () => assert.match(await page.textContent('#message-log .vrow.selected .c-dir'), /sent/));
    await audit(page, 'the message before it selected with the keyboard');
    await page.click('#tab-packets');
    await page.locator('#packet-list [role="row"]').last().click();
    await audit(page, 'packets tab, a packet open');
    await page.click('#tab-topics');
    await audit(page, 'topics tab');
    // Forms with their errors showing: each message tied to its field.
    await page.fill('#publish-topic', 'home/#/temperature');
    await page.click('#publish-button');
    await page.fill('#subscribe-filter', 'home/#/more');
    await page.click('#subscribe-button');
    await eventually(async () => assert.equal(await page.locator('[aria-invalid="true"]').count(), 2));
    await audit(page, 'forms with invalid topics');
    await page.goto('/#inspector');
    await page.fill('textarea#hex-input', '3606000474657374'); // QoS 3: malformed
    await eventually(async () => assert.ok(await page.locator('[data-testid="decode-error"]').count()));
    await audit(page, 'inspector with a decode error');
  });
}

test('accessibility: a real mosquitto in hold mode, and a refused connection', async ({ page }) => {
  const broker = await startMosquitto();
  try {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openPlayground(page);
    await useBroker(page, broker.url);
    await page.click('#quick-start');
    await eventually(async () => assert.equal(await page.locator('[data-testid="client-card"]').count(), 2));
    await page.click('#play-pause');
    await eventually(async () => assert.match(await page.textContent('[data-testid="hold-note"]'), /Hold mode/));
    await page.selectOption('#publish-client', { label: 'esp32-kitchen' });
    await page.selectOption('#publish-qos', '2');
    await page.click('#publish-button');
    await eventually(async () => assert.match(await page.textContent('[data-testid="hold-queue"]'), /PUBLISH #1/));
    await audit(page, 'hold mode, a PUBLISH waiting to be sent');
    await page.click('#play-pause');
    await useBroker(page, broker.refusingUrl);
    await eventually(async () => assert.match(await page.textContent('[data-testid="client-card"]'), /not authorized/i), {
      timeout: 10_000,
    });
    await audit(page, 'a refused connection');
  } finally {
    await broker.stop();
  }
});

/**
 * Every control a keyboard user should reach, visible now, in document order, each tagged with
 * `data-a11y-id`; and what its focus ring is made of before any focus (`ringStyle`).
 */
function tagControls() {
  // Controls with tabindex="-1" are left out on purpose: the inactive tabs and the list rows are
  // reached with the arrow keys (roving focus), not with Tab.
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const shown = (el) => {
    const closed = el.closest('details:not([open])');
    return (
      el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden' &&
      !el.closest('[inert], [aria-hidden="true"]') &&
      // Inside a closed <details> only its own summary can be reached.
      !(closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed))
    );
  };
  // Of a radio group, Tab reaches the checked one (arrows move within the group).
  const radioSkipped = (el) =>
    el.type === 'radio' && !el.checked && document.querySelector(`input[type=radio][name="${el.name}"]:checked`);
  const controls = [...document.querySelectorAll(selector)].filter(
    (el) => el.getAttribute('tabindex') !== '-1' && !el.disabled && shown(el) && !radioSkipped(el),
  );
  controls.forEach((el, i) => el.setAttribute('data-a11y-id', String(i)));
  return controls.length;
}

/**
 * What makes a focus ring, on the element, its parent and two levels below it (a ring may be drawn
 * by the parent, `.field:has(:focus-visible)`, or inside, the diagram arrow's hit line).
 */
function ringStyle(el) {
  const of = (e) => {
    const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.stroke, s.strokeOpacity].join(' ');
  };
  const below = el.querySelectorAll(':scope > *, :scope > * > *');
  return [el, el.parentElement, ...below].filter(Boolean).map(of).join(' | ');
}

for (const width of [1280, 390]) {
  test(`accessibility: Tab reaches every control, each with a visible focus ring (${width} px)`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await openPlayground(page);
    await qos2OnTheBuiltInBroker(page);
    await page.$$eval('details', (all) => all.forEach((details) => (details.open = true)));
    const total = await page.evaluate(tagControls);
    assert.ok(total > 60, `only ${total} controls found: the page did not render`);
    // The ring's parts of every control before anything has focus, to compare each one with.
    await page.evaluate(`window.__ringStyle = ${ringStyle}`);
    const unfocused = await page.$$eval('[data-a11y-id]', (all) =>
      Object.fromEntries(all.map((el) => [el.dataset.a11yId, window.__ringStyle(el)])),
    );
    await page.evaluate(() => document.activeElement?.blur());
    const reached = new Set();
    const ringless = [];
    // Bounded: twice the controls and a margin, so a trap cannot hang the test.
    for (let i = 0; i < total * 2 + 20 && reached.size < total; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const classes = el.className?.baseVal ?? el.className;
        return { id: el.dataset.a11yId ?? null, ring: window.__ringStyle(el), what: `${el.tagName.toLowerCase()}#${el.id}.${classes}` };
      });
      if (!focused?.id) continue;
      reached.add(focused.id);
      if (focused.ring === unfocused[focused.id]) ringless.push(focused.what);
    }
    const missed = await page.$$eval('[data-a11y-id]', (all, got) =>
      all.filter((el) => !got.includes(el.dataset.a11yId)).map((el) => `${el.tagName.toLowerCase()}#${el.id} ${el.getAttribute('aria-label') ?? el.textContent.trim().slice(0, 40)}`),
      [...reached],
    );
    assert.deepEqual(missed, [], `controls Tab never reached (of ${total})`);
    assert.deepEqual([...new Set(ringless)], [], 'controls that show no focus ring when reached by Tab');
    console.log(`    Tab reached all ${total} controls, each with a visible focus ring`);
  });
}

/** Two elements' computed `property`: the first must differ from the second. */
async function differs(page, lit, plain, property, what) {
  const [a, b] = await Promise.all(
    [lit, plain].map((selector) =>
      page.$eval(selector, (el, p) => getComputedStyle(el)[p], property).catch(() => `(no ${selector})`),
    ),
  );
  assert.ok(!a.startsWith('(no') && !b.startsWith('(no'), `${what}: ${a} / ${b}`);
  assert.notEqual(a, b, `${what}: ${property} is ${a} on both`);
}

test('accessibility: with forced colours, what is selected, current or lit still shows', async ({ page }) => {
  // Windows contrast themes replace backgrounds, shadows and our colours with the user's.
  await page.emulateMedia({ forcedColors: 'active', colorScheme: 'dark' });
  await openPlayground(page);
  await qos2OnTheBuiltInBroker(page);
  await page.locator('#message-log [role="row"]').last().click();
  await differs(page, '#message-log .vrow.selected', '#message-log .vrow:not(.selected)', 'backgroundColor', 'the selected message');
  await differs(page, '.tab.on', '.tab:not(.on)', 'borderBottomColor', 'the current tab');
  await differs(page, 'nav.pages a[aria-current="page"]', 'nav.pages a:not([aria-current])', 'outlineStyle', 'the current page');
  await page.click('#tab-topics');
  await page.locator('[data-testid="topic-tree"] [data-topic="home/kitchen/temperature"]').click();
  await differs(page, '.topic-node.selected', '.topic-node:not(.selected)', 'backgroundColor', 'the selected topic');
  await page.goto('/#inspector');
  await page.locator('[data-testid="field-tree"] [role="treeitem"]').nth(2).hover();
  await differs(page, '.byte.lit', '.byte:not(.lit)', 'backgroundColor', "the pointed field's bytes");
  await differs(page, '.field.lit', '.field:not(.lit)', 'backgroundColor', 'the pointed field');
  await screenshot(page, 'accessibility-forced-colours-inspector');
});

test('accessibility: at 320 px (1280 px at 400 % zoom) nothing needs sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await openPlayground(page);
  await qos2OnTheBuiltInBroker(page);
  for (const route of ['/', '/#inspector']) {
    if (route !== '/') await page.goto(route);
    await page.$$eval('details', (all) => all.forEach((details) => (details.open = true)));
    await page.waitForTimeout(200);
    // The page itself, and every control: none may sit past the right edge. The diagram, the lists
    // and the hex view are two-dimensional content in scrollers of their own, which WCAG allows.
    const wide = await page.evaluate(() => {
      const scrollers = '.diagram-scroll, .vlist, .hex-view, .output-bytes';
      const controls = [...document.querySelectorAll('button, input, select, textarea, summary, a[href], [role="tab"]')];
      return {
        page: document.documentElement.scrollWidth,
        outside: controls
          .filter((el) => el.getClientRects().length && !el.closest(scrollers) && el.getBoundingClientRect().right > 321)
          .map((el) => `${el.tagName.toLowerCase()}#${el.id} ${el.textContent.trim().slice(0, 30)}`),
      };
    });
    assert.equal(wide.page, 320, `${route}: the page is ${wide.page} px wide`);
    assert.deepEqual(wide.outside, [], `${route}: controls past the right edge`);
  }
});

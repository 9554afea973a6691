// Smoke test of the packet inspector, written against the DOM contract shared with the app team:
//
//   textarea#hex-input, select#protocol-version ("3.1.1" | "5.0"), select#sample
//   [data-testid="field-tree"]  [role="treeitem"][data-start][data-len]  (text: field name + value)
//   [data-testid="hex-view"]    span.byte[data-offset="N"], highlighted ones: [data-highlighted="true"]
//   hover a tree item → its bytes are highlighted; hover a byte → its innermost tree item is highlighted
//   [data-testid="decode-error"] message + rule (e.g. "MQTT-3.3.1-4 (3.1.1)") + "byte N"; its bytes highlighted
//   [data-testid="hex-error"]    bad hex input (odd length, non-hex characters)

import { assert, eventually, screenshot, test } from '../lib.mjs';

const HEX_INPUT = 'textarea#hex-input';
const TREE = '[data-testid="field-tree"]';
const ITEMS = `${TREE} [role="treeitem"]`;
const HEX_VIEW = '[data-testid="hex-view"]';

/** QoS 2 PUBLISH, DUP + RETAIN, topic "test", packet identifier 10, payload "test". */
const PUBLISH_QOS2 = '3d0c000474657374000a74657374';
/** PUBLISH with both QoS bits set (QoS 3): malformed, MQTT-3.3.1-4, located in byte 0. */
const PUBLISH_QOS3 = '3606000474657374';

/** Opens the inspector (its own page, `#inspector`) and waits for the app (the Wasm module) to render it. */
async function openInspector(page, version) {
  await page.goto('/#inspector');
  await page.locator(HEX_INPUT).waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await page.locator('select#sample').count(), 1, 'select#sample is missing');
  await page.selectOption('select#protocol-version', version);
}

/** Sorted offsets of the highlighted bytes in the hex view. */
async function highlightedBytes(page) {
  return page.$$eval(`${HEX_VIEW} span.byte[data-highlighted="true"]`, (bytes) =>
    bytes.map((b) => Number(b.dataset.offset)).sort((a, b) => a - b),
  );
}

/**
 * The innermost tree items whose text contains every string in `parts`, as
 * `{ index, start, len, text }`. Items nest (a packet contains its fields), so an outer item's
 * text contains its children's; "innermost" = no nested item matches too.
 * With `highlighted`, only items carrying data-highlighted="true" are considered.
 */
async function innermostItems(page, parts, { highlighted = false } = {}) {
  return page.$$eval(
    ITEMS,
    (items, { parts, highlighted }) => {
      const eligible = (el) =>
        (!highlighted || el.dataset.highlighted === 'true') && parts.every((p) => el.textContent.includes(p));
      return items
        .map((el, index) => ({ el, index }))
        .filter(({ el }) => eligible(el))
        .filter(({ el }) => ![...el.querySelectorAll('[role="treeitem"]')].some(eligible))
        .map(({ el, index }) => ({
          index,
          start: Number(el.dataset.start),
          len: Number(el.dataset.len),
          text: el.textContent.replace(/\s+/g, ' ').trim(),
        }));
    },
    { parts, highlighted },
  );
}

async function findItem(page, parts) {
  const found = await innermostItems(page, parts);
  assert.ok(found.length > 0, `no tree item contains ${JSON.stringify(parts)}`);
  return found[0];
}

/**
 * Hovers a tree item on its own label, not on the nested items below it (hovering the item's
 * centre could land on a child and highlight only the child's bytes).
 */
async function hoverItem(page, index) {
  const point = await page.locator(ITEMS).nth(index).evaluate((item) => {
    item.scrollIntoView({ block: 'center' });
    const nested = [...item.querySelectorAll('[role="treeitem"], [role="group"]')];
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || nested.some((n) => n.contains(node))) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }
    const r = item.getBoundingClientRect();
    return { x: r.left + 2, y: r.top + 2 };
  });
  await page.mouse.move(point.x, point.y);
}

/** Moves the mouse off everything, so no hover highlight is left over. */
async function hoverNothing(page) {
  await page.mouse.move(1, 1);
}

test('inspector decodes a QoS 2 PUBLISH and links tree and hex view', async ({ page }) => {
  await openInspector(page, '3.1.1');
  await page.fill(HEX_INPUT, PUBLISH_QOS2);

  const topic = await eventually(async () => {
    await findItem(page, ['PUBLISH']);
    await findItem(page, ['Packet identifier', '10']);
    return findItem(page, ['Topic', 'test']);
  });
  assert.equal(
    await page.locator(`${HEX_VIEW} span.byte`).count(),
    PUBLISH_QOS2.length / 2,
    'the hex view shows one span.byte per byte',
  );

  // Topic name = 2-byte length prefix (bytes 2-3) + "test" (bytes 4-7).
  assert.deepEqual([topic.start, topic.len], [2, 6], `topic item's span (${topic.text})`);
  await hoverItem(page, topic.index);
  await eventually(async () =>
    assert.deepEqual(await highlightedBytes(page), [2, 3, 4, 5, 6, 7], 'bytes highlighted by the topic item'),
  );

  // Byte 9 is the low byte of the packet identifier (bytes 8-9).
  await page.locator(`${HEX_VIEW} span.byte[data-offset="9"]`).hover();
  await eventually(async () => {
    const [innermost] = await innermostItems(page, [], { highlighted: true });
    assert.ok(innermost, 'hovering byte 9 highlights no tree item');
    assert.ok(
      innermost.text.includes('Packet identifier'),
      `hovering byte 9 highlights "${innermost.text}", not the packet identifier`,
    );
  });
  await screenshot(page, 'inspector');
});

test('inspector shows a decode error with its rule and highlights its bytes', async ({ page }) => {
  await openInspector(page, '3.1.1');
  await page.fill(HEX_INPUT, PUBLISH_QOS3);
  await hoverNothing(page);

  const error = page.locator('[data-testid="decode-error"]');
  await eventually(async () => {
    const text = await error.textContent({ timeout: 1_000 });
    assert.ok(text.includes('MQTT-3.3.1-4'), `decode error does not cite MQTT-3.3.1-4: "${text}"`);
    assert.ok(/byte 0\b/.test(text), `decode error does not say "byte 0": "${text}"`);
  });
  await eventually(async () =>
    assert.ok((await highlightedBytes(page)).includes(0), 'byte 0 (the QoS bits) is not highlighted'),
  );
  await screenshot(page, 'inspector-decode-error');
});

test('inspector rejects malformed hex input', async ({ page }) => {
  await openInspector(page, '3.1.1');
  const hexError = page.locator('[data-testid="hex-error"]');

  for (const [input, what] of [
    ['3d0', 'odd length'],
    ['zz', 'non-hex characters'],
  ]) {
    await page.fill(HEX_INPUT, input);
    await eventually(async () => {
      assert.ok(await hexError.isVisible(), `no hex error shown for ${what} ("${input}")`);
      assert.ok((await hexError.textContent()).trim().length > 0, `empty hex error for ${what}`);
    });
    await screenshot(page, `inspector-hex-error-${what.replace(/ /g, '-')}`);
  }
});

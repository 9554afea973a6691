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

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';

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

// ---------------------------------------------------------------------------------------------------
// A real broker for the playground's tests.

/** Brokers started and not yet stopped, so the runner can stop leftovers of a failed test. */
const brokers = new Set();

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Where Debian installs the broker (`/usr/sbin` is often missing from a non-root PATH). */
function mosquittoProgram() {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'mosquitto');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('mosquitto not found: install the Debian package `mosquitto` (`cargo xtask e2e` does)');
}

/**
 * Starts a mosquitto of our own on free loopback ports and waits until it accepts connections:
 *
 * - `url`: a WebSocket listener that lets anyone in;
 * - `refusingUrl`: a WebSocket listener that refuses every CONNECT ("not authorized": anonymous
 *   clients are not allowed there and there is no password file);
 * - `tcpPort`: MQTT over TCP, anonymous (for mosquitto_pub/sub if a test wants them);
 *
 * with `persistence false`, `$SYS` every second, IPv4 only. `stop()` kills it by its PID (the runner
 * also stops any a test left running). Its log is in `logFile` for failure messages.
 */
export async function startMosquitto() {
  const program = mosquittoProgram();
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'playground-e2e-mosquitto-'));
    const [tcp, open, refusing] = [await freePort(), await freePort(), await freePort()];
    if (new Set([tcp, open, refusing]).size < 3) continue;
    const conf = path.join(dir, 'mosquitto.conf');
    const logFile = path.join(dir, 'mosquitto.log');
    await writeFile(
      conf,
      [
        'per_listener_settings true',
        'persistence false',
        'sys_interval 1',
        'max_queued_messages 0',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'log_type notice',
        'log_type information',
        // mosquitto 2.0.11 refuses to start with WebSocket listeners only; MQTT over TCP is handy anyway.
        `listener ${tcp} 127.0.0.1`,
        'socket_domain ipv4',
        'allow_anonymous true',
        `listener ${open} 127.0.0.1`,
        'protocol websockets',
        'socket_domain ipv4',
        'allow_anonymous true',
        `listener ${refusing} 127.0.0.1`,
        'protocol websockets',
        'socket_domain ipv4',
        'allow_anonymous false',
        '',
      ].join('\n'),
    );
    const child = spawn(program, ['-c', conf], { stdio: ['ignore', 'ignore', openSync(logFile, 'w')] });
    const broker = {
      url: `ws://127.0.0.1:${open}`,
      refusingUrl: `ws://127.0.0.1:${refusing}`,
      tcpPort: tcp,
      pid: child.pid,
      logFile,
      async log() {
        return readFile(logFile, 'utf8').catch(() => '');
      },
      async stop() {
        brokers.delete(broker);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM'); // by its PID: only the process we started
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
    brokers.add(broker);
    // Up means mosquitto's "running" line and all three ports accepting. Ports alone are not
    // enough: if another process took one between freePort() and mosquitto's bind, that port still
    // accepts (the other process) while mosquitto logs the error and exits. "running" comes only
    // after every listener is open.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const running = (await broker.log()).includes(' running');
      if (running && (await accepts(tcp)) && (await accepts(open)) && (await accepts(refusing))) return broker;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    lastLog = await broker.log();
    await broker.stop();
  }
  throw new Error(`mosquitto did not start listening; its log:\n${lastLog}`);
}

/** Stops every broker a test started and did not stop (called by the runner at the end). */
export async function stopAllBrokers() {
  await Promise.all([...brokers].map((broker) => broker.stop()));
}

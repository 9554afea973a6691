#!/usr/bin/env node
// The e2e runner: serves the built app (dist/) from a tiny static server on 127.0.0.1 (OS-assigned
// port), launches Debian's headless Chromium through playwright-core, runs every tests/*.mjs, and
// exits non-zero on any failure. Screenshots go to target/e2e/.
//
//   node e2e/run.mjs [--dist DIR] [--out DIR] [--filter TEXT]
//
// Why its own server instead of `trunk serve`: no file watcher, no rebuild, no fixed port that
// another process may hold — it serves exactly the release bundle CI just built.
// It only stops what it started: the browser playwright launched, its own server, and any mosquitto
// a test started (tests start their own with `startMosquitto()` from lib.mjs and stop it by PID).
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_TEST_TIMEOUT_MS (default 60000).

import { existsSync, statSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { configure, registered, screenshot, stopAllBrokers, withPage } from './lib.mjs';

const e2eDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(e2eDir, '..');

const TEST_TIMEOUT_MS = Number(process.env.E2E_TEST_TIMEOUT_MS ?? 60_000);
/** The whole run may not exceed this, whatever hangs. */
const RUN_TIMEOUT_MS = 15 * 60_000;
/** Flags for a quiet, offline, disposable headless Chromium (playwright adds a fresh temp profile). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often have a tiny /dev/shm; Chromium then crashes on larger pages.
  '--disable-dev-shm-usage',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

function parseArgs(argv) {
  const options = {
    dist: path.join(repoRoot, 'dist'),
    out: path.join(repoRoot, 'target', 'e2e'),
    filter: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!['--dist', '--out', '--filter'].includes(flag)) throw new Error(`unknown option ${flag}`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    options[flag.slice(2)] = flag === '--filter' ? value : path.resolve(value);
    i++;
  }
  return options;
}

/** Serves `root` on 127.0.0.1 with an OS-assigned port; resolves to the server once listening. */
function serveStatic(root) {
  const server = http.createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://127.0.0.1');
      let file = path.join(root, decodeURIComponent(pathname));
      if (file !== root && !file.startsWith(root + path.sep)) throw Object.assign(new Error('outside dist'), { status: 403 });
      if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!existsSync(file)) {
        // Browsers ask for /favicon.ico on their own; don't let that become a console error.
        if (pathname === '/favicon.ico') return res.writeHead(204).end();
        // Like trunk serve: paths without a file extension are app routes, answered by index.html.
        if (path.extname(pathname) === '') file = path.join(root, 'index.html');
        else throw Object.assign(new Error('not found'), { status: 404 });
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch (err) {
      res.writeHead(err.status ?? 500, { 'content-type': 'text/plain' }).end(String(err.message));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function loadTests(filter) {
  const testsDir = path.join(e2eDir, 'tests');
  const files = (await readdir(testsDir)).filter((name) => name.endsWith('.mjs')).sort();
  const tests = [];
  for (const file of files) {
    const before = registered.length;
    await import(pathToFileURL(path.join(testsDir, file)).href);
    for (const t of registered.slice(before)) tests.push({ ...t, file });
  }
  return filter ? tests.filter((t) => `${t.file} ${t.name}`.includes(filter)) : tests;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const fileSafe = (name) => name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '');

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(options.dist, 'index.html'))) {
    throw new Error(`${options.dist}/index.html not found: build the app first (trunk build --release)`);
  }
  const dist = await realpath(options.dist);
  const tests = await loadTests(options.filter);
  if (tests.length === 0) throw new Error('no e2e tests found (or none matched --filter)');

  let server;
  let browser;
  const cleanup = async () => {
    await stopAllBrokers().catch(() => {});
    await browser?.close().catch(() => {});
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => cleanup().finally(() => process.exit(130)));
  }
  const runTimer = setTimeout(() => {
    console.error(`e2e: whole run exceeded ${RUN_TIMEOUT_MS} ms, giving up`);
    cleanup().finally(() => process.exit(1));
  }, RUN_TIMEOUT_MS);
  runTimer.unref();

  const results = [];
  try {
    server = await serveStatic(dist);
    const baseURL = `http://127.0.0.1:${server.address().port}/`;
    const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    console.log(`e2e: serving ${path.relative(process.cwd(), dist) || '.'} at ${baseURL}`);
    console.log(`e2e: ${executablePath} ${browser.version()}, ${tests.length} test(s)\n`);

    for (const t of tests) {
      const started = Date.now();
      const problems = []; // uncaught page errors fail a test: a Rust panic surfaces as one
      const consoleErrors = [];
      configure({
        browser,
        baseURL,
        outDir: options.out,
        onPage: (page) => {
          page.on('pageerror', (err) => problems.push(`uncaught in page: ${err.message}`));
          page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
        },
      });
      console.log(`--- ${t.file}: ${t.name}`);
      let error = null;
      try {
        await withTimeout(
          withPage(async (page) => {
            try {
              await t.fn({ page });
            } catch (err) {
              await screenshot(page, `${fileSafe(t.name)}-FAILED`).catch(() => {});
              throw err;
            }
          }),
          TEST_TIMEOUT_MS,
          `test "${t.name}"`,
        );
        if (problems.length) error = new Error(problems.join('\n'));
      } catch (err) {
        error = err;
      }
      const elapsed = Date.now() - started;
      results.push({ ...t, error, elapsed });
      if (error) {
        console.log(`    FAILED in ${seconds(elapsed)}\n${indent(error.stack ?? String(error))}`);
        for (const line of [...problems, ...consoleErrors]) console.log(`    browser: ${line}`);
      } else {
        console.log(`    ok in ${seconds(elapsed)}`);
      }
    }
  } finally {
    await cleanup();
  }

  const failed = results.filter((r) => r.error);
  console.log('\ne2e summary:');
  for (const r of results) console.log(`  ${r.error ? 'FAILED' : 'ok    '} ${seconds(r.elapsed).padStart(7)}  ${r.file}: ${r.name}`);
  console.log(`  ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0;
}

const indent = (text) => text.split('\n').map((line) => `      ${line}`).join('\n');

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err) => {
    console.error(`e2e: ${err.message ?? err}`);
    process.exit(1);
  },
);

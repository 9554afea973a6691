// A bare Chrome DevTools Protocol client over Chromium's `--remote-debugging-pipe` (fd 3: commands in,
// fd 4: answers and events out, each JSON message ended by a NUL byte).
//
// Why not Playwright here: it enables network monitoring on every page, so Chromium copies every
// WebSocket frame to it, which halves browser throughput (see the project's BENCHMARKS notes). This
// client enables no domain at all: it opens tabs, evaluates expressions and closes tabs, nothing else.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Flags for a quiet, offline, disposable headless Chromium whose tabs are never throttled. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--window-size=1280,800',
  '--remote-debugging-pipe',
];

export class Browser {
  /** Starts `executable` with a fresh profile; resolves once the protocol answers. */
  static async launch(executable) {
    const profile = await mkdtemp(path.join(os.tmpdir(), 'playground-bench-chromium-'));
    const child = spawn(executable, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    const browser = new Browser(child, profile);
    const version = await browser.send('Browser.getVersion');
    browser.version = version.product;
    return browser;
  }

  constructor(child, profile) {
    this.child = child;
    this.profile = profile;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.stderr = '';
    child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    let buffered = '';
    child.stdio[4].on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let end;
      while ((end = buffered.indexOf('\0')) >= 0) {
        const message = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        const waiting = message.id !== undefined && this.pending.get(message.id);
        if (waiting) {
          this.pending.delete(message.id);
          if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
          else waiting.resolve(message.result);
        } else if (message.method) {
          for (const listener of this.listeners.get(message.method) ?? []) listener(message.params);
        }
      }
    });
    child.once('exit', (code, signal) => {
      for (const waiting of this.pending.values()) {
        waiting.reject(new Error(`Chromium exited (${code ?? signal}); its stderr:\n${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  /** The browser's process id (its renderers, GPU and network processes are its descendants). */
  get pid() {
    return this.child.pid;
  }

  /** Sends one command (to a tab's session when `sessionId` is given) and resolves with its result. */
  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Calls `listener(params)` for every event `method` (e.g. 'Tracing.dataCollected'). */
  on(method, listener) {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), listener]);
  }

  /** Records a trace of `categories` while `during()` runs; resolves with its events. */
  async trace(categories, during) {
    const events = [];
    this.on('Tracing.dataCollected', ({ value }) => events.push(...value));
    const complete = new Promise((resolve) => this.on('Tracing.tracingComplete', resolve));
    await this.send('Tracing.start', {
      traceConfig: { includedCategories: categories },
      transferMode: 'ReportEvents',
    });
    const result = await during();
    await this.send('Tracing.end');
    await complete;
    this.listeners.delete('Tracing.dataCollected');
    this.listeners.delete('Tracing.tracingComplete');
    return { result, events };
  }

  /** Opens a new tab on `url` (with its CPU slowed down `cpuSlowdown` times) and returns it. */
  async open(url, { cpuSlowdown = 1 } = {}) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const tab = new Tab(this, targetId, sessionId);
    // Uncaught errors are kept in the page, so nothing has to listen to the protocol's events.
    await this.send(
      'Page.addScriptToEvaluateOnNewDocument',
      {
        source: `window.__benchErrors = [];
          addEventListener('error', (e) => __benchErrors.push(String(e.message)));
          addEventListener('unhandledrejection', (e) => __benchErrors.push(String(e.reason)));`,
      },
      sessionId,
    );
    if (cpuSlowdown !== 1) await this.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown }, sessionId);
    await this.send('Page.navigate', { url }, sessionId);
    return tab;
  }

  /** Stops Chromium (the process we started, by its PID) and removes its profile. */
  async close() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.profile, { recursive: true, force: true }).catch(() => {});
  }
}

export class Tab {
  constructor(browser, targetId, sessionId) {
    Object.assign(this, { browser, targetId, sessionId });
  }

  /** Sends a command to this tab. */
  send(method, params = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON. */
  async evaluate(expression) {
    const answer = await this.browser.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      this.sessionId,
    );
    if (answer.exceptionDetails) {
      const details = answer.exceptionDetails;
      throw new Error(`in the page: ${details.exception?.description ?? details.text}`);
    }
    return answer.result.value;
  }

  /** Evaluates `expression` until it is truthy (polling every `interval` ms) or `timeout` ms pass. */
  async until(expression, what, { timeout = 15_000, interval = 50 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(expression).catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  /** Uncaught errors the page reported so far. */
  errors() {
    return this.evaluate('window.__benchErrors ?? []');
  }

  async close() {
    await this.browser.send('Target.closeTarget', { targetId: this.targetId }).catch(() => {});
  }
}

#!/usr/bin/env node
// `cargo xtask bench browser`: the playground measured in headless Chromium, beside its peers in the
// same run. xtask builds everything and then runs
//
//   node bench/browser/run.mjs --dist DIR --flood BIN --sim DIR --native-sim BIN [--out DIR]
//        [--reps N] [--scale X] [--only throughput,log,size,sim,diagram] [--profile CASE]
//
// --profile CASE (e.g. qos1-16) runs each page once on that case under the DevTools CPU profiler
// instead of the benchmark, prints where each page's main thread spends its time and saves the
// .cpuprofile files (build the app with trunk's data-keep-debug to see Rust function names).
//
// 1. throughput: messages/s a page receives from a local mosquitto (WebSocket → decode → session →
//    log, UI alive) while bench-flood floods it over TCP: the real app (the release build, connected
//    through its own UI), mqtt.js and the leanest plain-JS receiver (the ceiling), interleaved within
//    each repetition (order rotated), verdict on the median of per-repetition ratios;
// 2. log: frame times while scrolling a 100,000-message log;
// 3. size (wasm + JS gzipped) and time to interactive (navigation start → performance mark "ready");
// 4. the simulator as WebAssembly in Chromium beside the same code native;
// 5. the sequence diagram (issue 7), when the app has its hooks.
//
// Chromium is driven over a bare DevTools pipe (cdp.mjs), never Playwright: see cdp.mjs. It stops only
// what it started (its server, mosquitto, Chromium, bench-flood), by PID.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { startMosquitto } from '../../e2e/lib.mjs';
import { Browser } from './cdp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

// --- goals (issue 5 §4, issue 6 §6, BENCHMARKS.md) --------------------------------------------------
const GOAL_OF_CEILING = 0.95;
const GOAL_VS_MQTTJS = { 1: 1.5, 2: 2.0 };
const GOAL_FRAME_P95_MS = 17;
const GOAL_GZIP_BYTES = 250 * 1000;
const GOAL_SIM_EVENTS_PER_S = 1_000_000;
const GOAL_SEEK_MS = 16;
const LOG_MESSAGES = 100_000;

/** The throughput cases; `count` is scaled by --scale. BENCH_CASES=qos1-16,qos2-16 runs only
 * those (to compare two builds on the cases a change is about; the verdict needs them all). */
const ALL_CASES = [
  { id: 'qos0-16', label: 'QoS 0, 16 B', qos: 0, size: 16, count: 60_000 },
  { id: 'qos0-1k', label: 'QoS 0, 1 KiB', qos: 0, size: 1024, count: 40_000 },
  { id: 'qos1-16', label: 'QoS 1, 16 B', qos: 1, size: 16, count: 60_000 },
  { id: 'qos2-16', label: 'QoS 2, 16 B', qos: 2, size: 16, count: 30_000 },
];
const CASES = process.env.BENCH_CASES
  ? ALL_CASES.filter((c) => process.env.BENCH_CASES.split(',').includes(c.id))
  : ALL_CASES;
const KINDS = ['ours', 'mqttjs', 'ceiling'];
const KIND_LABEL = { ours: 'playground', mqttjs: 'mqtt.js 5.16.0', ceiling: 'plain-JS ceiling' };
const FLOOD_CONNECTIONS = 4;
/** A run that makes no progress for this long is over (and does not count). */
const STALL_MS = 10_000;

function parseArgs(argv) {
  const options = {
    dist: null,
    flood: null,
    sim: null,
    nativeSim: null,
    out: path.join(repoRoot, 'target', 'bench-browser'),
    reps: Number(process.env.BENCH_REPS ?? 5),
    scale: Number(process.env.BENCH_SCALE ?? 1),
    only: (process.env.BENCH_ONLY ?? 'throughput,log,size,sim,diagram').split(','),
    profile: null,
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case '--dist':
      case '--flood':
      case '--sim':
      case '--out':
        options[flag.slice(2)] = path.resolve(value);
        break;
      case '--native-sim':
        options.nativeSim = path.resolve(value);
        break;
      case '--reps':
      case '--scale':
        options[flag.slice(2)] = Number(value);
        if (!(options[flag.slice(2)] > 0)) throw new Error(`${flag}: not a positive number`);
        break;
      case '--only':
        options.only = value.split(',');
        break;
      case '--profile':
        options.profile = value;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  for (const needed of ['dist', 'flood', 'sim', 'nativeSim']) {
    if (!options[needed]) throw new Error(`--${needed.replace('S', '-s')} is required`);
  }
  return options;
}

// --- a static server: the app at /, the bench pages at /__bench/ -------------------------------------

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serve(routes) {
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    const [prefix, root] = routes.find(([prefix]) => pathname.startsWith(prefix));
    let file = path.join(root, decodeURIComponent(pathname.slice(prefix.length)));
    if (!file.startsWith(root)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) return res.writeHead(pathname === '/favicon.ico' ? 204 : 404).end();
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(await readFile(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// --- CPU per process, from /proc ---------------------------------------------------------------------

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;

function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function chromiumLabel(pid, rootPid) {
  if (pid === rootPid) return 'chromium browser';
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {}
  if (cmdline.includes('--type=renderer')) return 'chromium renderer';
  if (cmdline.includes('network.mojom.NetworkService')) return 'chromium network';
  if (cmdline.includes('--type=gpu-process')) return 'chromium gpu';
  return 'chromium other';
}

/** CPU ticks so far of mosquitto, this runner and Chromium with all its descendants. */
function cpuSnapshot(ctx) {
  const ticks = new Map();
  const add = (label, value) => ticks.set(label, (ticks.get(label) ?? 0) + value);
  const mosquitto = procStat(ctx.broker.pid);
  if (mosquitto) add('mosquitto', mosquitto.ticks);
  const own = process.cpuUsage();
  add('node (runner)', ((own.user + own.system) / 1e6) * TICKS);
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat) children.set(Number(name), stat);
  }
  const tree = new Set([ctx.browser.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of children) {
      if (!tree.has(pid) && tree.has(stat.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of tree) {
    const stat = children.get(pid);
    if (stat) add(chromiumLabel(pid, ctx.browser.pid), stat.ticks);
  }
  return { at: performance.now(), ticks };
}

/** CPU use between two snapshots, in % of one core, per process kind. */
function cpuBetween(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const use = {};
  for (const [label, ticks] of after.ticks) {
    use[label] = Math.round((((ticks - (before.ticks.get(label) ?? 0)) / TICKS) * 100) / seconds);
  }
  return use;
}

// --- the pages ---------------------------------------------------------------------------------------

/** Runs in the app's page: the normal UI flow — pick the WebSocket broker, add a client, subscribe. */
async function connectThroughUi(url, name, filter, qos) {
  const $ = (selector) => document.querySelector(selector);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (check, what, timeout = 15_000) => {
    const deadline = performance.now() + timeout;
    for (;;) {
      const value = check();
      if (value) return value;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  };
  // A value typed or chosen, then a moment for the app to take it in before the next step.
  const type = async (element, value) => {
    element.value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
    await sleep(60);
  };
  const choose = async (element, value) => {
    element.value = value;
    element.dispatchEvent(new Event('change', { bubbles: true }));
    await sleep(60);
  };
  await until(() => performance.getEntriesByName('ready').length, 'the "ready" mark');
  $('#broker-ws').click();
  await type(await until(() => $('#broker-url'), 'the URL field'), url);
  await until(() => !$('#broker-apply').disabled, 'Apply to be enabled');
  $('#broker-apply').click();
  await until(() => $('[data-testid="broker-in-use"]')?.textContent.includes(url), 'the broker in use');
  await type($('#client-name'), name);
  await choose($('#client-version'), '3.1.1');
  $('#add-client').click();
  const card = `[data-testid="client-card"][data-name="${name}"]`;
  await until(() => /Connected/.test($(`${card} [data-testid="client-status"]`)?.textContent), 'Connected');
  const option = await until(
    () => [...$('#subscribe-client').options].find((o) => o.textContent.trim() === name),
    'the client in the subscribe form',
  );
  await choose($('#subscribe-client'), option.value);
  await type($('#subscribe-filter'), filter);
  await choose($('#subscribe-qos'), String(qos));
  $('#subscribe-button').click();
  await until(() => {
    const text = $(`${card} .subscriptions`)?.textContent ?? '';
    return text.includes(filter) && !text.includes('waiting for SUBACK');
  }, 'the SUBACK');
  return true;
}

/** Runs in any page: a frame-time recorder (animation-frame deltas) and a waiter on `count()`. */
function installProbes(countSource) {
  const count = new Function(`return ${countSource};`);
  const frames = { deltas: [], last: 0, on: true };
  const loop = (time) => {
    if (frames.last) frames.deltas.push(time - frames.last);
    frames.last = time;
    if (frames.on) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  window.__benchFrames = () => {
    frames.on = false;
    const sorted = [...frames.deltas].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * q) / 100))] ?? NaN;
    return { frames: sorted.length, p50: at(50), p95: at(95), max: sorted[sorted.length - 1] ?? NaN };
  };
  // Resolves with the count once it reaches `expected`, or when it stops moving for `stallMs`.
  window.__benchWait = (expected, stallMs) =>
    new Promise((resolve) => {
      let last = -1;
      let moved = performance.now();
      const check = () => {
        const now = count();
        if (now !== last) [last, moved] = [now, performance.now()];
        if (now >= expected || performance.now() - moved > stallMs) resolve(now);
        else setTimeout(check, 50);
      };
      check();
    });
  return true;
}

const call = (fn, ...args) => `(${fn.toString()})(${args.map((a) => JSON.stringify(a)).join(', ')})`;

/** bench-flood: resolves with its JSON report, rejects when it fails. */
function flood(ctx, topic, kase, count) {
  const args = ['--port', ctx.broker.tcpPort, '--topic', topic, '--count', count, '--qos', kase.qos];
  args.push('--size', kase.size, '--connections', FLOOD_CONNECTIONS);
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.options.flood, args.map(String), { stdio: ['ignore', 'pipe', 'pipe'] });
    let [out, err] = ['', ''];
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench-flood failed (${code}): ${err}`)),
    );
  });
}

/** Opens `kind`'s page, subscribed to `topic` at `qos`; returns the tab and its count expression. */
async function openReceiver(ctx, kind, topic, qos, expected) {
  if (kind === 'ours') {
    const tab = await ctx.browser.open(`${ctx.base}/`);
    await tab.until('performance.getEntriesByName("ready").length', 'the app', { timeout: 30_000 });
    await tab.evaluate(call(connectThroughUi, ctx.broker.url, 'bench', topic, qos));
    if (process.env.BENCH_OURS_TAB) await tab.evaluate(`document.querySelector('#tab-${process.env.BENCH_OURS_TAB}').click()`);
    return { tab, count: 'window.__playground.received()' };
  }
  const query = new URLSearchParams({ url: ctx.broker.url, topic, qos, n: expected });
  const tab = await ctx.browser.open(`${ctx.base}/__bench/${kind}.html?${query}`);
  const state = await tab.until('window.__bench && (__bench.subscribed || __bench.error)', `${kind} to subscribe`);
  if (state !== true) throw new Error(`${kind}: ${await tab.evaluate('__bench.error')}`);
  return { tab, count: 'window.__bench.count' };
}

/** DevTools' Performance metrics of `tab` (seconds for the durations), by name. */
async function mainThreadMetrics(tab) {
  return Object.fromEntries((await tab.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
}

/** One run: open, subscribe, flood, wait for every message, collect. */
async function throughputRun(ctx, kind, kase, rep) {
  const count = Math.round(kase.count * ctx.options.scale);
  const topic = `bench/${kase.id}/${rep}/${kind}/${Date.now()}`;
  const { tab, count: countSource } = await openReceiver(ctx, kind, topic, kase.qos, count);
  try {
    await tab.evaluate(call(installProbes, countSource));
    const profiling = ctx.options.profile !== null && !ctx.noProfile;
    if (profiling) {
      await tab.send('Profiler.enable');
      await tab.send('Profiler.setSamplingInterval', { interval: 200 });
      await tab.send('Profiler.start');
    }
    // The page's main thread: its tasks' time per message is steadier from run to run than the
    // rate, so it shows what a change to the receive path saves where msg/s is lost in the noise.
    await tab.send('Performance.enable');
    const mainBefore = await mainThreadMetrics(tab);
    const before = cpuSnapshot(ctx);
    const publisher = await flood(ctx, topic, kase, count);
    await tab.evaluate(`__benchWait(${count}, ${STALL_MS})`);
    const after = cpuSnapshot(ctx);
    const mainAfter = await mainThreadMetrics(tab);
    const perMessageUs = (name) => ((mainAfter[name] - mainBefore[name]) * 1e6) / count;
    const mainThread = { busyUs: perMessageUs('TaskDuration'), scriptUs: perMessageUs('ScriptDuration') };
    const profile = profiling ? (await tab.send('Profiler.stop')).profile : undefined;
    // Anything arriving late (a duplicate) has a moment to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const frames = await tab.evaluate('__benchFrames()');
    const got =
      kind === 'ours'
        ? await tab.evaluate(`(() => { const p = window.__playground; return {
            count: p.received(), distinct: p.receivedDistinct(),
            first: p.firstReceivedAt(), last: p.lastReceivedAt(), duplicates: 0,
            renderCostMs: p.renderCostMs(), renderSpacingMs: p.renderSpacingMs() }; })()`)
        : await tab.evaluate('({ ...window.__bench })');
    if (kind === 'ours') got.duplicates = got.count - got.distinct;
    const errors = await tab.errors();
    const complete = got.count === count && got.distinct === count && !got.outOfRange && errors.length === 0;
    const rate = complete ? (count - 1) / ((got.last - got.first) / 1000) : NaN;
    return { kind, case: kase.id, rep, count, got, rate, complete, errors, frames, publisher, cpu: cpuBetween(before, after), mainThread, profile };
  } finally {
    await tab.close();
  }
}

// --- statistics and printing ---------------------------------------------------------------------

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const fixed = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const pct = (n) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)} %` : '—');
const verdict = (ok) => (ok === undefined ? '' : ok ? 'met' : 'NOT met');

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function throughput(ctx) {
  const { reps } = ctx.options;
  const runs = [];
  console.log(`\n## 1. Throughput: messages/s received in the page (${reps} repetitions, interleaved)\n`);
  for (let rep = 0; rep < reps; rep++) {
    for (const kase of CASES) {
      // Rotate the order each repetition, so no page always runs first or last.
      const order = KINDS.map((_, i) => KINDS[(i + rep) % KINDS.length]);
      for (const kind of order) {
        let run;
        try {
          run = await throughputRun(ctx, kind, kase, rep);
        } catch (error) {
          run = { kind, case: kase.id, rep, rate: NaN, complete: false, errors: [String(error.message ?? error)] };
        }
        runs.push(run);
        const cpu = run.cpu
          ? Object.entries(run.cpu)
              .filter(([, v]) => v >= 5)
              .map(([k, v]) => `${k} ${v}%`)
              .join(', ')
          : '';
        // The playground spaces its renders during a flood by what they cost (src/playground/pace.rs).
        const pacing = kind === 'ours' ? `  renders ${fixed(run.got?.renderCostMs, 1)} ms, ${int(run.got?.renderSpacingMs)} ms apart` : '';
        const why = run.complete ? '' : `  NOT COUNTED: ${run.errors?.join('; ') || `${run.got?.count} of ${run.count}, ${run.got?.distinct} distinct`}`;
        console.log(
          `  rep ${rep + 1} ${kase.label.padEnd(12)} ${KIND_LABEL[kind].padEnd(16)} ${int(run.rate).padStart(7)} msg/s` +
            `  publisher ${int(run.publisher?.rate)}/s  frames p95 ${fixed(run.frames?.p95, 1)} ms${pacing}  cpu: ${cpu}${why}`,
        );
      }
    }
  }

  const rows = [];
  const summary = [];
  for (const kase of CASES) {
    const of = (kind, rep) => runs.find((r) => r.kind === kind && r.case === kase.id && r.rep === rep);
    const vsMqttjs = [];
    const vsCeiling = [];
    for (let rep = 0; rep < reps; rep++) {
      const [ours, mqttjs, ceiling] = KINDS.map((kind) => of(kind, rep)?.rate);
      rows.push([
        kase.label,
        rep + 1,
        int(ours),
        int(mqttjs),
        int(ceiling),
        fixed(ours / mqttjs),
        fixed(ours / ceiling),
        fixed(mqttjs / ceiling),
      ]);
      vsMqttjs.push(ours / mqttjs);
      vsCeiling.push(ours / ceiling);
    }
    const medians = KINDS.map((kind) => median(runs.filter((r) => r.kind === kind && r.case === kase.id).map((r) => r.rate)));
    const ratioMqttjs = median(vsMqttjs);
    const ratioCeiling = median(vsCeiling);
    const counted = vsCeiling.filter(Number.isFinite).length;
    rows.push([`**${kase.label}**`, '**median**', ...medians.map(int), fixed(ratioMqttjs), fixed(ratioCeiling), fixed(medians[1] / medians[2])]);
    const ceilingOk = counted >= 5 ? ratioCeiling >= GOAL_OF_CEILING : undefined;
    const mqttjsGoal = GOAL_VS_MQTTJS[kase.qos];
    const mqttjsOk = mqttjsGoal && counted >= 5 ? ratioMqttjs >= mqttjsGoal : undefined;
    summary.push([
      kase.label,
      `${counted}/${reps}`,
      `${fixed(ratioCeiling)} (goal ≥ ${GOAL_OF_CEILING}): ${verdict(ceilingOk) || 'too few complete repetitions'}`,
      mqttjsGoal ? `${fixed(ratioMqttjs)} (goal ≥ ${mqttjsGoal}): ${verdict(mqttjsOk) || 'too few complete repetitions'}` : `${fixed(ratioMqttjs)} (no goal)`,
    ]);
  }
  console.log(`\nmessages/s per repetition (a dash: the run lost or duplicated messages, or failed, and does not count)\n`);
  console.log(table(['case', 'rep', 'playground', 'mqtt.js', 'ceiling', 'ours/mqtt.js', 'ours/ceiling', 'mqtt.js/ceiling'], rows));
  console.log('\nverdicts (median of per-repetition ratios)\n');
  console.log(table(['case', 'complete reps', 'ours/ceiling', 'ours/mqtt.js'], summary));

  const cpuRows = [];
  for (const kase of CASES) {
    for (const kind of KINDS) {
      const mine = runs.filter((r) => r.kind === kind && r.case === kase.id && r.cpu);
      const labels = ['chromium renderer', 'chromium network', 'chromium browser', 'mosquitto'];
      const flood = median(mine.map((r) => r.publisher && (r.publisher.cpu_seconds / r.publisher.seconds) * 100));
      cpuRows.push([
        kase.label,
        KIND_LABEL[kind],
        ...labels.map((label) => `${int(median(mine.map((r) => r.cpu[label])))} %`),
        `${int(flood)} %`,
        fixed(median(mine.map((r) => r.frames?.p95)), 1),
        fixed(median(mine.map((r) => r.mainThread?.busyUs)), 1),
        fixed(median(mine.map((r) => r.mainThread?.scriptUs)), 1),
      ]);
    }
  }
  console.log('\nCPU per process during a run (median, % of one core; the machine has 2) and frame p95 in the page\n');
  console.log(table(['case', 'page', 'renderer', 'network svc', 'browser', 'mosquitto', 'bench-flood*', 'frame p95 ms', 'main thread µs/msg', 'of which script'], cpuRows));
  console.log('  * bench-flood: its own CPU time over its own run time (it finishes before the page at QoS 0)');
  console.log("  main thread µs/msg: the page's main-thread tasks (and the script in them) from the flood's start until the last message, per message");
  return { runs, summary };
}

/**
 * Where the busiest renderer main thread's time went: self time per trace event name, and the
 * inclusive time of the work that matters here (message events, animation frames, style, layout, paint).
 */
function summarizeTrace(events) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const threads = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || names.get(`${e.pid}:${e.tid}`) !== 'CrRendererMain') continue;
    const key = `${e.pid}:${e.tid}`;
    if (!threads.has(key)) threads.set(key, []);
    threads.get(key).push(e);
  }
  const busiest = [...threads.values()].sort(
    (a, b) => b.reduce((t, e) => t + (e.dur ?? 0), 0) - a.reduce((t, e) => t + (e.dur ?? 0), 0),
  )[0];
  if (!busiest) return console.log('  (no renderer main thread in the trace)');
  busiest.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map();
  const inclusive = new Map();
  const stack = [];
  const label = (e) => (e.name === 'EventDispatch' ? `EventDispatch(${e.args?.data?.type})` : e.name);
  for (const e of busiest) {
    const dur = e.dur ?? 0;
    while (stack.length && stack[stack.length - 1].end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.label, (self.get(parent.label) ?? 0) - dur);
    const name = label(e);
    self.set(name, (self.get(name) ?? 0) + dur);
    // Inclusive time counted once per name, even when the name nests in itself.
    if (!stack.some((s) => s.label === name)) inclusive.set(name, (inclusive.get(name) ?? 0) + dur);
    stack.push({ end: e.ts + dur, label: name });
  }
  const span = (busiest[busiest.length - 1].ts - busiest[0].ts) / 1000;
  const ms = (us) => (us / 1000).toFixed(0).padStart(6);
  console.log(`  ${span.toFixed(0)} ms traced; inclusive:`);
  for (const name of ['RunTask', 'EventDispatch(message)', 'TimerFire', 'FireAnimationFrame', 'FunctionCall', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'MinorGC', 'MajorGC']) {
    if (inclusive.has(name)) console.log(`    ${ms(inclusive.get(name))} ms  ${name}`);
  }
  console.log('  self time, top 15:');
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    ${ms(us)} ms  ${name}`);
}

/** --profile: each page once on one case under the CPU profiler; where the main thread's time goes. */
async function profileCase(ctx, caseId) {
  const kase = ALL_CASES.find((c) => c.id === caseId);
  if (!kase) throw new Error(`--profile: no case ${caseId}; cases: ${ALL_CASES.map((c) => c.id).join(', ')}`);
  for (const kind of KINDS) {
    // The trace and the CPU profile are taken in separate runs: tracing distorts the profile.
    const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'];
    const { result: traced, events } = await ctx.browser.trace(categories, () => throughputRun({ ...ctx, noProfile: true }, kind, kase, 0));
    console.log(`\n${KIND_LABEL[kind]}, ${kase.label}: ${int(traced.rate)} msg/s traced; the renderer's main thread:`);
    summarizeTrace(events);
    const run = await throughputRun(ctx, kind, kase, 0);
    const file = path.join(ctx.options.out, `${kase.id}-${kind}.cpuprofile`);
    await writeFile(file, JSON.stringify(run.profile));
    const { nodes, samples, timeDeltas } = run.profile;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const self = new Map();
    samples.forEach((id, i) => {
      const frame = byId.get(id).callFrame;
      const name = `${frame.functionName || '(anonymous)'} ${frame.url ? path.basename(frame.url.split('?')[0]) : ''}`.trim();
      self.set(name, (self.get(name) ?? 0) + (timeDeltas[i] ?? 0));
    });
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${KIND_LABEL[kind]}, ${kase.label}: ${int(run.rate)} msg/s (complete: ${run.complete}), ${int(total / 1000)} ms sampled; self time:`);
    for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
    }
    console.log(`  saved ${path.relative(process.cwd(), file)}`);
  }
}

// --- 2. the log: frame times while scrolling 100,000 messages --------------------------------------

/** Runs in the app's page: scrolls the message log by animation frames and times the frames. */
async function scrollLog(pattern, frameCount) {
  const grid = document.querySelector('#message-log');
  if (!grid) throw new Error('no #message-log');
  const scroller = [grid, ...grid.querySelectorAll('*')].find((e) => e.scrollHeight > e.clientHeight + 100);
  if (!scroller) throw new Error('the message log does not scroll');
  const range = scroller.scrollHeight - scroller.clientHeight;
  const long = [];
  const observer =
    PerformanceObserver.supportedEntryTypes.includes('long-animation-frame') &&
    new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
  observer?.observe({ type: 'long-animation-frame' });
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  scroller.scrollTop = pattern === 'up' ? range : 0;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const deltas = [];
  let rows = 0;
  await new Promise((resolve) => {
    let last = 0;
    let frame = 0;
    const step = (time) => {
      if (last) deltas.push(time - last);
      last = time;
      if (frame++ >= frameCount) return resolve();
      if (pattern === 'down') scroller.scrollTop = Math.min(range, scroller.scrollTop + 600);
      else if (pattern === 'up') scroller.scrollTop = Math.max(0, scroller.scrollTop - 600);
      else scroller.scrollTop = Math.floor(random() * range);
      rows = Math.max(rows, grid.querySelectorAll('[role="row"]').length);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  observer?.disconnect();
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * q) / 100))];
  return {
    frames: sorted.length,
    p50: at(50),
    p95: at(95),
    max: sorted[sorted.length - 1],
    longFrames: long.length,
    rowsInDom: rows,
    scrollHeight: scroller.scrollHeight,
  };
}

async function logScroll(ctx) {
  console.log(`\n## 2. The message log: frame times while scrolling ${int(LOG_MESSAGES)} messages\n`);
  const topic = `bench/log/${Date.now()}`;
  const { tab, count } = await openReceiver(ctx, 'ours', topic, 0, LOG_MESSAGES);
  try {
    await tab.evaluate(call(installProbes, count));
    await flood(ctx, topic, { qos: 0, size: 16 }, LOG_MESSAGES);
    const got = await tab.evaluate(`__benchWait(${LOG_MESSAGES}, ${STALL_MS})`);
    if (got !== LOG_MESSAGES) throw new Error(`the log got ${got} of ${LOG_MESSAGES} messages`);
    const shown = await tab.until(
      `(() => { const t = document.querySelector('#tab-messages')?.textContent ?? ''; return t.replace(/\\D/g, '') === '${LOG_MESSAGES}' && t; })()`,
      'the Messages tab to show the count',
    );
    console.log(`  log filled: ${int(got)} messages delivered; the tab reads "${shown.trim()}"`);
    const rows = [];
    const results = [];
    // Frame times stop at the display's 16.7 ms however little a frame costs; the main thread's own
    // time per frame (the browser's task, script, style and layout counters) shows what a change
    // to rendering saves.
    await tab.send('Performance.enable');
    for (let rep = 0; rep < 3; rep++) {
      for (const pattern of ['down', 'up', 'jump']) {
        const before = await mainThreadMetrics(tab);
        const r = await tab.evaluate(call(scrollLog, pattern, 300));
        const after = await mainThreadMetrics(tab);
        const perFrame = (name) => ((after[name] - before[name]) * 1000) / r.frames;
        r.busyMs = perFrame('TaskDuration');
        r.scriptMs = perFrame('ScriptDuration');
        r.layoutMs = perFrame('LayoutDuration') + perFrame('RecalcStyleDuration');
        results.push({ pattern, rep, ...r });
        rows.push([pattern, rep + 1, r.frames, fixed(r.p50, 1), fixed(r.p95, 1), fixed(r.max, 1), r.longFrames, fixed(r.busyMs, 2), fixed(r.scriptMs, 2), fixed(r.layoutMs, 2), r.rowsInDom]);
      }
    }
    for (const pattern of ['down', 'up', 'jump']) {
      const mine = results.filter((r) => r.pattern === pattern);
      const p95 = median(mine.map((r) => r.p95));
      const med = (key) => fixed(median(mine.map((r) => r[key])), 2);
      rows.push([`**${pattern}**`, '**median**', '', fixed(median(mine.map((r) => r.p50)), 1), fixed(p95, 1), fixed(median(mine.map((r) => r.max)), 1), '', med('busyMs'), med('scriptMs'), med('layoutMs'), `p95 goal ≤ ${GOAL_FRAME_P95_MS} ms: ${verdict(p95 <= GOAL_FRAME_P95_MS)}`]);
    }
    console.log('  down/up: 600 px (20 rows) per frame from one end to the other; jump: a random position every frame');
    console.log('  main thread per frame: all its tasks, of which script, and style + layout (DevTools Performance metrics)\n');
    console.log(table(['pattern', 'rep', 'frames', 'p50 ms', 'p95 ms', 'max ms', 'long frames (≥50 ms)', 'main thread ms', 'script ms', 'style + layout ms', 'rows in DOM'], rows));
    const errors = await tab.errors();
    if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
    return results;
  } finally {
    await tab.close();
  }
}

// --- 3. size and time to interactive ----------------------------------------------------------------

async function sizeAndStartup(ctx) {
  console.log('\n## 3. Size and time to interactive\n');
  // Recursive: wasm-bindgen puts inline JavaScript under snippets/, and it counts too.
  const files = readdirSync(ctx.options.dist, { recursive: true })
    .filter((f) => /\.(wasm|js|css|html)$/.test(f))
    .sort();
  const rows = [];
  let total = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(ctx.options.dist, file));
    const gz = zlib.gzipSync(bytes, { level: 9 }).length;
    const br = zlib.brotliCompressSync(bytes).length;
    const counted = /\.(wasm|js)$/.test(file);
    if (counted) total += gz;
    rows.push([file, int(bytes.length), int(gz), int(br), counted ? 'yes' : 'no']);
  }
  rows.push(['**wasm + JS**', '', `**${int(total)}**`, '', `goal ≤ ${int(GOAL_GZIP_BYTES)}: ${verdict(total <= GOAL_GZIP_BYTES)}`]);
  console.log(table(['file', 'bytes', 'gzip -9', 'brotli', 'in the goal'], rows));

  const loads = [];
  for (const slowdown of [1, 4]) {
    for (let rep = 0; rep < 5; rep++) {
      const tab = await ctx.browser.open(`${ctx.base}/`, { cpuSlowdown: slowdown });
      try {
        await tab.until('performance.getEntriesByName("ready").length', 'the "ready" mark', { timeout: 60_000 });
        const times = await tab.evaluate(`(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          return { ready: performance.getEntriesByName('ready')[0].startTime,
                   domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
        })()`);
        loads.push({ slowdown, rep, ...times });
      } finally {
        await tab.close();
      }
    }
  }
  const startupRows = [1, 4].map((slowdown) => {
    const mine = loads.filter((l) => l.slowdown === slowdown);
    return [
      slowdown === 1 ? 'this machine' : '4× CPU slowdown',
      mine.map((l) => fixed(l.ready, 0)).join(', '),
      fixed(median(mine.map((l) => l.ready)), 0),
      fixed(median(mine.map((l) => l.domContentLoaded)), 0),
    ];
  });
  console.log('\ntime to interactive: navigation start → performance.mark("ready") (loopback server: no transfer time)\n');
  console.log(table(['CPU', 'ready per load (ms)', 'median ready (ms)', 'median DOMContentLoaded (ms)'], startupRows));
  return { gzipTotal: total, files: rows, loads };
}

// --- 4. the simulator as WebAssembly ---------------------------------------------------------------

function nativeSim(binary, runs) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [String(runs + 1)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(out.trim().split('\n').slice(1).map((line) => JSON.parse(line)))
        : reject(new Error(`${binary} failed (${code})`)),
    );
  });
}

async function simulator(ctx) {
  console.log('\n## 4. The simulator: native vs WebAssembly in Chromium (the same code, opt-level 3)\n');
  const runs = 5;
  const native = await nativeSim(ctx.options.nativeSim, runs);
  const tab = await ctx.browser.open(`${ctx.base}/__bench/sim.html`);
  let wasm;
  try {
    await tab.until('typeof window.__simBench === "function"', 'the simulator page');
    wasm = await tab.evaluate(`__simBench(${runs})`);
  } finally {
    await tab.close();
  }
  const rows = [];
  for (const [where, results] of [['native', native], ['wasm (Chromium)', wasm]]) {
    rows.push([
      where,
      results.map((r) => int(r.events_per_s)).join(', '),
      int(median(results.map((r) => r.events_per_s))),
      fixed(median(results.map((r) => r.seek_ms.p50)), 3),
      fixed(median(results.map((r) => r.seek_ms.p95)), 3),
      fixed(Math.max(...results.map((r) => r.seek_ms.max)), 3),
    ]);
  }
  const wasmRate = median(wasm.map((r) => r.events_per_s));
  const wasmSeekMax = Math.max(...wasm.map((r) => r.seek_ms.max));
  console.log(`workloads::large(100, 1000): ${int(native[0].events)} packet events; seeks: 256 seeded points of a ${int(native[0].timeline_events)}-event timeline\n`);
  console.log(table(['where', 'events/s per run', 'median events/s', 'seek p50 ms', 'seek p95 ms', 'seek max ms'], rows));
  console.log(`\n  wasm/native: ${fixed(wasmRate / median(native.map((r) => r.events_per_s)))}`);
  console.log(`  wasm events/s goal ≥ ${int(GOAL_SIM_EVENTS_PER_S)}: ${verdict(wasmRate >= GOAL_SIM_EVENTS_PER_S)}`);
  console.log(`  wasm seek goal ≤ ${GOAL_SEEK_MS} ms (max of all seeks): ${verdict(wasmSeekMax <= GOAL_SEEK_MS)}`);
  return { native, wasm };
}

// --- 5. the sequence diagram (issue 7) -------------------------------------------------------------

// Two measurements, driven through the app's own stepping hooks (README, "Test and benchmark hooks"):
//   a. frame time (p50/p95/max of animation-frame deltas, goal p95 ≤ 17 ms) while the diagram
//      animates a 1,000-packet exchange: `workloadLive(n)` loads mqtt-sim's standard workload (two
//      clients, QoS 1 and 2) to play from its start, slowed down so it animates for seconds;
//   b. seek time on a timeline of more than 10,000 diagram steps (goal ≤ 16 ms: the seek and its
//      render fit in a frame): `workload(n)` simulates it to its end, then `seek(step)` to random steps.
const DIAGRAM_HOOKS = ['workload', 'workloadLive', 'seek', 'play', 'speed', 'cursor', 'head', 'packets'];
/** Messages per client for about 1,000 packets (a QoS 1 message makes 4 packets, a QoS 2 one 8). */
const ANIMATE_MESSAGES = 84;
/** Messages per client for a timeline of more than 10,000 steps (packets and delivery marks). */
const SEEK_MESSAGES = 800;
const SEEK_MIN_STEPS = 10_000;

async function diagram(ctx) {
  console.log('\n## 5. The sequence diagram (issue 7)\n');
  const tab = await ctx.browser.open(`${ctx.base}/`);
  try {
    await tab.until('performance.getEntriesByName("ready").length', 'the app', { timeout: 30_000 });
    const hooks = await tab.evaluate('Object.keys(window.__playground ?? {})');
    const missing = DIAGRAM_HOOKS.filter((hook) => !hooks.includes(hook));
    if (missing.length) throw new Error(`the app lacks the hook(s) ${missing.join(', ')} (it has: ${hooks.join(', ')})`);
    const animate = await tab.evaluate(`(async () => {
      const pg = window.__playground;
      pg.workloadLive(${ANIMATE_MESSAGES});
      pg.speed(0.25);
      pg.play();
      const deltas = []; let last = 0, on = true;
      const loop = (t) => { if (last) deltas.push(t - last); last = t; if (on) requestAnimationFrame(loop); };
      requestAnimationFrame(loop);
      // Over when the packet count has not moved for a second (or after 30 s).
      const start = performance.now(); let seen = -1, still = start;
      while (performance.now() - start < 30000) {
        await new Promise((r) => setTimeout(r, 100));
        const packets = pg.packets();
        if (packets !== seen) { seen = packets; still = performance.now(); }
        else if (performance.now() - still > 1000) break;
      }
      on = false;
      deltas.sort((a, b) => a - b);
      const at = (q) => deltas[Math.min(deltas.length - 1, Math.floor(deltas.length * q / 100))];
      return { packets: seen, seconds: (performance.now() - start) / 1000, frames: deltas.length, p50: at(50), p95: at(95), max: deltas[deltas.length - 1] };
    })()`);
    // Per seek, two figures: the main thread's work (the seek itself, then the next frame's script,
    // render and a forced style + layout, from the frame's own start) — what must fit in a frame —
    // and the wall time to the next frame, which is frame-bound (a seek issued just after a frame
    // waits for the next one whatever its cost).
    const seek = await tab.evaluate(`(async () => {
      const pg = window.__playground;
      pg.workload(${SEEK_MESSAGES});
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const first = pg.first(), head = pg.head();
      let seed = 16; const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const work = [], wall = [];
      for (let i = 0; i < 50; i++) {
        const target = first + Math.floor(random() * (head - first));
        const start = performance.now();
        pg.seek(target);
        const called = performance.now() - start;
        const [inFrame, end] = await new Promise((r) => requestAnimationFrame((frame) => {
          document.body.offsetHeight; // style and layout of what the render changed
          const now = performance.now();
          r([now - Math.max(frame, start), now]);
        }));
        work.push(called + inFrame);
        wall.push(end - start);
        await new Promise((r) => setTimeout(r, 20));
      }
      const stats = (xs) => { xs.sort((a, b) => a - b); return { p50: xs[25], p95: xs[47], max: xs[49] }; };
      return { steps: head - first, packets: pg.packets(), seeks: work.length, work: stats(work), wall: stats(wall) };
    })()`);
    if (seek.steps < SEEK_MIN_STEPS) throw new Error(`the seek timeline has only ${seek.steps} steps`);
    console.log(`  animation: ${animate.packets} packets over ${fixed(animate.seconds, 1)} s, ${animate.frames} frames; seek: ${seek.steps} steps (${seek.packets} packets)\n`);
    console.log(table(['measurement', 'p50 ms', 'p95 ms', 'max ms', 'goal'], [
      ['frames while animating ~1,000 packets', fixed(animate.p50, 1), fixed(animate.p95, 1), fixed(animate.max, 1), `p95 ≤ ${GOAL_FRAME_P95_MS}: ${verdict(animate.p95 <= GOAL_FRAME_P95_MS)}`],
      [`seek on a ${seek.steps.toLocaleString('en')}-step timeline: main-thread work`, fixed(seek.work.p50, 1), fixed(seek.work.p95, 1), fixed(seek.work.max, 1), `≤ ${GOAL_SEEK_MS}: ${verdict(seek.work.p95 <= GOAL_SEEK_MS)} (p95), ${verdict(seek.work.max <= GOAL_SEEK_MS)} (max)`],
      ['  the same seeks: wall time to the next frame', fixed(seek.wall.p50, 1), fixed(seek.wall.p95, 1), fixed(seek.wall.max, 1), 'frame-bound'],
    ]));
    return { animate, seek };
  } finally {
    await tab.close();
  }
}

// --- main ------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const [what, file] of [
    ['the app', path.join(options.dist, 'index.html')],
    ['bench-flood', options.flood],
    ['the simulator page', path.join(options.sim, 'sim_wasm_bench.js')],
    ['the native simulator bench', options.nativeSim],
    ['mqtt.js', path.join(here, 'node_modules', 'mqtt', 'dist', 'mqtt.min.js')],
  ]) {
    if (!existsSync(file)) throw new Error(`${what} not found at ${file}: build it first (cargo xtask bench browser does)`);
  }
  await mkdir(options.out, { recursive: true });
  const server = await serve([
    ['/__bench/mqtt/', path.join(here, 'node_modules', 'mqtt', 'dist')],
    ['/__bench/sim/', options.sim],
    ['/__bench/', path.join(here, 'pages')],
    ['/', options.dist],
  ]);
  const ctx = { options, base: `http://127.0.0.1:${server.address().port}` };
  const results = { date: new Date().toISOString() };
  try {
    ctx.broker = await startMosquitto();
    ctx.browser = await Browser.launch(options.chromium);
    console.log(`bench browser: ${ctx.browser.version}, mosquitto pid ${ctx.broker.pid} (WebSocket ${ctx.broker.url}), app from ${path.relative(repoRoot, options.dist)}`);
    if (options.profile) {
      await profileCase(ctx, options.profile);
      return;
    }
    if (options.only.includes('throughput')) results.throughput = await throughput(ctx);
    if (options.only.includes('log')) results.log = await logScroll(ctx);
    if (options.only.includes('size')) results.size = await sizeAndStartup(ctx);
    if (options.only.includes('sim')) results.sim = await simulator(ctx);
    if (options.only.includes('diagram')) results.diagram = await diagram(ctx);
  } finally {
    await ctx.browser?.close();
    await ctx.broker?.stop();
    server.closeAllConnections();
    server.close();
    const file = path.join(options.out, 'results.json');
    await writeFile(file, JSON.stringify(results, null, 1));
    console.log(`\nraw results: ${path.relative(process.cwd(), file)}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench browser: ${error.stack ?? error}`);
    process.exit(1);
  },
);

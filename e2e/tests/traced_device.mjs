// A traced device on its own lifeline: mqtt-client's `traced_device` example (the firmware's `ip`
// program on the host, trace on: docs/trace-format.md) talks to a real mosquitto over TCP while the
// page watches `mqtt-playground/trace/+` over WebSocket. Its packets must appear as its own, once,
// under its client id — the same path a real ESP32 built with MQTT_TRACE=1 takes.
//
// TRACED_DEVICE is the example's binary (`cargo xtask e2e` builds it and sets it).

import { spawn } from 'node:child_process';

import { assert, eventually, test } from '../lib.mjs';
import { addClient, openPlayground, rows, screenshots, subscribe, useBroker, withBroker } from '../page.mjs';

/** Runs the stand-in device to its end (it disconnects after ~3 s); rejects on a non-zero exit. */
function runDevice(tcpPort, id) {
  const program = process.env.TRACED_DEVICE;
  if (!program) throw new Error('TRACED_DEVICE is not set: run through `cargo xtask e2e`');
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['127.0.0.1', String(tcpPort), id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000); // by its PID: only our child
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`traced_device exited with ${code ?? signal}:\n${output}`));
    });
  });
}

test('playground: a traced device gets a lifeline of its own with its real packets', async ({ page }) => {
  await withBroker(async (broker) => {
    await openPlayground(page);
    await useBroker(page, broker.url);
    await addClient(page, 'dashboard');
    await addClient(page, 'laptop');
    // The preset fills in the trace filter; two watchers must not draw anything twice.
    for (const name of ['dashboard', 'laptop']) {
      await page.selectOption('#subscribe-client', { label: name });
      await page.click('#subscribe-trace-preset');
      assert.equal(await page.inputValue('#subscribe-filter'), 'mqtt-playground/trace/+');
      await subscribe(page, name, 'mqtt-playground/trace/+', 0);
    }
    const log = await runDevice(broker.tcpPort, 'esp32-kitchen');
    assert.match(log, /PUBCOMP for packet 1/);
    await page.click('#tab-packets');
    await eventually(async () => page.selectOption('#packet-client', { label: 'esp32-kitchen (traced)' }));
    const device = 'esp32-kitchen (traced)';
    const expected = ['CONNECT', 'CONNACK', 'PUBLISH', 'PUBREC', 'PUBREL', 'PUBCOMP', 'PINGREQ', 'PINGRESP', 'PUBACK'];
    let theirs = [];
    await eventually(
      async () => {
        theirs = (await rows(page, '#packet-list')).filter((row) => row.includes(device));
        const types = expected.filter((kind) => theirs.some((row) => row.includes(kind)));
        assert.deepEqual(types, expected, `the device's packets so far:\n${theirs.join('\n')}`);
      },
      { timeout: 10_000 },
    );
    // Every record once (10 packets: the QoS 2 and QoS 1 publishes, a ping, CONNECT/CONNACK; the
    // DISCONNECT's record would only go out on a next connection).
    assert.equal(theirs.length, 10, `each record once:\n${theirs.join('\n')}`);
    // The bytes are the board's real packets: the PUBLISH decodes to its topic.
    assert.ok(theirs.some((row) => row.includes('esp32-kitchen/ip')), theirs.join('\n'));
    await screenshots(page, 'playground-traced-device');
  });
});

// What the two reference pages (ceiling.html, mqttjs.html) share: their query parameters and the
// bookkeeping of arrivals. Each message's payload starts with its number as 16 decimal digits
// (bench-flood writes them), so gaps and duplicates are found exactly.
//
// window.__bench: { count, distinct, duplicates, outOfRange, first, last, subscribed, error }
// (first/last: performance.now() at the first and the latest arrival).

export const params = new URLSearchParams(location.search);
export const expected = Number(params.get('n'));
export const qos = Number(params.get('qos'));
export const topic = params.get('topic');
export const url = params.get('url');

const seen = new Uint8Array(expected);
export const bench = (window.__bench = {
  count: 0,
  distinct: 0,
  duplicates: 0,
  outOfRange: 0,
  first: 0,
  last: 0,
  subscribed: false,
  error: null,
});

/** Records the message whose payload starts at `bytes[start]`. */
export function arrived(bytes, start) {
  let index = 0;
  for (let i = start; i < start + 16; i++) index = index * 10 + (bytes[i] - 48);
  const now = performance.now();
  if (bench.count === 0) bench.first = now;
  bench.last = now;
  bench.count++;
  if (!(index >= 0 && index < expected)) bench.outOfRange++;
  else if (seen[index]) bench.duplicates++;
  else {
    seen[index] = 1;
    bench.distinct++;
  }
}

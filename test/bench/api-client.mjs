// The bench's second process: sends `count` sequential GET requests to each path of a local
// API (127.0.0.1 only) after a short warm-up and prints each path's latencies (ms) as JSON.
const [base, ...specs] = process.argv.slice(2);
const url = new URL(base);
if (url.hostname !== "127.0.0.1") throw new Error(`refusing to load ${url.hostname}: 127.0.0.1 only`);

const results = {};
for (const spec of specs) {
  const at = spec.lastIndexOf("@");
  const path = spec.slice(0, at);
  const count = Math.min(Number(spec.slice(at + 1)), 2000);
  const run = async () => {
    const start = performance.now();
    const res = await fetch(base + path);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return performance.now() - start;
  };
  for (let i = 0; i < Math.min(5, count); i++) await run();
  const times = [];
  for (let i = 0; i < count; i++) times.push(await run());
  results[path] = times;
}
process.stdout.write(JSON.stringify(results));

/**
 * CLI start-up: `nianbao parse` of a text report (seed 002), the whole process, against a bare
 * `node -e 0` in the same run, on the same Node. CPU time (user + system) of the child processes,
 * read from /proc/self/stat as the children are reaped, because wall time on this shared machine
 * says more about the neighbours than about the CLI. Goal (issue 15): at most 3× the baseline.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { childCpuSeconds } from "./cpu-time.ts";

/** Mean CPU (or, off Linux, wall) milliseconds of one run of `args` on the project's Node. */
function meanMs(args: string[], runs: number): { ms: number; clock: "cpu" | "wall" } {
  const cpu0 = childCpuSeconds();
  const wall0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  }
  const cpu1 = childCpuSeconds();
  if (cpu0 !== undefined && cpu1 !== undefined) return { ms: ((cpu1 - cpu0) * 1000) / runs, clock: "cpu" };
  return { ms: Number(process.hrtime.bigint() - wall0) / 1e6 / runs, clock: "wall" };
}

export type CliStartup = { baselineMs: number; parseMs: number; helpMs: number; ratio: number; clock: "cpu" | "wall"; runs: number; load: string };

export function measureCliStartup(runs = 20): CliStartup {
  const report = join(SEEDS_DIR, "002_732b3b243defc543.txt");
  const parse = [join(PROJECT_ROOT, "bin", "nianbao.mjs"), "parse", report, "--json"];
  meanMs(parse, 2); // warm-up: the build's freshness, V8's code cache, the file cache
  meanMs(["-e", "0"], 2);
  // Interleaved halves, so a change in the machine's load hits both alike.
  const help = [join(PROJECT_ROOT, "bin", "nianbao.mjs"), "--help"];
  // CPU time grows with the machine's load (caches, frequency), the baseline's too: the ratio is what compares.
  const loadBefore = loadavg()[0]!;
  const half = Math.max(1, Math.floor(runs / 2));
  const a = meanMs(["-e", "0"], half);
  const b = meanMs(parse, half);
  const h = meanMs(help, half);
  const c = meanMs(["-e", "0"], half);
  const d = meanMs(parse, half);
  const baselineMs = (a.ms + c.ms) / 2;
  const parseMs = (b.ms + d.ms) / 2;
  const load = `${loadBefore.toFixed(1)}–${loadavg()[0]!.toFixed(1)}`;
  return { baselineMs, parseMs, helpMs: h.ms, ratio: parseMs / baselineMs, clock: a.clock, runs: half * 2, load };
}

export function benchCliStartup() {
  const m = measureCliStartup();
  return [
    {
      [`node -e 0 (${m.clock} ms)`]: m.baselineMs.toFixed(1),
      [`nianbao --help (${m.clock} ms)`]: m.helpMs.toFixed(1),
      [`nianbao parse 002.txt --json (${m.clock} ms)`]: m.parseMs.toFixed(1),
      "ratio (goal ≤ 3)": m.ratio.toFixed(2),
      runs: m.runs,
      "load average (1 min)": m.load,
    },
  ];
}

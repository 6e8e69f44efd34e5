/**
 * `nianbao parse DIR --jobs N` on 40 files (the three real PDFs of ../shared/corpus/real eleven or
 * twelve times each, and the five text seeds, copied to a temporary folder), `--jobs 1` against
 * `--jobs 2` in the same run, best of three each, alternating. Per setting: wall time of the whole
 * command (the figure the goal is stated in: ≥ 1.6× faster with 2 jobs), its CPU (user + sys, by
 * /usr/bin/time), and from `--timings` the CPU each worker thread spent starting (Node's worker
 * set-up, the bundle, the readers' modules) against reading files (PDFium's start, measured here
 * on its own in a fresh Node, falls in each thread's first PDF), the main thread's, and the rest (V8's background
 * compiling and GC, process start and exit). Wall time means something only on an otherwise idle
 * machine: the last line states the speed-up and whether the load average (before and after)
 * stayed under 1 per core, and an estimate from CPU alone, which load barely moves.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const run = promisify(execFile);
const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const FILES = 40;
const ROUNDS = 3;
const JOBS = [1, 2] as const;

export type BenchRow = Record<string, string | number>;

/** A folder of `FILES` reports: mostly real PDFs (the slow, parallel part), plus the text seeds. */
async function buildFolder(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "nianbao-bench-parse-")), "reports");
  await mkdir(dir);
  const pdfs = (await readdir(REAL_DIR)).filter((f) => f.endsWith(".pdf")).sort();
  for (const seed of SEEDS) await copyFile(join(SEEDS_DIR, `${seed}.txt`), join(dir, `${seed}.txt`));
  for (let i = 0; i < FILES - SEEDS.length; i++) {
    const pdf = pdfs[i % pdfs.length]!;
    await copyFile(join(REAL_DIR, pdf), join(dir, `${String(i).padStart(2, "0")}-${pdf}`));
  }
  return dir;
}

/** One run, seconds: wall and CPU of the process, and from --timings each thread's start-up and files, and the main thread's. */
type Run = { wall: number; cpu: number; main: number; threads: { startup: number; files: number }[] };

async function timeParse(dir: string, jobs: number): Promise<Run> {
  const args = ["-f", "cpu %U %S", "node", "bin/nianbao.mjs", "parse", dir, "--out", join(dir, "..", `${jobs}.csv`), "--jobs", String(jobs), "--timings"];
  const started = process.hrtime.bigint();
  const { stderr } = await run("/usr/bin/time", args, { maxBuffer: 16 * 1024 * 1024 }).catch((error: { stderr: string }) => ({ stderr: error.stderr }));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (!/40 个文件：\d+ 个有效，\d+ 个需复核，0 个失败/.test(stderr)) throw new Error(`parse --jobs ${jobs} did not read all 40 files:\n${stderr.slice(-2000)}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  const threads = [...stderr.matchAll(/线程 \d+：启动 ([\d.]+) s，\d+ 个文件 ([\d.]+) s/g)].map((m) => ({ startup: Number(m[1]), files: Number(m[2]) }));
  const main = Number(/主线程 ([\d.]+) s/.exec(stderr)?.[1] ?? Number.NaN);
  return { wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN, main, threads };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const longest = (r: Run) => Math.max(...r.threads.map((t) => t.startup + t.files));
/** The wall time if nothing but the worker threads ran in parallel: the process's CPU less what the other threads did beside the longest. */
const cpuBoundWall = (r: Run) => r.cpu - (sum(r.threads.map((t) => t.startup + t.files)) - longest(r));

/**
 * PDFium's start on its own, what each thread that reads a PDF pays once: process CPU ms of a
 * fresh Node importing the package and starting it (V8's background compiling included), less a
 * bare Node's, best of three.
 */
async function pdfiumStartMs(): Promise<number> {
  const wasm = fileURLToPath(import.meta.resolve("@embedpdf/pdfium/pdfium.wasm"));
  const script = `const u0 = process.cpuUsage(); const { init } = await import(${JSON.stringify(import.meta.resolve("@embedpdf/pdfium"))});
const b = (await import("node:fs")).readFileSync(${JSON.stringify(wasm)});
const p = await init({ wasmBinary: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength), printErr: () => {} }); p.PDFiumExt_Init();
const u = process.cpuUsage(u0); console.log((u.user + u.system) / 1000);`;
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, Number((await run("node", ["--input-type=module", "-e", script])).stdout));
  return best;
}

function row(jobs: number, runs: Run[], baseline: Run[]): BenchRow {
  const best = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
  const s = (v: number) => v.toFixed(2);
  const threads = sum(best.threads.map((t) => t.startup + t.files));
  return {
    "parse 40 files": `--jobs ${jobs} (${best.threads.length} 个线程)`,
    "wall s (best of 3)": s(best.wall),
    "speed-up (wall)": (Math.min(...baseline.map((r) => r.wall)) / best.wall).toFixed(2),
    "process CPU s": s(best.cpu),
    "threads' start-up CPU s": best.threads.map((t) => s(t.startup)).join(" + "),
    "threads' files CPU s": best.threads.map((t) => s(t.files)).join(" + "),
    "main thread CPU s": s(best.main),
    "other CPU s (V8 background, process)": s(best.cpu - threads - best.main),
    "speed-up from CPU alone": (Math.min(...baseline.map(cpuBoundWall)) / Math.min(...runs.map(cpuBoundWall))).toFixed(2),
  };
}

export async function benchParseFolder(): Promise<BenchRow[]> {
  if (!existsSync(REAL_DIR)) {
    console.warn(`!!! parse-folder bench skipped: ${REAL_DIR} (the real PDFs) is missing`);
    return [];
  }
  const dir = await buildFolder();
  const cores = availableParallelism();
  const loadBefore = loadavg()[0]!;
  try {
    const runs = new Map<number, Run[]>(JOBS.map((j) => [j, []]));
    for (let round = 0; round < ROUNDS; round++) for (const jobs of JOBS) runs.get(jobs)!.push(await timeParse(dir, jobs));
    const loadAfter = loadavg()[0]!;
    const rows = JOBS.map((jobs) => row(jobs, runs.get(jobs)!, runs.get(1)!));
    const speedUp = rows.at(-1)!["speed-up (wall)"];
    const idle = Math.max(loadBefore, loadAfter) < cores;
    const load = `load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${cores} cores`;
    const verdict = idle
      ? `wall speed-up of --jobs 2: ${speedUp}× (goal ≥ 1.6): ${Number(speedUp) >= 1.6 ? "MET" : "NOT MET"}; the machine was idle enough to judge (${load})`
      : `wall speed-up of --jobs 2: ${speedUp}× (goal ≥ 1.6): NOT JUDGED, the machine was busy (${load}; needs < 1 per core); from CPU alone: ${rows.at(-1)!["speed-up from CPU alone"]}×`;
    return [...rows, { "parse 40 files": `PDFium start: ${(await pdfiumStartMs()).toFixed(0)} ms CPU per thread`, "wall s (best of 3)": "" }, { "parse 40 files": verdict }];
  } finally {
    await rm(join(dir, ".."), { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchParseFolder());

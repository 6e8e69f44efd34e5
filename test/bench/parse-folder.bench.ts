/**
 * `nianbao parse DIR --jobs N` on 40 files (the three real PDFs of ../shared/corpus/real eleven or
 * twelve times each, and the five text seeds, copied to a temporary folder), `--jobs 1` against
 * `--jobs 2` in the same run: wall time of the whole command (the figure the goal is stated in:
 * ≥ 1.6× faster with 2 jobs) and its CPU time (user + sys, by /usr/bin/time), best of three each,
 * alternating. Wall time means something only on an otherwise idle machine: the load average
 * before and after is printed with the figures.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const run = promisify(execFile);
const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const FILES = 40;
const ROUNDS = 3;

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

/** One run of the CLI: wall seconds, and CPU seconds of the process and its threads. */
async function timeParse(dir: string, jobs: number): Promise<{ wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const { stderr } = await run("/usr/bin/time", ["-f", "cpu %U %S", "node", "bin/nianbao.mjs", "parse", dir, "--out", join(dir, "..", `${jobs}.csv`), "--jobs", String(jobs)], {
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stderr: string }) => ({ stderr: error.stderr }));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  if (!/40 个文件：\d+ 个有效，\d+ 个需复核，0 个失败/.test(stderr)) throw new Error(`parse --jobs ${jobs} did not read all 40 files:\n${stderr.slice(-2000)}`);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

export async function benchParseFolder(): Promise<BenchRow[]> {
  if (!existsSync(REAL_DIR)) {
    console.warn(`!!! parse-folder bench skipped: ${REAL_DIR} (the real PDFs) is missing`);
    return [];
  }
  const dir = await buildFolder();
  const loadBefore = loadavg()[0]!.toFixed(2);
  try {
    const best = { 1: { wall: Infinity, cpu: Infinity }, 2: { wall: Infinity, cpu: Infinity } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const jobs of [1, 2] as const) {
        const t = await timeParse(dir, jobs);
        best[jobs] = { wall: Math.min(best[jobs].wall, t.wall), cpu: Math.min(best[jobs].cpu, t.cpu) };
      }
    }
    const load = `${loadBefore} → ${loadavg()[0]!.toFixed(2)}`;
    return [1, 2].map((jobs) => ({
      "parse 40 files": `--jobs ${jobs}`,
      "wall s (best of 3)": best[jobs as 1 | 2].wall.toFixed(2),
      "cpu s user+sys": best[jobs as 1 | 2].cpu.toFixed(2),
      "speed-up vs --jobs 1 (wall)": (best[1].wall / best[jobs as 1 | 2].wall).toFixed(2),
      "load average (1 min)": load,
    }));
  } finally {
    await rm(join(dir, ".."), { recursive: true, force: true });
  }
}

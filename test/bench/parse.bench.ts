/**
 * Parse + validate per seed, against reading the file alone as the baseline (same run, same machine).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { textDocument } from "../../functions/documents/text.ts";
import { parseReport } from "../../functions/report/index.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

export type BenchRow = Record<string, string | number>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

export function benchParse(runs = 200): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const name of SEEDS) {
    const file = join(SEEDS_DIR, `${name}.txt`);
    const readOnly = () => void readFileSync(file);
    const readAndParse = () => void parseReport(textDocument(readFileSync(file, "utf8")));
    time(readAndParse, 20); // warm-up: JIT and the conversion tables
    const baseline = median(time(readOnly, runs));
    const parsed = median(time(readAndParse, runs));
    rows.push({
      seed: name,
      "read file (ms)": baseline.toFixed(3),
      "read+parse+validate (ms)": parsed.toFixed(3),
      "parse+validate (ms)": (parsed - baseline).toFixed(3),
      "× baseline": (parsed / baseline).toFixed(1),
      "reports/s (1 core)": Math.round(1000 / parsed),
    });
  }
  return rows;
}

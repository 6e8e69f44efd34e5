/**
 * API latency on the local stack over 1,000 stored records: median and p99 of `/reports`
 * (a page, a filtered page) and `/stats` (all, one year), against `/openapi.json` (no
 * database work) as the baseline of the same run. Requests come from a second process
 * (test/bench/api-client.mjs), one at a time, to 127.0.0.1 only.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ReportRecord } from "../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack } from "../support/local-stack.ts";

const RECORDS = 1000;
const CLIENT = fileURLToPath(new URL("./api-client.mjs", import.meta.url));

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export async function benchApi(): Promise<Record<string, string | number>[]> {
  const local = await startTestStack("nianbao-bench-api-");
  try {
    const seeds = await Promise.all(
      SEEDS.map(async (s) => JSON.parse(await readFile(join(SEEDS_DIR, `${s}.expected.json`), "utf8")) as ReportRecord),
    );
    const records = local.stack.adapters.records;
    const writeStart = performance.now();
    let next = 0;
    const writer = async () => {
      for (let i = next++; i < RECORDS; i = next++) {
        const seed = seeds[i % seeds.length]!;
        const hasError = (seed.findings as { severity: string }[]).some((f) => f.severity === "error");
        await records.putParsed({
          reportId: i.toString(16).padStart(64, "0"),
          status: hasError ? "NEEDS_REVIEW" : "VALID",
          parserVersion: "bench",
          record: { ...seed, agency: `机关${i % 100}`, year: 2019 + (i % 4) },
          source: { bucket: local.stack.ingestBucket, key: `bench/${i}.txt` },
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    const writeSeconds = (performance.now() - writeStart) / 1000;

    const specs = [
      ["/openapi.json", 300, "baseline: no database"],
      ["/reports?limit=25", 300, "first page of 25 (3 status partitions)"],
      ["/reports?year=2020&limit=25", 200, "filtered page of 25"],
      [`/reports?agency=${encodeURIComponent("机关7")}&year=2020`, 300, "agency+year (byAgencyYear key)"],
      ["/reports?limit=1000", 10, "one page of all 1,000 summaries"],
      ["/stats", 10, "sums over 1,000 records"],
      ["/stats?year=2020", 20, "sums over 250 records"],
    ] as const;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLIENT, local.stack.apiUrl, ...specs.map(([path, count]) => `${path}@${count}`)],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const times = JSON.parse(stdout) as Record<string, number[]>;
    const rows: Record<string, string | number>[] = specs.map(([path, , what]) => {
      const sorted = [...(times[path] ?? [])].sort((a, b) => a - b);
      return {
        route: decodeURIComponent(path),
        what,
        requests: sorted.length,
        "median ms": Number(quantile(sorted, 0.5).toFixed(2)),
        "p99 ms": Number(quantile(sorted, 0.99).toFixed(2)),
      };
    });
    rows.push({
      route: "(setup)",
      what: `${RECORDS} records written through the store, 8 at a time: mean ms per record in the median column`,
      requests: RECORDS,
      "median ms": Number(((writeSeconds * 1000) / RECORDS).toFixed(2)),
      "p99 ms": "",
    });
    return rows;
  } finally {
    await local.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await benchApi());

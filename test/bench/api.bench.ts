/**
 * API latency on the local stack at two sizes in the same run: 1,000 stored records, then
 * 20,000 (`NIANBAO_BENCH_RECORDS`), each written straight through the record store (which keeps
 * the aggregates of `/stats` as it writes). Median and p99 of `/reports` (pages, a page of 1,000
 * summaries) and `/stats` (from the aggregates; and summed from the records, today's way, at the
 * small size), against `/openapi.json` (no database work) as the baseline of the same run.
 * Requests come from a second process (test/bench/api-client.mjs), one at a time, to 127.0.0.1 only.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { RecordStore } from "../../functions/adapters/record-store.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const SMALL = 1000;
const LARGE = Number(process.env.NIANBAO_BENCH_RECORDS ?? 20_000);
const WRITERS = 8;
const CLIENT = fileURLToPath(new URL("./api-client.mjs", import.meta.url));

type Row = Record<string, string | number>;
type Spec = readonly [path: string, count: number, what: string];

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** Writes records [from, to) through the store, `WRITERS` at a time; mean ms per record. */
async function writeRecords(records: RecordStore, seeds: ReportRecord[], bucket: string, from: number, to: number): Promise<number> {
  const start = performance.now();
  let next = from;
  const writer = async () => {
    for (let i = next++; i < to; i = next++) {
      const seed = seeds[i % seeds.length]!;
      const hasError = (seed.findings as { severity: string }[]).some((f) => f.severity === "error");
      await records.putParsed({
        reportId: i.toString(16).padStart(64, "0"),
        status: hasError ? "NEEDS_REVIEW" : "VALID",
        parserVersion: "bench",
        record: { ...seed, agency: `机关${i % 100}`, agencyId: `bench-${i % 100}`, year: 2019 + (i % 4) },
        source: { bucket, key: `incoming/bench/${i}.txt` },
      });
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return (performance.now() - start) / (to - from);
}

async function measure(local: TestStack, size: number, specs: readonly Spec[]): Promise<Row[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLIENT, local.stack.apiUrl, ...specs.map(([path, count]) => `${path}@${count}`)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const times = JSON.parse(stdout) as Record<string, number[]>;
  return specs.map(([path, , what]) => {
    const sorted = [...(times[path] ?? [])].sort((a, b) => a - b);
    return {
      records: size,
      route: decodeURIComponent(path),
      what,
      requests: sorted.length,
      "median ms": Number(quantile(sorted, 0.5).toFixed(2)),
      "p99 ms": Number(quantile(sorted, 0.99).toFixed(2)),
    };
  });
}

const median = (rows: Row[], size: number, route: string) => Number(rows.find((r) => r.records === size && r.route === route)?.["median ms"]);

export async function benchApi(): Promise<Row[]> {
  const local = await startTestStack("nianbao-bench-api-");
  try {
    const seeds = await Promise.all(
      SEEDS.map(async (s) => JSON.parse(await readFile(join(SEEDS_DIR, `${s}.expected.json`), "utf8")) as ReportRecord),
    );
    const records = local.stack.adapters.records;
    const bucket = local.stack.ingestBucket;
    const rows: Row[] = [];
    const writeSmall = await writeRecords(records, seeds, bucket, 0, SMALL);
    rows.push(
      ...(await measure(local, SMALL, [
        ["/openapi.json", 300, "baseline: no database"],
        ["/reports?limit=25", 300, "first page of 25 (3 status partitions)"],
        ["/reports?year=2020&limit=25", 200, "filtered page of 25"],
        [`/reports?agency=bench-7&year=2020`, 300, "agency+year (byAgencyYear key)"],
        ["/reports?limit=1000", 20, "one page of 1,000 summaries"],
        ["/stats", 50, "sums over all records, from the aggregates"],
        ["/stats?year=2020", 50, "sums over one year, from the aggregates"],
        ["/stats?parserVersion=bench", 10, "sums over all records read one by one (the fallback; today's way)"],
      ])),
    );
    const writeLarge = await writeRecords(records, seeds, bucket, SMALL, LARGE);
    rows.push(
      ...(await measure(local, LARGE, [
        ["/openapi.json", 300, "baseline: no database"],
        ["/reports?limit=1000", 20, "one page of 1,000 summaries"],
        ["/stats", 50, "sums over all records, from the aggregates"],
        ["/stats?year=2020", 50, "sums over one year, from the aggregates"],
      ])),
    );
    rows.push(
      {
        records: LARGE,
        route: "/stats",
        what: `median at ${LARGE} ÷ median at ${SMALL} (aggregates; ≤ 1.5 wanted)`,
        requests: "",
        "median ms": Number((median(rows, LARGE, "/stats") / median(rows, SMALL, "/stats")).toFixed(2)),
        "p99 ms": "",
      },
      { records: SMALL, route: "(setup)", what: `records written through the store, ${WRITERS} at a time: mean ms per record`, requests: SMALL, "median ms": Number(writeSmall.toFixed(2)), "p99 ms": "" },
      { records: LARGE, route: "(setup)", what: `the next ${LARGE - SMALL}: mean ms per record`, requests: LARGE - SMALL, "median ms": Number(writeLarge.toFixed(2)), "p99 ms": "" },
    );
    return rows;
  } finally {
    await local.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await benchApi());

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
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { writeExportFile } from "../../functions/adapters/export-file.ts";
import { createDynamoRecordQuery } from "../../functions/adapters/record-query.ts";
import type { RecordStore } from "../../functions/adapters/record-store.ts";
import { parseCsv } from "../../functions/api/csv.ts";
import { FIGURE_COLUMNS, readFigure } from "../../functions/api/figures.ts";
import { Config } from "../../functions/shared/config.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { benchExportJobs } from "./export-jobs.bench.ts";
import { readSeeds, writeBenchRecords, WRITERS } from "./bench-records.ts";

const SMALL = 1000;
const LARGE = Number(process.env.NIANBAO_BENCH_RECORDS ?? 20_000);
const CLIENT = fileURLToPath(new URL("./api-client.mjs", import.meta.url));

type Row = Record<string, string | number>;
type Spec = readonly [path: string, count: number, what: string];

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
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

const MB = 1024 * 1024;

/**
 * Exports every record as CSV through writeExportFile into s3rver, sampling this process's RSS
 * (which also runs s3rver and the handlers), then reads the file back and checks every figure
 * of every row against the seed it was written from.
 */
async function benchExport(local: TestStack, seeds: ReportRecord[], size: number): Promise<Row[]> {
  const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
  try {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const start = performance.now();
    const result = await writeExportFile(local.s3, createDynamoRecordQuery(client, LOCAL_NAMES.TABLE), {
      bucket: LOCAL_NAMES.ARTIFACTS_BUCKET,
      name: "bench.csv",
      format: "csv",
      filter: { parserVersion: "bench" },
    });
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    const object = await local.s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.ARTIFACTS_BUCKET, Key: result.key }));
    const [header, ...rows] = parseCsv(await object.Body!.transformToString());
    const col = new Map(header!.map((name, i) => [name, i]));
    let checked = 0;
    for (const row of rows) {
      const i = parseInt(row[col.get("id")!]!, 16);
      const seed = seeds[i % seeds.length]!;
      for (const column of FIGURE_COLUMNS) {
        const figure = readFigure(seed, column);
        if (row[col.get(column.name)!] !== (figure === undefined ? "" : String(figure))) throw new Error(`export row ${i} ${column.name}: ${row[col.get(column.name)!]}, wrote ${figure}`);
        checked += 1;
      }
    }
    if (rows.length !== size) throw new Error(`export has ${rows.length} rows, ${size} records were written`);
    return [
      { records: size, route: "(export)", what: `CSV to S3 in ${result.parts} parts, ${(result.bytes / MB).toFixed(1)} MB: wall s in the median column`, requests: result.reports, "median ms": Number(seconds.toFixed(2)), "p99 ms": "" },
      { records: size, route: "(export)", what: "peak RSS of the process during the export, MB (before it in p99)", requests: "", "median ms": Math.round(peak / MB), "p99 ms": Math.round(before / MB) },
      { records: size, route: "(export)", what: "figures read back from the file, every one as written", requests: rows.length, "median ms": checked, "p99 ms": "" },
    ];
  } finally {
    client.destroy();
  }
}

const median = (rows: Row[], size: number, route: string) => Number(rows.find((r) => r.records === size && r.route === route)?.["median ms"]);

export async function benchApi(): Promise<Row[]> {
  const local = await startTestStack("nianbao-bench-api-");
  try {
    const seeds = await readSeeds();
    const records = local.stack.adapters.records;
    const bucket = local.stack.ingestBucket;
    const rows: Row[] = [];
    const writeSmall = await writeBenchRecords(records, seeds, bucket, 0, SMALL);
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
    const writeLarge = await writeBenchRecords(records, seeds, bucket, SMALL, LARGE);
    rows.push(
      ...(await measure(local, LARGE, [
        ["/openapi.json", 300, "baseline: no database"],
        ["/reports?limit=1000", 20, "one page of 1,000 summaries"],
        ["/stats", 50, "sums over all records, from the aggregates"],
        ["/stats?year=2020", 50, "sums over one year, from the aggregates"],
      ])),
    );
    // A failed export is a row of the table saying so, not the end of the other figures.
    rows.push(
      ...(await benchExport(local, seeds, LARGE).catch((error: Error) => [
        { records: LARGE, route: "(export)", what: `FAILED: ${error.message}`, requests: "", "median ms": "", "p99 ms": "" },
      ])),
    );
    // Export jobs (POST /exports's Lambda) of every format, each in its own process.
    rows.push(
      ...(await benchExportJobs(local, seeds, LARGE).catch((error: Error) => [
        { records: LARGE, route: "(export job)", what: `FAILED: ${error.message}`, requests: "", "median ms": "", "p99 ms": "" },
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

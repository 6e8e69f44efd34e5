/**
 * Export jobs over the records the API bench wrote (issue 17, item 3): one job per format (csv,
 * xlsx, jsonl), each run by `runExport` in a process of its own (./export-job.ts, as its Lambda
 * would), which reports its wall and CPU time and peak RSS (goal < 300 MB); then the file is
 * fetched and every figure of every row checked against the seed it was written from (the
 * workbook read back with exceljs's streaming reader, sheet by sheet).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import ExcelJS from "exceljs";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { createDynamoExportJobStore, type ExportFormat } from "../../functions/adapters/export-jobs.ts";
import { parseCsv } from "../../functions/api/csv.ts";
import { FIGURE_COLUMNS, readFigure } from "../../functions/api/figures.ts";
import { SHEET_LAYOUTS } from "../../functions/api/xlsx.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { Config } from "../../functions/shared/config.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import type { TestStack } from "../support/local-stack.ts";

const RUN_TS = fileURLToPath(new URL("../../bin/run-ts.mjs", import.meta.url));
const JOB = fileURLToPath(new URL("./export-job.ts", import.meta.url));
const MB = 1024 * 1024;

type Row = Record<string, string | number>;
type JobRun = { state: string; written: number; seconds: number; cpuSeconds: number; maxRssMB: number };

/** The seed a bench record was written from: its id is its index in hex. */
const seedOf = (seeds: ReportRecord[], id: string) => seeds[parseInt(id, 16) % seeds.length]!;

function checkFigure(id: string, column: string, value: unknown, wrote: number | undefined): void {
  if ((value ?? undefined) !== wrote) throw new Error(`export row ${id} ${column}: ${String(value)}, wrote ${wrote}`);
}

function checkCsv(text: string, seeds: ReportRecord[]): { rows: number; figures: number } {
  const [header, ...rows] = parseCsv(text);
  const col = new Map(header!.map((name, i) => [name, i]));
  let figures = 0;
  for (const row of rows) {
    const id = row[col.get("id")!]!;
    for (const column of FIGURE_COLUMNS) {
      const figure = readFigure(seedOf(seeds, id), column);
      const cell = row[col.get(column.name)!];
      checkFigure(id, column.name, cell === "" ? undefined : Number(cell), figure);
      figures += 1;
    }
  }
  return { rows: rows.length, figures };
}

function checkJsonl(text: string, seeds: ReportRecord[]): { rows: number; figures: number } {
  let rows = 0;
  let figures = 0;
  for (const line of text.split("\n")) {
    if (!line) continue;
    const record = JSON.parse(line) as ReportRecord & { id: string };
    for (const column of FIGURE_COLUMNS) {
      checkFigure(record.id, column.name, readFigure(record, column), readFigure(seedOf(seeds, record.id), column));
      figures += 1;
    }
    rows += 1;
  }
  return { rows, figures };
}

/** Every section sheet's figures against the seeds, streamed (the sheets come in SHEET_LAYOUTS order). */
async function checkXlsx(body: Readable, seeds: ReportRecord[]): Promise<{ rows: number; figures: number }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(body, { worksheets: "emit", sharedStrings: "cache", styles: "ignore", hyperlinks: "ignore" });
  let sheetIndex = 0;
  let rows = 0;
  let figures = 0;
  for await (const sheet of reader) {
    const layout = SHEET_LAYOUTS[sheetIndex++]!;
    const columns = layout.section ? FIGURE_COLUMNS.filter((c) => c.section === layout.section) : [];
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      if (row.number <= layout.headerRows.length) continue;
      if (sheetIndex === 1) rows += 1;
      if (columns.length === 0) continue;
      const id = String(row.getCell(3).value);
      const seed = seedOf(seeds, id);
      columns.forEach((column, i) => {
        checkFigure(id, column.name, row.getCell(4 + i).value, readFigure(seed, column));
        figures += 1;
      });
    }
  }
  return { rows, figures };
}

async function runJob(local: TestStack, format: ExportFormat, filter: { parserVersion: string }): Promise<JobRun & { key: string; bytes: number }> {
  const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
  try {
    const jobs = createDynamoExportJobStore(client, LOCAL_NAMES.TABLE);
    const jobId = randomUUID();
    await jobs.create({ jobId, format, filter });
    // NIANBAO_EXPORT_HEAP_MB caps the job's V8 heap: an export that still finishes holds no more than that, whatever the count.
    const heap = process.env.NIANBAO_EXPORT_HEAP_MB ? [`--max-old-space-size=${process.env.NIANBAO_EXPORT_HEAP_MB}`] : [];
    const args = [...heap, RUN_TS, JOB, local.stack.dynamoDbEndpoint, local.stack.s3Endpoint, jobId];
    const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: MB });
    const run = JSON.parse(stdout.trim().split("\n").pop()!) as JobRun;
    const job = await jobs.get(jobId);
    if (job?.state !== "DONE") throw new Error(`${format} export ${job?.state}: ${job?.failure}`);
    return { ...run, key: job.key!, bytes: job.bytes! };
  } finally {
    client.destroy();
  }
}

/**
 * @example
 * rows.push(...(await benchExportJobs(local, seeds, 20_000)));
 */
export async function benchExportJobs(local: TestStack, seeds: ReportRecord[], size: number, filter = { parserVersion: "bench" }): Promise<Row[]> {
  const rows: Row[] = [];
  for (const format of ["csv", "xlsx", "jsonl"] as const) {
    const run = await runJob(local, format, filter);
    const object = await local.s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.ARTIFACTS_BUCKET, Key: run.key }));
    const checked =
      format === "xlsx"
        ? await checkXlsx(object.Body as Readable, seeds)
        : (format === "csv" ? checkCsv : checkJsonl)(await object.Body!.transformToString(), seeds);
    if (checked.rows !== size || run.written !== size) throw new Error(`${format} export: ${run.written} written, ${checked.rows} rows read back, ${size} records`);
    rows.push({
      records: size,
      route: `(export job, ${format})`,
      what: `${(run.bytes / MB).toFixed(1)} MB; wall s in median, CPU s in p99; peak RSS of its process ${Math.round(run.maxRssMB)} MB; ${checked.figures} figures read back, each as written`,
      requests: run.written,
      "median ms": Number(run.seconds.toFixed(2)),
      "p99 ms": Number(run.cpuSeconds.toFixed(2)),
    });
  }
  return rows;
}

// Alone: `node bin/run-ts.mjs test/bench/export-jobs.bench.ts` writes NIANBAO_BENCH_RECORDS (20,000) records first.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { writeBenchRecords, readSeeds } = await import("./bench-records.ts");
  const { startTestStack } = await import("../support/local-stack.ts");
  const size = Number(process.env.NIANBAO_BENCH_RECORDS ?? 20_000);
  const local = await startTestStack("nianbao-bench-exports-");
  try {
    const seeds = await readSeeds();
    await writeBenchRecords(local.stack.adapters.records, seeds, local.stack.ingestBucket, 0, size);
    console.table(await benchExportJobs(local, seeds, size));
  } finally {
    await local.stop();
  }
}

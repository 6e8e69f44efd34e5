/**
 * An export of any size as one file in S3 under `exports/`, streamed: rows are formatted as the
 * records are read page by page (../adapters/record-query.ts `each`) and sent as the parts of a
 * multipart upload, so memory holds one page of records and one part, whatever the count.
 * Rows come in the order the indexes list them (a sorted file would need every record at once).
 *
 * CSV and JSON lines are written row by row. An Excel workbook is written by exceljs's streaming
 * writer (its zip goes straight into the parts); the sheets of a zip are written one after the
 * other, so the records are read once, the first sheet's rows written at once and the other
 * sheets' rows spooled to temporary files (a Lambda's /tmp) and replayed after it.
 *
 * Export jobs (functions/steps/10-export/) run this; `watch` reports progress and can stop it.
 */
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { once } from "node:events";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CSV_COLUMNS, quoteCsvField, toCsvRow, UTF8_BOM } from "../api/csv.ts";
import { exportRowOf } from "../api/export-rows.ts";
import { addLaidOutSheet, SHEET_LAYOUTS, XLSX_CONTENT_TYPE, type SheetValue } from "../api/xlsx.ts";
import type { ExportFormat } from "./export-jobs.ts";
import { READ_SHAPE, type RecordQuery, type ReportFilter } from "./record-query.ts";
import type { StoredReport } from "./record-store.ts";

export const EXPORT_PREFIX = "exports/";
export type { ExportFormat };

/** S3's smallest part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

type LineFormat = { contentType: string; header: string; row: (report: StoredReport) => string };

const LINE_FORMATS: Record<Exclude<ExportFormat, "xlsx">, LineFormat> = {
  csv: {
    contentType: "text/csv; charset=utf-8",
    header: UTF8_BOM + CSV_COLUMNS.map(quoteCsvField).join(",") + "\r\n",
    row: (report) => toCsvRow(exportRowOf(report)).map(quoteCsvField).join(",") + "\r\n",
  },
  jsonl: {
    contentType: "application/x-ndjson; charset=utf-8",
    header: "",
    row: ({ reportId, status, parserVersion, record, failure, sources, updatedAt }) =>
      JSON.stringify({ ...(record ?? {}), id: reportId, status, parserVersion, ...(failure ? { failure } : {}), sources, updatedAt }) + "\n",
  },
};

/** The content type of each format's file. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: LINE_FORMATS.csv.contentType,
  jsonl: LINE_FORMATS.jsonl.contentType,
  xlsx: XLSX_CONTENT_TYPE,
};

export type ExportResult = { key: string; reports: number; bytes: number; parts: number };

/** Progress and a way to stop: `progress` is awaited every `every` reports; `stop` is asked before each report and throws to end the export. */
export type ExportWatch = { every?: number; progress?: (reports: number) => Promise<void>; stop?: () => void };

/** A multipart upload written in parts of at least `partBytes` (the last may be smaller). */
function multipartSink(s3: S3Client, target: { Bucket: string; Key: string }, contentType: string, partBytes: number) {
  let uploadId: Promise<string | undefined> | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  const begin = () => (uploadId ??= s3.send(new CreateMultipartUploadCommand({ ...target, ContentType: contentType })).then((out) => out.UploadId));
  const flush = async () => {
    const UploadId = await begin();
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(new UploadPartCommand({ ...target, UploadId, PartNumber, Body: Buffer.concat(pending) }));
    parts.push({ ETag: ETag!, PartNumber });
    pending = [];
    pendingBytes = 0;
  };
  return {
    begin,
    async write(chunk: Buffer) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      bytes += chunk.length;
      if (pendingBytes >= partBytes) await flush();
    },
    async complete() {
      if (pendingBytes > 0 || parts.length === 0) await flush();
      await s3.send(new CompleteMultipartUploadCommand({ ...target, UploadId: await begin(), MultipartUpload: { Parts: parts } }));
      return { bytes, parts: parts.length };
    },
    async abort() {
      // No half-written export is left behind (nor its parts billed).
      if (uploadId) await s3.send(new AbortMultipartUploadCommand({ ...target, UploadId: await uploadId })).catch(() => undefined);
    },
  };
}
type Sink = ReturnType<typeof multipartSink>;

/** The reports of `filter`, counted, with `watch` told every `every` and asked to stop before each. */
async function* watched(query: RecordQuery, filter: ReportFilter, watch: ExportWatch, counter: { reports: number }) {
  const every = watch.every ?? 500;
  for await (const report of query.each(filter, READ_SHAPE.FULL)) {
    watch.stop?.();
    yield report;
    counter.reports += 1;
    if (counter.reports % every === 0) await watch.progress?.(counter.reports);
  }
}

async function writeLines(sink: Sink, format: LineFormat, reports: AsyncIterable<StoredReport>): Promise<void> {
  if (format.header) await sink.write(Buffer.from(format.header, "utf8"));
  for await (const report of reports) await sink.write(Buffer.from(format.row(report), "utf8"));
}

async function writeLine(stream: WriteStream, line: string): Promise<void> {
  if (!stream.write(line)) await once(stream, "drain");
}

/** Replays a spooled sheet: one JSON array of cell values per line (null for an empty cell). */
async function* spooled(file: string): AsyncGenerator<SheetValue[]> {
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield (JSON.parse(line) as (SheetValue | null)[]).map((v) => v ?? undefined);
}

async function writeXlsx(sink: Sink, reports: AsyncIterable<StoredReport>): Promise<void> {
  const { default: ExcelJS } = await import("exceljs");
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.write(chunk).then(() => done(), done);
    },
  });
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  book.creator = "nianbao";
  const [first, ...rest] = SHEET_LAYOUTS;
  const spoolDir = await mkdtemp(join(tmpdir(), "nianbao-export-"));
  try {
    const files = rest.map((_, i) => join(spoolDir, `${i}.jsonl`));
    const spools = files.map((file) => createWriteStream(file, "utf8"));
    const sheet = addLaidOutSheet(book, first!);
    for await (const report of reports) {
      const row = exportRowOf(report);
      sheet.addRow(first!.valuesOf(row)).commit();
      for (const [i, layout] of rest.entries()) await writeLine(spools[i]!, JSON.stringify(layout.valuesOf(row)) + "\n");
    }
    sheet.commit();
    await Promise.all(spools.map((s) => new Promise((resolve, reject) => s.end(resolve).on("error", reject))));
    for (const [i, layout] of rest.entries()) {
      const next = addLaidOutSheet(book, layout);
      for await (const values of spooled(files[i]!)) next.addRow(values).commit();
      next.commit();
    }
    await book.commit();
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/**
 * Writes every report matching `filter` to `s3://bucket/exports/<name>` as `format`.
 *
 * @example
 * const { reports, bytes } = await writeExportFile(s3, query, { bucket, name: "job-1.csv", format: "csv", filter: { year: 2021 } });
 */
export async function writeExportFile(
  s3: S3Client,
  query: RecordQuery,
  job: { bucket: string; name: string; format: ExportFormat; filter: ReportFilter },
  partBytes = MIN_PART_BYTES,
  watch: ExportWatch = {},
): Promise<ExportResult> {
  const target = { Bucket: job.bucket, Key: `${EXPORT_PREFIX}${job.name}` };
  const sink = multipartSink(s3, target, EXPORT_CONTENT_TYPES[job.format], partBytes);
  const counter = { reports: 0 };
  const reports = watched(query, job.filter, watch, counter);
  try {
    await sink.begin();
    if (job.format === "xlsx") await writeXlsx(sink, reports);
    else await writeLines(sink, LINE_FORMATS[job.format], reports);
    const { bytes, parts } = await sink.complete();
    return { key: target.Key, reports: counter.reports, bytes, parts };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

/** The file name of a job's export: `<job id>.<format>`. */
export const exportFileName = (jobId: string, format: ExportFormat) => `${jobId}.${format}`;

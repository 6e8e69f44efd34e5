/**
 * An export of any size as one file in S3 under `exports/`, streamed: rows are formatted as the
 * records are read page by page (../adapters/record-query.ts `each`) and sent as the parts of a
 * multipart upload, so memory holds one page of records and one part, whatever the count.
 * Rows come in the order the indexes list them (a sorted file would need every record at once).
 *
 * The first part of an export job (issue 17, item 3): the job item, `POST /exports`,
 * `GET /exports/{id}` and the Lambda running it are not built yet.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { CSV_COLUMNS, quoteCsvField, toCsvRow, UTF8_BOM } from "../api/csv.ts";
import { exportRowOf } from "../api/export-rows.ts";
import { READ_SHAPE, type RecordQuery, type ReportFilter } from "./record-query.ts";
import type { StoredReport } from "./record-store.ts";

export const EXPORT_PREFIX = "exports/";
export type ExportFormat = "csv" | "jsonl";

/** S3's smallest part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

const FORMATS: Record<ExportFormat, { contentType: string; header: string; row: (report: StoredReport) => string }> = {
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

export type ExportResult = { key: string; reports: number; bytes: number; parts: number };

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
): Promise<ExportResult> {
  const format = FORMATS[job.format];
  const target = { Bucket: job.bucket, Key: `${EXPORT_PREFIX}${job.name}` };
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ ...target, ContentType: format.contentType }));
  const parts: { ETag: string; PartNumber: number }[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let reports = 0;
  const flush = async () => {
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(new UploadPartCommand({ ...target, UploadId, PartNumber, Body: Buffer.concat(pending) }));
    parts.push({ ETag: ETag!, PartNumber });
    pending = [];
    pendingBytes = 0;
  };
  const write = async (text: string) => {
    const chunk = Buffer.from(text, "utf8");
    pending.push(chunk);
    pendingBytes += chunk.length;
    bytes += chunk.length;
    if (pendingBytes >= partBytes) await flush();
  };
  try {
    if (format.header) await write(format.header);
    for await (const report of query.each(job.filter, READ_SHAPE.FULL)) {
      reports += 1;
      await write(format.row(report));
    }
    if (pendingBytes > 0 || parts.length === 0) await flush();
    await s3.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }));
    return { key: target.Key, reports, bytes, parts: parts.length };
  } catch (error) {
    // No half-written export is left behind (nor its parts billed).
    await s3.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
    throw error;
  }
}

/**
 * The records table (design in ../shared/table-schema.ts): one item per report,
 * `pk = REPORT#<sha256 of the source bytes>`, `sk = RECORD`.
 *
 * Idempotency without read-modify-write:
 * - the record body is written by one conditional UpdateItem that only creates the item,
 *   replaces a FAILED one, or replaces one made by another parser version, so a duplicate
 *   event cannot overwrite a finished record and a retry cannot clobber a success;
 * - a source is added by a second UpdateItem, `list_append` guarded by
 *   `NOT contains(sourceKeys, :key)` with `ADD sourceKeys`, so the same object seen twice
 *   is listed once and the same bytes under another key are listed as a second source.
 *
 * Versions: a parsed result replaces a finished record only when a newer parser version
 * made it (`parserVersionOrder`, see ../shared/parser-version.ts). Whatever a write
 * replaces is kept as a history item `sk = HISTORY#<parserVersion>#<updatedAt>` under the
 * same pk; history items carry no index keys, so listings never see them. A reviewer's verdict
 * (../report/reviews.ts) is written the same way, with its own history item `sk = REVIEW#<at>#<revision>`,
 * and a newer parser's result takes the record's reviews with it (record-store-writes.ts).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { Finding, ReportRecord } from "../report/record.ts";
import { TextReuse } from "../report/text-reuse.ts";
import type { CellReview, ReviewRequest } from "../report/reviews.ts";
import { Status as ReportStatusSchema, type ParsedStatus, type Status as ReportStatus } from "../shared/status.ts";
import { getHistory, getReport, getReviewHistory, listReports } from "./record-store-reads.ts";
import { createRecordWrites } from "./record-store-writes.ts";

/** The status values (defined once, ../shared/status.ts) under the table's names for them. */
export { STATUS as REPORT_STATUS, type Status as ReportStatus } from "../shared/status.ts";

/**
 * Where a report's bytes were found; `uri` is `s3://bucket/key`. A logical report (same body, year
 * and edition, ../report/sources.ts) lists every file it arrived as: its content hash (the id of
 * that file's own reading), file name, format and how it was read; `carried` marks the files whose
 * figures the record carries. Optional: sources stored before carry only the first four.
 */
export const Source = z.object({
  bucket: z.string(),
  key: z.string(),
  uri: z.string(),
  receivedAt: z.string(),
  contentHash: z.string().optional(),
  fileName: z.string().optional(),
  format: z.string().optional(),
  /** How the figures were read: `text` (text layer, HTML, DOCX, text), `ocr` or `grid`. */
  readBy: z.enum(["text", "ocr", "grid"]).optional(),
  layout: z.record(z.string(), z.string()).optional(),
  carried: z.boolean().optional(),
});
export type Source = z.infer<typeof Source>;

export const FailureReason = z.object({ error: z.string(), cause: z.string() });
export type FailureReason = z.infer<typeof FailureReason>;

/** A finding CrossYear wrote onto a record: a finding of the contract naming the other report. */
export const CrossYearFinding = z.strictObject({ ...Finding.shape, related: z.object({ reportId: z.string(), year: z.number() }) });

/**
 * A report as the records table holds it, defined once: the item's attributes without its keys
 * (`z.object` drops `pk`, `sk`, `agencyKey`, `sourceKeys`, `parserVersionOrder` when an item is
 * parsed). Reads parse items through it (./record-store-items.ts `fromItem`).
 */
export const StoredReport = z.object({
  reportId: z.string(),
  status: ReportStatusSchema,
  parserVersion: z.string(),
  agency: z.string().optional(),
  year: z.number().optional(),
  edition: z.string().optional(),
  /** The record of the contract (absent for FAILED). */
  record: z.optional(ReportRecord),
  failure: FailureReason.optional(),
  /** Cross-year findings by the other report's id (written by CrossYear; [] = checked, none). */
  crossYear: z.record(z.string(), z.array(CrossYearFinding)).optional(),
  /** hierarchy.sum findings of a summary report against its subordinates' (written by CrossYear; [] = checked, none). */
  hierarchy: z.array(Finding).optional(),
  /** This year's text against the year before's (written by CrossYear; null: not measurable). */
  textReuse: TextReuse.nullable().optional(),
  sources: z.array(Source).default([]),
  /** The source's format as Extract read it (`text`, `html`, `docx`, `pdf`, `image`; absent on records stored before). */
  format: z.string().optional(),
  /** The reviewers' latest verdict per cell (functions/report/reviews.ts); every verdict is also a `REVIEW#` item. */
  reviews: z.record(z.string(), z.custom<CellReview>()).optional(),
  /** Set on the item of a file that is another source of a logical report: that report's id (GET follows it). */
  mergedInto: z.string().optional(),
  /** Error findings and sources, counted on write so a listing reads neither (absent on records stored before). */
  errorCount: z.number().int().optional(),
  sourceCount: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredReport = z.infer<typeof StoredReport>;

export type ReportSummary = Pick<
  StoredReport,
  "reportId" | "status" | "agency" | "year" | "edition" | "parserVersion" | "updatedAt"
> & { sourceCount: number };

/** The file a write came from: where it lies and, for a parsed one, its format (Extract's). */
export type SourceObject = { bucket: string; key: string; format?: string };

export type ParsedWrite = {
  reportId: string;
  status: ParsedStatus;
  parserVersion: string;
  record: ReportRecord;
  source: SourceObject;
  /** The source's format as Extract read it. */
  format?: string;
};

/** A reviewer's verdict as the review history keeps it (`sk = REVIEW#<at>#<revision>`). */
export type ReviewEntry = CellReview & { cell: string; revision: number };

export type FailureWrite = {
  reportId: string;
  parserVersion: string;
  failure: FailureReason;
  source: { bucket: string; key: string };
};

export type WriteOutcome = {
  /** Whether this call wrote the record body (false: a finished record was already there). */
  written: boolean;
  /** Whether this call added the source (false: it was already listed). */
  sourceAdded: boolean;
  /** The record's status after the call. */
  status: ReportStatus;
  /** The logical report this file is a source of, when it is not the file's own id (../report/sources.ts). */
  logicalReportId?: string;
};

export type ListQuery = { status?: ReportStatus; agency?: string; year?: number; parserVersion?: string; limit?: number };

export interface RecordStore {
  putParsed(write: ParsedWrite): Promise<WriteOutcome>;
  putFailure(write: FailureWrite): Promise<WriteOutcome>;
  get(reportId: string): Promise<StoredReport | undefined>;
  list(query?: ListQuery): Promise<ReportSummary[]>;
  /** Earlier results of a report, oldest first. */
  history?(reportId: string): Promise<HistoryEntry[]>;
  /**
   * Applies a reviewer's verdict (functions/report/reviews.ts) to the stored record, revalidated, and
   * keeps it in the review history; undefined when there is no such record. Throws ReviewError.
   */
  review?(reportId: string, request: ReviewRequest): Promise<{ report: StoredReport; entry: ReviewEntry } | undefined>;
  /** The review history of a report, oldest first. */
  reviewHistory?(reportId: string): Promise<ReviewEntry[]>;
}

export { HISTORY_SK_PREFIX, REVIEW_SK_PREFIX } from "./record-store-items.ts";

/** An earlier result of a report, replaced by a later write. */
export type HistoryEntry = Pick<
  StoredReport,
  "status" | "parserVersion" | "agency" | "year" | "edition" | "record" | "failure" | "createdAt" | "updatedAt"
> & { archivedAt: string };

/**
 * A `RecordStore` over a DynamoDB table (AWS or DynamoDB Local).
 *
 * @example
 * const store = createDynamoRecordStore(createDocumentClient(config), "nianbao-records");
 * await store.putParsed({ reportId, status: "VALID", parserVersion, record, source: { bucket, key } });
 */
export function createDynamoRecordStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: () => string = () => new Date().toISOString(),
): RecordStore {
  const table = { client, tableName, now };
  const writes = createRecordWrites(table);
  return {
    get: (reportId) => getReport(table, reportId),
    putParsed: writes.putParsed,
    putFailure: writes.putFailure,
    history: (reportId) => getHistory(table, reportId),
    review: writes.review,
    reviewHistory: (reportId) => getReviewHistory(table, reportId),
    list: (query) => listReports(table, query),
  };
}

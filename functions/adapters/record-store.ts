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
 * same pk; history items carry no index keys, so listings never see them.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ParsedStatus, Status as ReportStatus } from "../shared/status.ts";
import { getHistory, getReport, listReports } from "./record-store-reads.ts";
import { createRecordWrites } from "./record-store-writes.ts";

/** The status values (defined once, ../shared/status.ts) under the table's names for them. */
export { STATUS as REPORT_STATUS, type Status as ReportStatus } from "../shared/status.ts";

/** Where a report's bytes were found; `uri` is `s3://bucket/key`. */
export type Source = { bucket: string; key: string; uri: string; receivedAt: string };

export type FailureReason = { error: string; cause: string };

export type StoredReport = {
  reportId: string;
  status: ReportStatus;
  parserVersion: string;
  agency?: string;
  year?: number;
  edition?: string;
  /** The record of the contract (absent for FAILED). */
  record?: Record<string, unknown>;
  failure?: FailureReason;
  /** Cross-year findings by the other report's id (written by CrossYear; [] = checked, none). */
  crossYear?: Record<string, Record<string, unknown>[]>;
  sources: Source[];
  createdAt: string;
  updatedAt: string;
};

export type ReportSummary = Pick<
  StoredReport,
  "reportId" | "status" | "agency" | "year" | "edition" | "parserVersion" | "updatedAt"
> & { sourceCount: number };

export type ParsedWrite = {
  reportId: string;
  status: ParsedStatus;
  parserVersion: string;
  record: Record<string, unknown> & { agency?: string | null; year?: number | null; edition?: string | null };
  source: { bucket: string; key: string };
};

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
};

export type ListQuery = { status?: ReportStatus; agency?: string; year?: number; parserVersion?: string; limit?: number };

export interface RecordStore {
  putParsed(write: ParsedWrite): Promise<WriteOutcome>;
  putFailure(write: FailureWrite): Promise<WriteOutcome>;
  get(reportId: string): Promise<StoredReport | undefined>;
  list(query?: ListQuery): Promise<ReportSummary[]>;
  /** Earlier results of a report, oldest first. */
  history?(reportId: string): Promise<HistoryEntry[]>;
}

export { HISTORY_SK_PREFIX } from "./record-store-items.ts";

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
    list: (query) => listReports(table, query),
  };
}

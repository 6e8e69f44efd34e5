/**
 * What the exports (CSV, Excel) hold of a report: its metadata columns and its record. A stored
 * report and a file read by `nianbao parse` give the same row, so both export the same way.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { StoredReport } from "../adapters/record-store.ts";
import type { ReportRecord } from "../report/record.ts";
import { isConfirmedMisprint, type CellReviews } from "../report/reviews.ts";

/** One report as the exports see it. */
export type ExportRow = {
  id: string;
  agency?: string | null;
  year?: number | null;
  edition?: string | null;
  status: string;
  parserVersion?: string;
  /** Where the report came from: its first source's URI, or the file read. */
  source?: string;
  /** Why a FAILED report has no record. */
  failure?: string;
  record?: ReportRecord;
  /** The reviewers' verdicts by cell (a stored report's). */
  reviews?: CellReviews;
};

/** Columns before the figures, with their Chinese headers. */
export const META_COLUMNS = [
  { key: "id", zh: "编号" },
  { key: "agency", zh: "机关" },
  { key: "year", zh: "年度" },
  { key: "edition", zh: "模板版本" },
  { key: "status", zh: "状态" },
  { key: "parserVersion", zh: "解析器版本" },
  { key: "errorCount", zh: "错误数" },
  // Of the errors: confirmed by a reviewer as the body's misprint, and not (yet) reviewed.
  { key: "confirmedMisprints", zh: "确认印错数" },
  { key: "unreviewedErrors", zh: "未复核错误数" },
  { key: "source", zh: "来源" },
  { key: "failure", zh: "失败原因" },
] as const;
export type MetaColumn = (typeof META_COLUMNS)[number]["key"];

/** The export row of a stored report. */
export function exportRowOf(report: StoredReport): ExportRow {
  return {
    id: report.reportId,
    agency: report.agency ?? report.record?.agency ?? null,
    year: report.year ?? report.record?.year ?? null,
    edition: report.edition ?? report.record?.edition ?? null,
    status: report.status,
    parserVersion: report.parserVersion,
    ...(report.sources[0] ? { source: report.sources[0].uri } : {}),
    ...(report.failure ? { failure: `${report.failure.cause}（${report.failure.error}）` } : {}),
    ...(report.record ? { record: report.record } : {}),
    ...(report.reviews ? { reviews: report.reviews } : {}),
  };
}

/** The metadata fields of a row, in `META_COLUMNS` order; numbers stay numbers. */
export function metaValues(row: ExportRow): (string | number | undefined)[] {
  const errors = row.record?.findings.filter((f) => f.severity === "error");
  const confirmed = errors?.filter((f) => isConfirmedMisprint(f, row.reviews)).length;
  const values: Record<MetaColumn, string | number | null | undefined> = {
    id: row.id,
    agency: row.agency,
    year: row.year,
    edition: row.edition,
    status: row.status,
    parserVersion: row.parserVersion,
    errorCount: errors?.length,
    confirmedMisprints: confirmed,
    unreviewedErrors: errors && errors.length - confirmed!,
    source: row.source,
    failure: row.failure,
  };
  return META_COLUMNS.map((c) => values[c.key] ?? undefined);
}

/**
 * The records table's items as the record store reads them (./record-store.ts): the item type,
 * its mapping to a stored report and a summary, and the pieces every write shares.
 */
import { KEY_PREFIXES, toReportPk } from "../shared/table-schema.ts";
import type { ReportSummary, StoredReport } from "./record-store.ts";

/** Sort key prefix of the earlier results of a report. */
export const HISTORY_SK_PREFIX = "HISTORY#";
/** Sort key prefix of a report's review history (`REVIEW#<at>#<revision>`). */
export const REVIEW_SK_PREFIX = "REVIEW#";

/** The key of a report's record item. */
export const keyOf = (reportId: string) => ({ pk: toReportPk(reportId), sk: KEY_PREFIXES.RECORD_SK });

export type Item = StoredReport & {
  pk: string;
  sk: string;
  agencyKey?: string;
  sourceKeys?: Set<string>;
  parserVersionOrder?: string;
  /** How many times the body was written; present once the record counts in the aggregates of `/stats`. */
  revision?: number;
};

export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

export function toSourceUri(source: { bucket: string; key: string }): string {
  return `s3://${source.bucket}/${source.key}`;
}

/**
 * A stored report from a table item: the item's keys dropped, typed by `StoredReport` (the one
 * definition, ./record-store.ts). Not parsed: the table holds whatever records Store wrote (older
 * ones without keys added since), and a projected read (record-query's shapes) holds only part
 * of the record.
 */
export function fromItem(item: Item): StoredReport {
  const {
    pk: _pk,
    sk: _sk,
    agencyKey: _agencyKey,
    sourceKeys: _sourceKeys,
    parserVersionOrder: _parserVersionOrder,
    revision: _revision,
    ...report
  } = item;
  return { ...report, sources: report.sources ?? [] };
}

export function toSummary(item: Item): ReportSummary {
  return {
    reportId: item.reportId,
    status: item.status,
    parserVersion: item.parserVersion,
    updatedAt: item.updatedAt,
    sourceCount: item.sources?.length ?? 0,
    ...(item.agency !== undefined ? { agency: item.agency } : {}),
    ...(item.year !== undefined ? { year: item.year } : {}),
    ...(item.edition !== undefined ? { edition: item.edition } : {}),
  };
}

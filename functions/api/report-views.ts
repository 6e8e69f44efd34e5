/** How stored reports appear in responses (shapes of `GET /reports` and `GET /reports/{id}`). */
import type { StoredReport } from "../adapters/record-store.ts";
import type { CrossYearFinding } from "../report/cross-year.ts";
import type { Finding } from "../report/record.ts";
import { indicatorsOf } from "../report/indicators.ts";
import { isConfirmedMisprint, type CellReviews } from "../report/reviews.ts";
import type { ReportListItem } from "./schemas.ts";

/** Findings of severity `error` in a stored report. */
export function countErrors(report: StoredReport): number {
  const findings = report.record?.findings ?? [];
  return findings.filter((f) => f.severity === "error").length;
}

/** A row of `GET /reports`. */
export function toListItem(report: StoredReport): ReportListItem {
  return {
    id: report.reportId,
    agency: report.agency ?? null,
    year: report.year ?? null,
    edition: report.edition ?? null,
    status: report.status,
    parserVersion: report.parserVersion,
    errorCount: report.errorCount ?? countErrors(report),
    sourceCount: report.sourceCount ?? report.sources.length,
    fileName: report.sources[0]?.key.split("/").pop() ?? null,
    ...(report.failure ? { failure: `${report.failure.cause}（${report.failure.error}）` } : {}),
    updatedAt: report.updatedAt,
  };
}

/**
 * The record's own findings, then the cross-year findings CrossYear wrote onto it (each with
 * `related: { reportId, year }`), earlier years first, then its hierarchy.sum findings.
 */
export function mergeFindings(report: StoredReport): (Finding | CrossYearFinding)[] | undefined {
  const own = report.record?.findings;
  const crossYear = Object.values(report.crossYear ?? {}).flat();
  const hierarchy = report.hierarchy ?? [];
  if (crossYear.length === 0 && hierarchy.length === 0) return own;
  return [...(own ?? []), ...crossYear.sort((a, b) => a.related.year - b.related.year), ...hierarchy];
}

/** Findings with the errors a reviewer confirmed as the body's misprint marked `confirmedMisprint`. */
export function markConfirmed<F extends Pick<Finding, "severity" | "rule" | "cells">>(findings: F[], reviews: CellReviews | undefined): (F & { confirmedMisprint?: true })[] {
  return findings.map((f) => (isConfirmedMisprint(f, reviews) ? { ...f, confirmedMisprint: true as const } : f));
}

/** The body of `GET /reports/{id}`: the contract record's keys, then id, status, sources. */
export function toReportBody(report: StoredReport) {
  const merged = mergeFindings(report);
  const findings = merged && markConfirmed(merged, report.reviews);
  return {
    ...(report.record ?? { agency: null, year: null, edition: null }),
    ...(findings ? { findings } : {}),
    textReuse: report.textReuse ?? null,
    indicators: report.record ? indicatorsOf(report.record) : null,
    id: report.reportId,
    status: report.status,
    sources: report.sources.map(({ bucket, key, uri, receivedAt, contentHash, fileName, format, readBy, layout, carried }) => ({
      bucket,
      key,
      uri,
      receivedAt,
      ...(contentHash ? { contentHash, fileName, format, readBy, layout } : {}),
      ...(carried !== undefined ? { carried } : {}),
    })),
    parserVersion: report.parserVersion,
    ...(report.failure ? { failure: report.failure } : {}),
    // The reviewers' verdicts by cell: corrections beside the printed readings, confirmed misprints.
    ...(report.reviews && Object.keys(report.reviews).length > 0 ? { reviews: report.reviews } : {}),
    createdAt: report.createdAt,
    updatedAt: report.updatedAt,
  };
}

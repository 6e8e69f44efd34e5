/**
 * What one report adds to the sums `GET /stats` serves, as flat named counters, and the stats
 * those counters give. One definition for both ways of answering: summing the records as they
 * are read (functions/api/stats.ts) and the aggregate items the record store keeps on every
 * write (functions/adapters/stats-aggregates.ts), which hold exactly these counters.
 *
 * Counters are plain sums, so ratios (shares, indicators) derive from them at read time.
 * Pure: no AWS SDK, no process.env.
 */
import { APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS } from "./template.ts";
import type { Finding } from "./record.ts";
import { indicatorsOf, type Indicators } from "./indicators.ts";
import { isConfirmedMisprint, VERDICT, type CellReview } from "./reviews.ts";

/** Counter name → sum. Absent counters are 0. */
export type Counters = Record<string, number>;

/** The parts of a stored report its contribution depends on. */
export type CountedReport = {
  status: string;
  year?: number;
  record?: { year?: unknown; findings?: readonly (Pick<Finding, "severity"> & Partial<Pick<Finding, "rule" | "cells">>)[]; applications?: unknown; reviewLitigation?: unknown };
  /** The reviewers' verdicts by cell (functions/report/reviews.ts). */
  reviews?: Record<string, Pick<CellReview, "verdict" | "rule" | "reader" | "format">>;
  /** This year's text against last year's (written by CrossYear, which adds its counters to the aggregates as it writes it). */
  textReuse?: { overall?: number } | null;
};

/** Tenths of `textReuse.overall` the distribution counts reports in. */
const REUSE_BINS = 10;
const reuseBin = (share: number) => Math.min(REUSE_BINS - 1, Math.max(0, Math.floor(share * REUSE_BINS)));

const OUTCOME_KEYS = ["granted", "partiallyGranted", "denied", "unavailable", "notProcessed", "otherHandling"] as const;
export type OutcomeKey = (typeof OUTCOME_KEYS)[number];

/** An outcome's label as the template prints it (its row, or the group of its rows), without the numbering. */
function outcomeLabel(key: string): string {
  const row = APPLICATION_ROWS.find((r) => r.key === key || r.key.startsWith(`${key}.`));
  if (!row) throw new Error(`the template has no outcome ${key}`);
  const printed = row.key === key ? row.label : (row.group ?? row.label);
  return printed.replace(/^（[一二三四五六七八九十]+）/, "");
}

/** The outcome groups of 三、本年度办理结果, by the row-key prefix each one covers; labels from the template. */
export const OUTCOMES = OUTCOME_KEYS.map((key) => ({ key, label: outcomeLabel(key) }));

const outcomeOf = (rowKey: string): OutcomeKey | undefined =>
  OUTCOMES.find((o) => rowKey === o.key || rowKey.startsWith(`${o.key}.`))?.key;

const RESULT_ROWS = APPLICATION_ROWS.filter((r) => r.result).map((r) => ({ key: r.key, outcome: outcomeOf(r.key) }));

/** The counters' names: fixed, so the aggregate items and the sums in memory cannot disagree. */
export const COUNTER = {
  REPORTS: "reports",
  /** Reports that carry a record (not FAILED): what `byYear` counts. */
  WITH_RECORD: "withRecord",
  WITH_ERRORS: "withErrors",
  status: (status: string) => `status|${status}`,
  application: (row: string, column: string) => `app|${row}|${column}`,
  outcome: (outcome: OutcomeKey) => `outcome|${outcome}`,
  review: (group: string, column: string) => `rl|${group}|${column}`,
  REUSE_MEASURED: "reuse|measured",
  REUSE_SUM: "reuse|sum",
  reuseBin: (bin: number) => `reuse|bin|${bin}`,
  /** Error findings a reviewer confirmed as the body's misprint, and those nobody confirmed. */
  ERRORS_CONFIRMED: "errors|confirmed",
  ERRORS_UNREVIEWED: "errors|unreviewed",
  WITH_CONFIRMED: "withConfirmedMisprints",
  /** Reviewed cells and misread ones, by how the cell was read and by the source's format. */
  reviewed: (by: ReviewedBy, key: string) => `reviewed|${by}|${key}`,
  misread: (by: ReviewedBy, key: string) => `misread|${by}|${key}`,
} as const;

type ReviewedBy = "reader" | "format";

/**
 * What a report's `textReuse` adds: one measured report, its share, one count in its tenth.
 * CrossYear writes `textReuse` after Store has counted the record, so it adds the difference of
 * these counters to the aggregates itself (functions/adapters/cross-year-store.ts).
 */
export function textReuseCounters(textReuse: CountedReport["textReuse"]): Counters {
  const share = textReuse?.overall;
  if (typeof share !== "number") return {};
  return { [COUNTER.REUSE_MEASURED]: 1, ...(share !== 0 ? { [COUNTER.REUSE_SUM]: share } : {}), [COUNTER.reuseBin(reuseBin(share))]: 1 };
}

/** Adds `b` to `a` without the rounding noise of summed decimals. */
export const addRounded = (a: number, b: number) => Math.round((a + b) * 1e6) / 1e6;

/** `into += from`, counter by counter (`sign` -1 subtracts). */
export function addCounters(into: Counters, from: Counters, sign: 1 | -1 = 1): Counters {
  for (const [name, value] of Object.entries(from)) into[name] = addRounded(into[name] ?? 0, sign * value);
  return into;
}

/** The year a report counts under: its record's, else the item's (as the year filter reads it). */
export function countedYear(report: CountedReport): number | undefined {
  return typeof report.record?.year === "number" ? report.record.year : report.year;
}

type Cells = Record<string, Record<string, unknown> | undefined>;

function addCells(counters: Counters, cells: Cells, rows: readonly { key: string }[], columns: readonly { key: string }[], name: (row: string, column: string) => string) {
  for (const row of rows) {
    const cellsOfRow = cells[row.key];
    if (!cellsOfRow) continue;
    for (const column of columns) {
      const value = cellsOfRow[column.key];
      if (typeof value === "number" && value !== 0) counters[name(row.key, column.key)] = addRounded(counters[name(row.key, column.key)] ?? 0, value);
    }
  }
}

/**
 * What `report` adds to every sum it counts in (records of any status; FAILED ones only by
 * status). Zero counters are left out.
 *
 * @example
 * contributionOf({ status: "VALID", record })["app|granted|total"] // 12
 */
export function contributionOf(report: CountedReport): Counters {
  const counters: Counters = { [COUNTER.REPORTS]: 1, [COUNTER.status(report.status)]: 1 };
  const record = report.record;
  if (!record) return counters;
  counters[COUNTER.WITH_RECORD] = 1;
  if ((record.findings ?? []).some((f) => f.severity === "error")) counters[COUNTER.WITH_ERRORS] = 1;
  const applications = (record.applications ?? {}) as Cells;
  addCells(counters, applications, APPLICATION_ROWS, APPLICANT_COLUMNS, COUNTER.application);
  for (const row of RESULT_ROWS) {
    const total = applications[row.key]?.total;
    if (typeof total === "number" && total !== 0 && row.outcome) counters[COUNTER.outcome(row.outcome)] = addRounded(counters[COUNTER.outcome(row.outcome)] ?? 0, total);
  }
  addCells(counters, (record.reviewLitigation ?? {}) as Cells, REVIEW_GROUPS, REVIEW_COLUMNS, COUNTER.review);
  addCounters(counters, reviewCounters(report));
  return addCounters(counters, textReuseCounters(report.textReuse));
}

/** What a record's reviews add: its errors confirmed or not, its reviewed and misread cells. */
function reviewCounters(report: CountedReport): Counters {
  const counters: Counters = {};
  const add = (name: string) => (counters[name] = (counters[name] ?? 0) + 1);
  for (const finding of report.record?.findings ?? []) {
    if (finding.severity !== "error") continue;
    add(isConfirmedMisprint(finding, report.reviews) ? COUNTER.ERRORS_CONFIRMED : COUNTER.ERRORS_UNREVIEWED);
  }
  if (counters[COUNTER.ERRORS_CONFIRMED]) counters[COUNTER.WITH_CONFIRMED] = 1;
  for (const review of Object.values(report.reviews ?? {})) {
    for (const by of ["reader", "format"] as const) {
      add(COUNTER.reviewed(by, review[by]));
      if (review.verdict === VERDICT.MISREAD) add(COUNTER.misread(by, review[by]));
    }
  }
  return counters;
}

export type MisreadShare = { key: string; reviewed: number; misread: number; share: number };
export type ReviewStats = {
  /** Error findings a reviewer confirmed as the body's own misprint. */
  confirmedMisprints: number;
  /** Error findings no reviewer has confirmed (a misread's finding is gone once corrected). */
  unreviewedErrors: number;
  reportsWithConfirmedMisprints: number;
  /** Misreads ÷ reviewed cells, per reader (`rows`, `order`, `grid`, `ocr:<engine>`) and per format. */
  misreadShare: { byReader: MisreadShare[]; byFormat: MisreadShare[] };
};

function misreadShares(counters: Counters, by: ReviewedBy): MisreadShare[] {
  const prefix = COUNTER.reviewed(by, "");
  return Object.keys(counters)
    .filter((name) => name.startsWith(prefix) && (counters[name] ?? 0) > 0)
    .map((name) => name.slice(prefix.length))
    .sort()
    .map((key) => {
      const reviewed = counters[COUNTER.reviewed(by, key)] ?? 0;
      const misread = counters[COUNTER.misread(by, key)] ?? 0;
      return { key, reviewed, misread, share: Math.round((misread / reviewed) * 10000) / 10000 };
    });
}

function reviewStats(counters: Counters): ReviewStats {
  return {
    confirmedMisprints: counters[COUNTER.ERRORS_CONFIRMED] ?? 0,
    unreviewedErrors: counters[COUNTER.ERRORS_UNREVIEWED] ?? 0,
    reportsWithConfirmedMisprints: counters[COUNTER.WITH_CONFIRMED] ?? 0,
    misreadShare: { byReader: misreadShares(counters, "reader"), byFormat: misreadShares(counters, "format") },
  };
}

type Columns = Record<string, number>;
export type OutcomeShare = { key: OutcomeKey; label: string; count: number; share: number };

export type ReportStats = {
  reportCount: number;
  byStatus: Record<string, number>;
  /** Reports with at least one `error` finding. */
  reportsWithErrors: number;
  /** Sum of every application row, by applicant column (`naturalPerson` … `total`). */
  applications: Record<string, Columns>;
  /** Outcomes of the `total` column, from the result rows, with their share of all outcomes. */
  outcomes: OutcomeShare[];
  /** Sum of each review/litigation group, by column. */
  reviewLitigation: Record<string, Columns>;
  /** Per year: how many reports and the outcome counts (`total` column). */
  byYear: { year: number; reportCount: number; outcomes: Record<OutcomeKey, number> }[];
  /** Disclosure and review correction rates of the summed figures (sum of numerators ÷ sum of denominators), each with its formula. */
  indicators: Indicators;
  /** How much of each report's text is last year's: reports measured, their summed and mean overall share, counts by tenth of the share (from the records only; null from the aggregates). */
  textReuse: TextReuseDistribution;
  /** Reviewers' verdicts: confirmed misprints apart from unreviewed errors, and the measured misread share. */
  reviews: ReviewStats;
};

export type TextReuseDistribution = { measured: number; sum: number; mean: number | null; bins: { from: number; to: number; count: number }[] };

function textReuseDistribution(counters: Counters): TextReuseDistribution {
  const measured = counters[COUNTER.REUSE_MEASURED] ?? 0;
  const sum = counters[COUNTER.REUSE_SUM] ?? 0;
  const bins = Array.from({ length: REUSE_BINS }, (_, i) => ({ from: i / REUSE_BINS, to: (i + 1) / REUSE_BINS, count: counters[COUNTER.reuseBin(i)] ?? 0 }));
  return { measured, sum, mean: measured > 0 ? Math.round((sum / measured) * 10000) / 10000 : null, bins };
}

const grid = (rows: readonly { key: string }[], columns: readonly { key: string }[], counters: Counters, name: (row: string, column: string) => string) =>
  Object.fromEntries(rows.map((r) => [r.key, Object.fromEntries(columns.map((c) => [c.key, counters[name(r.key, c.key)] ?? 0]))]));

const outcomesOf = (counters: Counters) =>
  Object.fromEntries(OUTCOMES.map((o) => [o.key, counters[COUNTER.outcome(o.key)] ?? 0])) as Record<OutcomeKey, number>;

/**
 * The stats of the reports whose counters were summed into `total`, with `years` the sums of
 * each year's reports (years without a report that has a record are left out).
 */
export function statsFromCounters(total: Counters, years: ReadonlyMap<number, Counters>): ReportStats {
  const outcomeCounts = outcomesOf(total);
  const allOutcomes = Object.values(outcomeCounts).reduce((a, b) => a + b, 0);
  const applications = grid(APPLICATION_ROWS, APPLICANT_COLUMNS, total, COUNTER.application);
  const reviewLitigation = grid(REVIEW_GROUPS, REVIEW_COLUMNS, total, COUNTER.review);
  return {
    reportCount: total[COUNTER.REPORTS] ?? 0,
    byStatus: Object.fromEntries(
      [...new Set(["VALID", "NEEDS_REVIEW", "FAILED", ...Object.keys(total).filter((k) => k.startsWith("status|")).map((k) => k.slice(7))])].map(
        (s) => [s, total[COUNTER.status(s)] ?? 0],
      ),
    ),
    reportsWithErrors: total[COUNTER.WITH_ERRORS] ?? 0,
    applications,
    outcomes: OUTCOMES.map((o) => ({
      key: o.key,
      label: o.label,
      count: outcomeCounts[o.key],
      share: allOutcomes > 0 ? outcomeCounts[o.key] / allOutcomes : 0,
    })),
    reviewLitigation,
    byYear: [...years.entries()]
      .filter(([, counters]) => (counters[COUNTER.WITH_RECORD] ?? 0) > 0)
      .sort(([a], [b]) => a - b)
      .map(([year, counters]) => ({ year, reportCount: counters[COUNTER.WITH_RECORD] ?? 0, outcomes: outcomesOf(counters) })),
    indicators: indicatorsOf({ applications, reviewLitigation }),
    textReuse: textReuseDistribution(total),
    reviews: reviewStats(total),
  };
}

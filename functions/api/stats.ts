/**
 * Sums over a set of reports for `GET /stats`: applications by row and applicant type,
 * the share of each outcome, review and litigation totals, how many reports break an
 * identity of the template, and the outcomes year by year (the web page's charts).
 *
 * Figures are summed as printed. Outcome shares are computed from the result rows
 * themselves, not from the printed （七）总计, which is exactly the cell that reports
 * most often get wrong.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { StoredReport } from "../adapters/record-store.ts";
import { indicatorsOf, type Indicators } from "../report/indicators.ts";
import { APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS } from "../report/template.ts";

const OUTCOME_KEYS = ["granted", "partiallyGranted", "denied", "unavailable", "notProcessed", "otherHandling"] as const;

/** An outcome's label as the template prints it (its row, or the group of its rows), without the numbering. */
function outcomeLabel(key: string): string {
  const row = APPLICATION_ROWS.find((r) => r.key === key || r.key.startsWith(`${key}.`));
  if (!row) throw new Error(`the template has no outcome ${key}`);
  const printed = row.key === key ? row.label : (row.group ?? row.label);
  return printed.replace(/^（[一二三四五六七八九十]+）/, "");
}

/** The outcome groups of 三、本年度办理结果, by the row-key prefix each one covers; labels from the template. */
export const OUTCOMES = OUTCOME_KEYS.map((key) => ({ key, label: outcomeLabel(key) }));
export type OutcomeKey = (typeof OUTCOME_KEYS)[number];

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
  /** How much of each report's text is last year's: reports measured, their mean overall share, counts by tenth of the share. */
  textReuse: TextReuseDistribution;
};

export type TextReuseDistribution = { measured: number; sum: number; mean: number | null; bins: { from: number; to: number; count: number }[] };

const REUSE_BINS = 10;

/** The distribution of `textReuse.overall` (a share in [0, 1]) over the reports that have one. */
function textReuseDistribution(shares: readonly number[]): TextReuseDistribution {
  const bins = Array.from({ length: REUSE_BINS }, (_, i) => ({ from: i / REUSE_BINS, to: (i + 1) / REUSE_BINS, count: 0 }));
  for (const share of shares) bins[Math.min(REUSE_BINS - 1, Math.floor(share * REUSE_BINS))]!.count += 1;
  const sum = shares.reduce((a, b) => add(a, b), 0);
  return { measured: shares.length, sum, mean: shares.length > 0 ? Math.round((sum / shares.length) * 10000) / 10000 : null, bins };
}

const outcomeOf = (rowKey: string): OutcomeKey | undefined =>
  OUTCOMES.find((o) => rowKey === o.key || rowKey.startsWith(`${o.key}.`))?.key;

const RESULT_ROWS = APPLICATION_ROWS.filter((r) => r.result).map((r) => r.key);

const zeroOutcomes = (): Record<OutcomeKey, number> =>
  Object.fromEntries(OUTCOMES.map((o) => [o.key, 0])) as Record<OutcomeKey, number>;

const zeroColumns = (keys: readonly { key: string }[]): Columns => Object.fromEntries(keys.map((c) => [c.key, 0]));

/** Adds `b` to `a` without the rounding noise of summed decimals. */
const add = (a: number, b: number) => Math.round((a + b) * 1e6) / 1e6;

/**
 * The stats of `reports` (records of any status; FAILED ones count only by status).
 *
 * @example
 * const stats = summariseReports(reports);
 * stats.outcomes.find((o) => o.key === "granted")?.share; // 0.42
 */
export function summariseReports(reports: Iterable<StoredReport>): ReportStats {
  const byStatus: Record<string, number> = { VALID: 0, NEEDS_REVIEW: 0, FAILED: 0 };
  const applications: Record<string, Columns> = Object.fromEntries(
    APPLICATION_ROWS.map((r) => [r.key, zeroColumns(APPLICANT_COLUMNS)]),
  );
  const reviewLitigation: Record<string, Columns> = Object.fromEntries(
    REVIEW_GROUPS.map((g) => [g.key, zeroColumns(REVIEW_COLUMNS)]),
  );
  const outcomeCounts = zeroOutcomes();
  const years = new Map<number, { reportCount: number; outcomes: Record<OutcomeKey, number> }>();
  let reportCount = 0;
  let reportsWithErrors = 0;
  const reuseShares: number[] = [];

  for (const report of reports) {
    reportCount += 1;
    byStatus[report.status] = (byStatus[report.status] ?? 0) + 1;
    const record = report.record;
    if (!record) continue;
    if (typeof report.textReuse?.overall === "number") reuseShares.push(report.textReuse.overall);
    const findings = record.findings ?? [];
    if (findings.some((f) => f.severity === "error")) reportsWithErrors += 1;

    const year = typeof record.year === "number" ? record.year : report.year;
    let perYear: { reportCount: number; outcomes: Record<OutcomeKey, number> } | undefined;
    if (typeof year === "number") {
      perYear = years.get(year) ?? { reportCount: 0, outcomes: zeroOutcomes() };
      perYear.reportCount += 1;
      years.set(year, perYear);
    }

    const rows = (record.applications ?? {}) as Record<string, Columns | undefined>;
    for (const [rowKey, sums] of Object.entries(applications)) {
      const row = rows[rowKey];
      if (!row) continue;
      for (const column of Object.keys(sums)) sums[column] = add(sums[column] ?? 0, row[column] ?? 0);
    }
    for (const rowKey of RESULT_ROWS) {
      const total = rows[rowKey]?.total;
      const outcome = outcomeOf(rowKey);
      if (typeof total !== "number" || !outcome) continue;
      outcomeCounts[outcome] = add(outcomeCounts[outcome], total);
      if (perYear) perYear.outcomes[outcome] = add(perYear.outcomes[outcome], total);
    }

    const groups = (record.reviewLitigation ?? {}) as Record<string, Columns | undefined>;
    for (const [groupKey, sums] of Object.entries(reviewLitigation)) {
      const group = groups[groupKey];
      if (!group) continue;
      for (const column of Object.keys(sums)) sums[column] = add(sums[column] ?? 0, group[column] ?? 0);
    }
  }

  const allOutcomes = Object.values(outcomeCounts).reduce((a, b) => a + b, 0);
  return {
    reportCount,
    byStatus,
    reportsWithErrors,
    applications,
    outcomes: OUTCOMES.map((o) => ({
      key: o.key,
      label: o.label,
      count: outcomeCounts[o.key],
      share: allOutcomes > 0 ? outcomeCounts[o.key] / allOutcomes : 0,
    })),
    reviewLitigation,
    byYear: [...years.entries()].sort(([a], [b]) => a - b).map(([year, v]) => ({ year, ...v })),
    indicators: indicatorsOf({ applications, reviewLitigation }),
    textReuse: textReuseDistribution(reuseShares),
  };
}

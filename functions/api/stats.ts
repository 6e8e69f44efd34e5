/**
 * Sums over a set of reports for `GET /stats`: applications by row and applicant type,
 * the share of each outcome, review and litigation totals, how many reports break an
 * identity of the template, and the outcomes year by year (the web page's charts).
 *
 * Figures are summed as printed. Outcome shares are computed from the result rows
 * themselves, not from the printed （七）总计, which is exactly the cell that reports
 * most often get wrong. Each report's part is its contribution (../report/stats-counters.ts),
 * the same counters the aggregate items keep on write.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { StoredReport } from "../adapters/record-store.ts";
import { addCounters, contributionOf, countedYear, statsFromCounters, type Counters, type ReportStats } from "../report/stats-counters.ts";

export { OUTCOMES, type OutcomeKey, type OutcomeShare, type ReportStats } from "../report/stats-counters.ts";

/**
 * The stats of `reports` (records of any status; FAILED ones count only by status).
 *
 * @example
 * const stats = summariseReports(reports);
 * stats.outcomes.find((o) => o.key === "granted")?.share; // 0.42
 */
export function summariseReports(reports: Iterable<StoredReport>): ReportStats {
  const total: Counters = {};
  const years = new Map<number, Counters>();
  for (const report of reports) {
    const contribution = contributionOf(report);
    addCounters(total, contribution);
    const year = countedYear(report);
    if (report.record && typeof year === "number") years.set(year, addCounters(years.get(year) ?? {}, contribution));
  }
  return statsFromCounters(total, years);
}

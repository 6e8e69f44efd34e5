/** `GET /stats`: sums over the matching reports, from the aggregates kept on write, else summed from the records (./stats.ts). */
import { READ_SHAPE } from "../../adapters/record-query.ts";
import { withAgencyKey } from "../agency-keys.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, Stats, StatsQuery } from "../schemas.ts";
import { summariseReports } from "../stats.ts";
import type { StoredReport } from "../../adapters/record-store.ts";

/** Why the sums were read from the records, as the response says it. */
const FALLBACK_REASONS: Record<string, string> = {
  parserVersion: "按解析器版本筛选没有汇总项，已逐份读取报告求和 (no aggregate by parser version: summed from the records)",
  "agency with status or edition": "按机关并按状态或版本筛选没有汇总项，已逐份读取报告求和 (no aggregate by agency with status or edition: summed from the records)",
  "no aggregates": "未配置汇总项，已逐份读取报告求和 (no aggregates configured: summed from the records)",
};

export const getStatsRoute = defineRoute({
  method: "GET",
  path: "/stats",
  summary: "Sums over the matching reports",
  description:
    "Applications by row and applicant type, outcome shares (from the result rows), review and litigation totals, reports with error findings, outcomes by year, the indicators of the sums (with their formulas) and the distribution of textReuse.overall. " +
    "Served from the aggregates kept as reports are stored for filters by year, status and edition, or by agency and year; other filters are summed from the records, and `fallback` says so.",
  query: StatsQuery,
  responses: {
    200: { description: "The sums", schema: Stats },
    400: { description: "A rejected parameter", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const filter = await withAgencyKey(query, deps.registry);
    const answer = deps.aggregates ? await deps.aggregates.stats(filter) : { uncovered: "no aggregates" };
    if ("stats" in answer) return json(200, { ...answer.stats, computedFrom: "aggregates" });
    const reports: StoredReport[] = [];
    for await (const report of deps.query.each(filter, READ_SHAPE.FIGURES)) reports.push(report);
    return json(200, { ...summariseReports(reports), computedFrom: "records", fallback: FALLBACK_REASONS[answer.uncovered] ?? answer.uncovered });
  },
});

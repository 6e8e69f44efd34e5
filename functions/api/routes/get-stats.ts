/** `GET /stats`: sums over the matching reports (./stats.ts). */
import { READ_SHAPE } from "../../adapters/record-query.ts";
import { withAgencyKey } from "../agency-keys.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, Stats, StatsQuery } from "../schemas.ts";
import { summariseReports } from "../stats.ts";
import type { StoredReport } from "../../adapters/record-store.ts";

export const getStatsRoute = defineRoute({
  method: "GET",
  path: "/stats",
  summary: "Sums over the matching reports",
  description:
    "Applications by row and applicant type, outcome shares (from the result rows), review and litigation totals, reports with error findings, outcomes by year, the indicators of the sums (with their formulas) and the distribution of textReuse.overall.",
  query: StatsQuery,
  responses: {
    200: { description: "The sums", schema: Stats },
    400: { description: "A rejected parameter", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const reports: StoredReport[] = [];
    for await (const report of deps.query.each(await withAgencyKey(query, deps.registry), READ_SHAPE.FIGURES)) reports.push(report);
    return json(200, summariseReports(reports));
  },
});

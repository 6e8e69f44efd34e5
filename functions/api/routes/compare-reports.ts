/** `GET /compare`: reports side by side, the cells that differ marked. */
import { READ_SHAPE } from "../../adapters/record-query.ts";
import type { StoredReport } from "../../adapters/record-store.ts";
import { agencyKeyFor } from "../agency-keys.ts";
import { buildComparison, pickReport } from "../comparison.ts";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { CompareQuery, Comparison, ErrorBody } from "../schemas.ts";

export const compareReportsRoute = defineRoute({
  method: "GET",
  path: "/compare",
  summary: "Reports side by side",
  description:
    "Either `agencies` (two to ten, any spelling) and `year`: each agency's report of that year (the latest one with figures), or `reports` (two to ten ids), e.g. one agency's consecutive years. Every figure any of them has, `differs` where the values are not all the same.",
  query: CompareQuery,
  responses: {
    200: { description: "The figures side by side", schema: Comparison },
    400: { description: "A rejected parameter", schema: ErrorBody },
    404: { description: "An agency without a report that year, or an unknown report id", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const reports: StoredReport[] = [];
    if (query.reports) {
      for (const id of query.reports) {
        const report = await deps.records.get(id);
        if (!report) throw new HttpError(404, `no report ${id}`, { parameter: "reports" });
        reports.push(report);
      }
    } else {
      for (const agency of query.agencies ?? []) {
        const found: StoredReport[] = [];
        const key = await agencyKeyFor(agency, deps.registry, "agencies");
        for await (const report of deps.query.each({ agency: key, year: query.year! }, READ_SHAPE.FULL)) found.push(report);
        const report = pickReport(found);
        if (!report) throw new HttpError(404, `no report of agency ${agency} for ${query.year}`, { parameter: "agencies" });
        reports.push(report);
      }
    }
    return json(200, buildComparison(reports));
  },
});

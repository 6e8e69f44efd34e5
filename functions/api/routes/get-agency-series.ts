/** `GET /agencies/{id}/series`: each figure of one agency by year (byAgencyYear index). */
import { READ_SHAPE } from "../../adapters/record-query.ts";
import type { StoredReport } from "../../adapters/record-store.ts";
import { agencyKeyFor } from "../agency-keys.ts";
import { buildAgencySeries } from "../comparison.ts";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { AgencyPathParams, AgencySeries, ErrorBody, SeriesQuery } from "../schemas.ts";

export const getAgencySeriesRoute = defineRoute({
  method: "GET",
  path: "/agencies/{id}/series",
  summary: "One agency's figures year by year",
  description:
    "Every figure of the agency's reports (FAILED ones left out), one value per report, earliest year first. The id is the agency key; any spelling of the name is keyed the same way (杭州市西湖区教育局 → 西湖区教育局).",
  params: AgencyPathParams,
  query: SeriesQuery,
  responses: {
    200: { description: "The series", schema: AgencySeries },
    400: { description: "A rejected parameter", schema: ErrorBody },
    404: { description: "No report of this agency", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const agencyKey = await agencyKeyFor(params.id, deps.registry, "id");
    const reports: StoredReport[] = [];
    for await (const report of deps.query.each({ agency: agencyKey }, READ_SHAPE.FULL)) reports.push(report);
    const series = buildAgencySeries(agencyKey, reports);
    if (series.reports.length === 0) throw new HttpError(404, `no report of agency ${agencyKey}`, { parameter: "id" });
    return json(200, series);
  },
});

/** `GET /reports/{id}`: the record, its findings, sources and parser version. */
import { HttpError } from "../errors.ts";
import { toReportBody } from "../report-views.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, ReportBody, ReportPathParams } from "../schemas.ts";

export const getReportRoute = defineRoute({
  method: "GET",
  path: "/reports/{id}",
  summary: "One report's record",
  params: ReportPathParams,
  responses: {
    200: { description: "The record", schema: ReportBody },
    400: { description: "Not a report id", schema: ErrorBody },
    404: { description: "No such report (yet)", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const report = await deps.records.get(params.id);
    if (!report) throw new HttpError(404, `no report ${params.id}`, { parameter: "id" });
    return json(200, toReportBody(report));
  },
});

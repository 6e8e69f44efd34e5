/**
 * `GET /reports/{id}/progress`: the workflow steps a report has reached, for the page that
 * watches an upload. Done is read from the record itself (present once Store or
 * RecordFailure wrote it), so bytes uploaded again after they were recorded are done at once.
 */
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, ReportPathParams, ReportProgressBody } from "../schemas.ts";

export const getReportProgressRoute = defineRoute({
  method: "GET",
  path: "/reports/{id}/progress",
  summary: "Where one report is in the workflow",
  params: ReportPathParams,
  responses: {
    200: { description: "The steps reached, and the outcome once the record is stored", schema: ReportProgressBody },
    400: { description: "Not a report id", schema: ErrorBody },
    404: { description: "The workflow has not started on these bytes (yet): Extract marks a report once it has read it", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const { progress, records } = deps;
    const [marks, report] = await Promise.all([progress.get(params.id), records.get(params.id)]);
    if (!marks && !report) {
      throw new HttpError(404, `no progress for report ${params.id} yet: the workflow marks it once Extract has read the upload`, {
        parameter: "id",
      });
    }
    const steps = marks?.steps ?? [];
    const body: ReportProgressBody = report
      ? {
          reportId: params.id,
          steps,
          current: "Done",
          done: true,
          status: report.status,
          ...(report.failure ? { failure: report.failure } : {}),
          finishedAt: report.updatedAt,
        }
      : { reportId: params.id, steps, current: steps.at(-1)?.step ?? null, done: false };
    return json(200, body);
  },
});

/**
 * `POST /reports/{id}/reviews`: a reviewer's verdict on an error finding (misprint or misread,
 * functions/report/reviews.ts), applied to the record and kept in its history;
 * `GET /reports/{id}/reviews`: that history.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { checkStoredReport } from "../../steps/06-cross-year/cross-year.ts";
import { ReviewError } from "../../report/reviews.ts";
import { logger } from "../../shared/logger.ts";
import { STATUS } from "../../shared/status.ts";
import { HttpError } from "../errors.ts";
import { markConfirmed } from "../report-views.ts";
import { ReviewHistory, ReviewRequestBody, ReviewResult } from "../review-schemas.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, ReportPathParams } from "../schemas.ts";
import type { ApiDeps } from "../deps.ts";

/**
 * Who reviews: the caller API Gateway authenticated (AWS_IAM in the cloud): the web page's Cognito
 * identity first (its userArn is the one role every signed-in user assumes), else the IAM user or
 * role ARN; only where there is none (the local stack) the reviewer the body states, else "local".
 */
export function reviewerOf(event: APIGatewayProxyEvent, stated: string | undefined): string {
  const identity = event.requestContext?.identity;
  return identity?.cognitoIdentityId ?? identity?.userArn ?? identity?.caller ?? stated ?? "local";
}

async function recordOf(deps: ApiDeps, id: string) {
  const report = await deps.records.get(id);
  if (!report) throw new HttpError(404, `没有编号为 ${id} 的报告`, { parameter: "id" });
  if (!report.record || report.status === STATUS.FAILED) throw new HttpError(409, "报告读取失败，没有可复核的数字", { parameter: "id" });
  return report;
}

/**
 * A corrected figure changes the cross-year findings of the report and of its neighbouring years
 * (last year's report reads this one's carry-over, next year's its carried-forward and documents in
 * force): CrossYear's own check, run again on the corrected record. The review is stored by then;
 * a check that fails is logged, and the next store of either report checks again.
 */
async function recheckNeighbours(deps: ApiDeps, reportId: string): Promise<void> {
  if (!deps.crossYear) return;
  try {
    await checkStoredReport(deps.crossYear, reportId);
  } catch (error) {
    logger.warn("cross-year check after a review failed", { reportId, error: String(error) });
  }
}

export const createReviewRoute = defineRoute({
  method: "POST",
  path: "/reports/{id}/reviews",
  summary: "Review an error finding: misprint or misread",
  description:
    "`misprint`: the report prints the figure so; it is kept, the finding stands and counts as the body's error (confirmed). " +
    "`misread`: `value` is the figure the page shows; it is kept as a correction beside the reading, with who, when and why, and the record is revalidated with it " +
    "(a later parser version's reading that agrees ends the correction; one that disagrees leaves it standing, with a review.correctionDisputed warning). " +
    "The caller's IAM identity is recorded as the reviewer.",
  params: ReportPathParams,
  body: ReviewRequestBody,
  responses: {
    201: { description: "The verdict, and the record's status and findings after it", schema: ReviewResult },
    400: { description: "An unknown cell, no such error finding, a misread without the printed figure", schema: ErrorBody },
    404: { description: "No such report", schema: ErrorBody },
    409: { description: "A FAILED report (no figures to review)", schema: ErrorBody },
  },
  async handle({ params, body, event }, deps) {
    if (!deps.records.review) throw new Error("this record store keeps no reviews");
    await recordOf(deps, params.id);
    const request = { cell: body.cell, rule: body.finding, verdict: body.verdict, reason: body.reason, reviewer: reviewerOf(event, body.reviewer), ...(body.value !== undefined ? { value: body.value } : {}) };
    let outcome;
    try {
      outcome = await deps.records.review(params.id, request);
    } catch (error) {
      if (error instanceof ReviewError) throw new HttpError(400, error.message, { parameter: error.parameter, cause: error });
      throw error;
    }
    if (!outcome) throw new HttpError(404, `没有编号为 ${params.id} 的报告`, { parameter: "id" });
    // Every verdict: a misprint after a correction gives the printed reading back.
    await recheckNeighbours(deps, outcome.report.reportId);
    return json(201, { review: outcome.entry, status: outcome.report.status, findings: markConfirmed(outcome.report.record?.findings ?? [], outcome.report.reviews) });
  },
});

export const listReviewsRoute = defineRoute({
  method: "GET",
  path: "/reports/{id}/reviews",
  summary: "A report's review history",
  params: ReportPathParams,
  responses: {
    200: { description: "Every verdict, oldest first", schema: ReviewHistory },
    404: { description: "No such report", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const report = await deps.records.get(params.id);
    if (!report) throw new HttpError(404, `没有编号为 ${params.id} 的报告`, { parameter: "id" });
    return json(200, { reportId: params.id, reviews: (await deps.records.reviewHistory?.(params.id)) ?? [] });
  },
});

/**
 * The query API (API Gateway REST proxy events):
 * - `GET /reports` lists records (id, agency, year, edition, status), filtered by
 *   `status`, `agency` (+ `year`) or `parserVersion` — each served by an index, never a Scan;
 * - `GET /reports/{id}` returns the record of the contract plus status and sources.
 * Routes on the request path, so a `{proxy+}` resource and explicit resources both work.
 */
import middy from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import { z } from "zod";
import { getAdapter, REPORT_STATUS, type StoredReport, type ReportSummary } from "../adapters/index.ts";
import { parseEventWith } from "../shared/handler-kit.ts";
import { stepLogger } from "../shared/logger.ts";
import { ReportId } from "../shared/workflow-payloads.ts";

export const ApiEvent = z.looseObject({
  httpMethod: z.string(),
  path: z.string(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
  pathParameters: z.record(z.string(), z.string().optional()).nullish(),
});
export type ApiEvent = z.infer<typeof ApiEvent>;

const ListQuery = z.object({
  status: z.enum(Object.values(REPORT_STATUS) as [string, ...string[]]).optional(),
  agency: z.string().min(1).optional(),
  year: z.coerce.number().int().optional(),
  parserVersion: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
  };
}

function problem(statusCode: number, message: string): APIGatewayProxyResult {
  return json(statusCode, { message });
}

/** A row of `GET /reports`. */
export function toListItem(summary: ReportSummary) {
  return {
    id: summary.reportId,
    agency: summary.agency ?? null,
    year: summary.year ?? null,
    edition: summary.edition ?? null,
    status: summary.status,
    parserVersion: summary.parserVersion,
    sourceCount: summary.sourceCount,
    updatedAt: summary.updatedAt,
  };
}

/** The body of `GET /reports/{id}`: the contract record's keys, then id, status, sources. */
export function toReportBody(report: StoredReport) {
  return {
    ...(report.record ?? { agency: null, year: null, edition: null }),
    id: report.reportId,
    status: report.status,
    sources: report.sources.map((s) => ({ bucket: s.bucket, key: s.key, uri: s.uri, receivedAt: s.receivedAt })),
    parserVersion: report.parserVersion,
    ...(report.failure ? { failure: report.failure } : {}),
    createdAt: report.createdAt,
    updatedAt: report.updatedAt,
  };
}

async function route(event: ApiEvent): Promise<APIGatewayProxyResult> {
  const path = event.path.replace(/\/+$/, "") || "/";
  if (event.httpMethod !== "GET") return problem(405, `${event.httpMethod} is not allowed`);
  const records = getAdapter("records");

  if (path === "/reports") {
    const query = ListQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) return problem(400, z.prettifyError(query.error));
    const items = await records.list(query.data as Parameters<typeof records.list>[0]);
    return json(200, { items: items.map(toListItem), count: items.length });
  }

  const match = /^\/reports\/([^/]+)$/.exec(path);
  if (match) {
    const id = ReportId.safeParse(decodeURIComponent(match[1] ?? "").toLowerCase());
    if (!id.success) return problem(400, "a report id is the SHA-256 hex digest of the report's bytes");
    const report = await records.get(id.data);
    if (!report) return problem(404, `no report ${id.data}`);
    return json(200, toReportBody(report));
  }
  return problem(404, `no route for ${path}`);
}

export const handler = middy<ApiEvent, APIGatewayProxyResult>()
  .use(parseEventWith(ApiEvent))
  .handler(async (event) => {
    const log = stepLogger("api", { path: event.path });
    try {
      return await route(event);
    } catch (error) {
      log.error("request failed", { error: error as Error });
      return problem(500, "internal error");
    }
  });

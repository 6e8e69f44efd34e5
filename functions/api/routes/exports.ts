/**
 * Export jobs (issue 17, item 3): `POST /exports` creates a job item and starts the export
 * workflow (lib/export-workflow.ts), which writes the file under `exports/` of the artifacts
 * bucket in streamed parts, however many reports match; `GET /exports/{id}` answers the job's
 * state, the records written so far and, when DONE, a presigned link to the file (FAILED: why).
 * Small selections may still use `/export.csv` and `/export.xlsx`, which answer inline.
 */
import { randomUUID } from "node:crypto";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ExportJob } from "../../adapters/export-jobs.ts";
import { EXPORT_CONTENT_TYPES } from "../../adapters/export-file.ts";
import { withAgencyKey } from "../agency-keys.ts";
import type { ApiDeps, ExportJobsDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, ExportJobParams, ExportJobView, ExportRequest } from "../schemas.ts";

const statusPath = (jobId: string) => `/exports/${jobId}`;

function exportsOf(deps: ApiDeps): ExportJobsDeps {
  if (!deps.exports) throw new HttpError(503, "此部署未配置导出任务，请用 /export.csv 或 /export.xlsx (export jobs are not configured here)");
  return deps.exports;
}

/** The file's name as the browser saves it: `nianbao-<year or 全部>-<job>.csv`. */
export function downloadName(job: ExportJob): string {
  return `nianbao-${job.filter.year ?? "all"}-${job.jobId.slice(0, 8)}.${job.format}`;
}

async function viewOf(job: ExportJob, deps: ApiDeps, bucket: string) {
  const view = {
    jobId: job.jobId,
    format: job.format,
    state: job.state,
    written: job.written,
    createdAt: job.createdAt,
    changedAt: job.changedAt,
    statusPath: statusPath(job.jobId),
    ...(job.failure ? { failure: job.failure } : {}),
  };
  if (job.state !== "DONE" || !job.key) return view;
  const ttl = deps.config.PRESIGN_TTL_SECONDS;
  const fileName = downloadName(job);
  const command = new GetObjectCommand({
    Bucket: bucket,
    Key: job.key,
    ResponseContentType: EXPORT_CONTENT_TYPES[job.format],
    ResponseContentDisposition: `attachment; filename="${fileName}"`,
  });
  const url = await getSignedUrl(deps.s3, command, { expiresIn: ttl });
  return { ...view, download: { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString(), bytes: job.bytes ?? 0, fileName } };
}

export const createExportRoute = defineRoute({
  method: "POST",
  path: "/exports",
  summary: "Starts an export job: the matching reports as one file (csv, xlsx or jsonl), any size",
  description:
    "Answers 202 with the job (QUEUED) and its `statusPath`; poll `GET /exports/{id}` until DONE (a presigned link) or FAILED (the reason). The file has the columns of /export.csv (csv), the sheets of /export.xlsx (xlsx) or one JSON record per line (jsonl), rows in the order the indexes list the reports.",
  body: ExportRequest,
  responses: {
    202: { description: "The job, QUEUED", schema: ExportJobView },
    400: { description: "A rejected format or filter (the message is Chinese)", schema: ErrorBody },
    503: { description: "Export jobs are not configured in this deployment", schema: ErrorBody },
  },
  async handle({ body }, deps) {
    const { jobs, starter } = exportsOf(deps);
    const filter = await withAgencyKey(body.filters, deps.registry);
    const jobId = randomUUID();
    const job = await jobs.create({ jobId, format: body.format, filter });
    try {
      await starter.start(jobId, { jobId });
    } catch (error) {
      await jobs.fail(jobId, `导出任务未能启动：${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    return json(202, { ...job, filter: undefined, statusPath: statusPath(jobId) });
  },
});

export const getExportRoute = defineRoute({
  method: "GET",
  path: "/exports/{id}",
  summary: "An export job's state, progress and, when DONE, a presigned link to its file",
  params: ExportJobParams,
  responses: {
    200: { description: "The job", schema: ExportJobView },
    400: { description: "Not a job id", schema: ErrorBody },
    404: { description: "No such job (or it expired)", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const { jobs, bucket } = exportsOf(deps);
    const job = await jobs.get(params.id);
    if (!job) throw new HttpError(404, `没有编号为 ${params.id} 的导出任务（任务保留 7 天）(no such export job)`);
    return json(200, await viewOf(job, deps, bucket));
  },
});

/**
 * Export: the one step of the export workflow (lib/export-workflow.ts). Writes the job's file
 * under `exports/` (../../adapters/export-file.ts), marking the job RUNNING, its progress and
 * DONE or FAILED on its item (../../adapters/export-jobs.ts).
 *
 * A failure the job cannot get past (a bad filter, a bucket refusing the file, running out of
 * the Lambda's time) is FAILED with its reason here; a transient one is rethrown for the state
 * machine to retry. When the Lambda itself dies (a crash, its timeout) the workflow's Catch calls
 * this step again with the error, and the job is FAILED with that reason. Nothing else is
 * touched: the records are only read, and a half-written file's multipart upload is aborted.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { EXPORT_FORMATS, type ExportJobStore, type ExportState } from "../../adapters/export-jobs.ts";
import { exportFileName, writeExportFile, type ExportWatch } from "../../adapters/export-file.ts";
import type { RecordQuery } from "../../adapters/record-query.ts";
import { InvalidEventError } from "../../shared/errors.ts";
import { stepLogger } from "../../shared/logger.ts";
import { isTransient } from "../../shared/transient.ts";

export type ExportDeps = {
  jobs: ExportJobStore;
  query: RecordQuery;
  s3: S3Client;
  /** The bucket whose `exports/` holds the files. */
  bucket: string;
  /** Records written between progress marks on the job item. */
  progressEvery?: number;
};

export const ExportInput = z.object({
  jobId: z.uuid(),
  /** Set by the workflow's Catch: the attempt that died, as Step Functions reports it. */
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});
export type ExportInput = z.output<typeof ExportInput>;
export type ExportOutput = { jobId: string; state: ExportState; written?: number };

/** Time left below which the export gives up rather than be killed by the Lambda's timeout. */
export const STOP_MARGIN_MS = 20_000;

/** The export ran out of its Lambda's time. */
export class ExportTimeoutError extends Error {
  constructor() {
    super("导出超过了单次运行的时限，请缩小筛选范围（按年度、状态或模板版本）后重试 (the export ran out of time: narrow the filters)");
    this.name = "ExportTimeoutError";
  }
}

/** Why a job failed, for a Chinese reader: ours are Chinese already; others keep their message. */
export function failureReason(error: unknown): string {
  if (error instanceof ExportTimeoutError) return error.message;
  const name = (error as { name?: string })?.name ?? "Error";
  const message = error instanceof Error ? error.message : String(error);
  return `导出失败（${name}）：${message}`;
}

/** The reason of an attempt the Lambda did not survive (the workflow's Catch). */
function caughtReason(error: NonNullable<ExportInput["error"]>): string {
  let cause = error.Cause ?? "";
  try {
    cause = (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause;
  } catch {
    // a plain-text cause (a timeout's)
  }
  return `导出任务中断（${error.Error ?? "未知错误"}）${cause ? `：${cause}` : ""}`;
}

/**
 * Runs one export job; `remainingMs` is the Lambda's time left (none locally).
 *
 * @example
 * await runExport({ jobId }, deps, () => context.getRemainingTimeInMillis());
 */
export async function runExport(input: ExportInput, deps: ExportDeps, remainingMs?: () => number): Promise<ExportOutput> {
  const { jobId } = input;
  const log = stepLogger("export", { jobId });
  if (input.error) {
    const reason = caughtReason(input.error);
    await deps.jobs.fail(jobId, reason);
    log.warn("export failed", { reason });
    return { jobId, state: "FAILED" };
  }
  const job = await deps.jobs.get(jobId);
  if (!job) throw new InvalidEventError(`no export job ${jobId}`);
  if (job.state === "DONE") return { jobId, state: "DONE", written: job.written };
  if (!EXPORT_FORMATS.includes(job.format)) throw new InvalidEventError(`export job ${jobId} has no format it can write`);
  await deps.jobs.start(jobId);
  const watch: ExportWatch = {
    every: deps.progressEvery ?? 1000,
    progress: (written) => deps.jobs.progress(jobId, written),
    stop: () => {
      if (remainingMs && remainingMs() < STOP_MARGIN_MS) throw new ExportTimeoutError();
    },
  };
  try {
    const file = { bucket: deps.bucket, name: exportFileName(jobId, job.format), format: job.format, filter: job.filter };
    const result = await writeExportFile(deps.s3, deps.query, file, undefined, watch);
    await deps.jobs.finish(jobId, { key: result.key, written: result.reports, bytes: result.bytes, parts: result.parts });
    log.info("exported", { ...result });
    return { jobId, state: "DONE", written: result.reports };
  } catch (error) {
    if (isTransient(error)) throw error; // the state machine retries, then catches
    const reason = failureReason(error);
    await deps.jobs.fail(jobId, reason);
    log.warn("export failed", { reason });
    return { jobId, state: "FAILED" };
  }
}

/**
 * Marks a workflow step's start for the page watching an upload. Best effort by design:
 * progress is a view, so a failed or slow write is logged and never fails, retries or
 * holds up the report.
 */
import type { ProgressStep, ProgressStore } from "../adapters/progress-store.ts";
import type { StepLogger } from "./logger.ts";

/** Longest a step waits for its progress mark before going on without it. */
export const PROGRESS_MARK_TIMEOUT_MS = 2000;

/**
 * Records in `progress` that `step` started for `reportId`; never throws.
 *
 * @example
 * await markProgress(deps.progress, reportId, "Parse", log);
 */
export async function markProgress(progress: ProgressStore, reportId: string, step: ProgressStep, log: StepLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${PROGRESS_MARK_TIMEOUT_MS} ms`)), PROGRESS_MARK_TIMEOUT_MS);
    });
    await Promise.race([progress.mark(reportId, step), timeout]);
  } catch (error) {
    log.warn("progress not marked", { progressStep: step, error: error instanceof Error ? error.message : String(error) });
  } finally {
    clearTimeout(timer);
  }
}

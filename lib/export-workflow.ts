/**
 * The export workflow (issue 17, item 3), as Amazon States Language data: one Export Task writing
 * the job's file (functions/steps/10-export/), retried on transient errors as every pipeline
 * Task is; whatever else ends it (the Lambda's crash or timeout) is caught and handed to the same
 * function with `$.error`, which marks the job FAILED with that reason. So a job never stays
 * RUNNING after its execution ends.
 *
 * The CDK stack renders it with the function's ARN; the local stack with a local name mapped to
 * the same handler. Pure module: no CDK, no SDK, no process.env.
 *
 * Data flow:
 *   input         { jobId }                       from POST /exports
 *   Export        -> $.result { jobId, state, written }
 *   ExportFailed  { jobId, error: { Error, Cause } } -> $.result
 */
import { TASK_RETRY, WORKFLOW_ERRORS, type StateMachineDefinition } from "./workflow.ts";

export type ExportResources = { exportFunction: string };

export const EXPORT_STATES = { EXPORT: "Export", FAILED: "ExportFailed" } as const;

/** The Export function's timeout, and so the longest one export may take (Lambda's maximum). */
export const EXPORT_TIMEOUT_SECONDS = 900;

/**
 * @example
 * const definition = buildExportDefinition({ exportFunction: fn.functionArn });
 */
export function buildExportDefinition(resources: ExportResources): StateMachineDefinition {
  const retry = TASK_RETRY.map((rule) => ({ ...rule, ErrorEquals: [...rule.ErrorEquals] }));
  return {
    Comment: "nianbao export job: write the selected records as one file under exports/",
    StartAt: EXPORT_STATES.EXPORT,
    // Retries included: a few attempts of at most EXPORT_TIMEOUT_SECONDS each.
    TimeoutSeconds: 3 * 60 * 60,
    States: {
      [EXPORT_STATES.EXPORT]: {
        Type: "Task",
        Comment: "Writes the job's file in streamed multipart parts and marks the job DONE or FAILED",
        Resource: resources.exportFunction,
        ResultPath: "$.result",
        TimeoutSeconds: EXPORT_TIMEOUT_SECONDS + 60,
        Retry: retry,
        Catch: [{ ErrorEquals: [WORKFLOW_ERRORS.STATES_ALL], ResultPath: "$.error", Next: EXPORT_STATES.FAILED }],
        End: true,
      },
      [EXPORT_STATES.FAILED]: {
        Type: "Task",
        Comment: "Marks the job FAILED with the error that ended the Export attempt",
        Resource: resources.exportFunction,
        ResultPath: "$.result",
        TimeoutSeconds: 60,
        Retry: retry,
        End: true,
      },
    },
  };
}

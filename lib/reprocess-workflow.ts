/**
 * The reprocess workflow, as Amazon States Language data: select stored reports by a
 * filter (through the table's indexes), then run every selected report's source object
 * through the pipeline's own states again (lib/workflow.ts) inside a Map state.
 *
 * Two renderings from one builder:
 * - `mode: "distributed"` (the cloud): a Distributed Map reading the selection's manifest
 *   from S3 (ItemReader), child executions with MaxConcurrency and ToleratedFailurePercentage;
 * - `mode: "inline"` (the local stack): aws-local-stepfunctions runs no Distributed Map
 *   (no ItemReader, no child executions, no failure tolerance), so the same item processor
 *   runs as an inline Map over the items the Select step returns in its output.
 *
 * A record is replaced only by a newer parser version's result: that is the record
 * store's conditional write, so re-running a report whose record is current changes nothing.
 * Pure module: no CDK, no SDK, no process.env.
 *
 * Data flow:
 *   input    ReprocessFilter { status?, year?, agency?, olderThan? }   (the schedule's fixed input, or the CLI's)
 *   Select   -> $.selection { count, filter, manifest: { bucket, key }, items? }
 *   Map      each item { bucket, key } -> the pipeline's states (Extract ... Store/RecordFailure -> Notify)
 *   Summary  -> { selected, filter }
 */
import {
  buildWorkflowDefinition,
  type State,
  type WorkflowResources,
} from "./workflow.ts";

export type ReprocessResources = WorkflowResources & {
  /** The function that selects reports and writes the manifest (functions/steps/09-reprocess/handler.ts). */
  selectFunction: string;
};

export type ReprocessMode = "distributed" | "inline";

export type ReprocessOptions = {
  mode: ReprocessMode;
  /** Items processed at once (child executions in the cloud, in-process runs locally). */
  maxConcurrency?: number;
  /** Share of failed items the run tolerates before it fails (distributed only). */
  toleratedFailurePercentage?: number;
};

export const REPROCESS_STATES = {
  SELECT: "SelectReports",
  REPROCESS: "ReprocessEach",
  SUMMARY: "Summary",
} as const;

export const REPROCESS_DEFAULTS = {
  /** Textract and Lambda quotas, not Step Functions, bound the useful concurrency (README). */
  MAX_CONCURRENCY: 50,
  TOLERATED_FAILURE_PERCENTAGE: 5,
} as const;

type MapState = {
  Type: "Map";
  Comment?: string;
  Label?: string;
  ItemsPath?: string;
  ItemReader?: {
    Resource: string;
    ReaderConfig: { InputType: "JSON" };
    Parameters: Record<string, string>;
  };
  ItemSelector: Record<string, string>;
  ItemProcessor: {
    ProcessorConfig: { Mode: "INLINE" } | { Mode: "DISTRIBUTED"; ExecutionType: "STANDARD" };
    StartAt: string;
    States: Record<string, State>;
  };
  MaxConcurrency: number;
  ToleratedFailurePercentage?: number;
  ResultPath: null;
  Next: string;
};

type SelectTask = {
  Type: "Task";
  Comment: string;
  Resource: string;
  Parameters: Record<string, unknown>;
  ResultPath: string;
  TimeoutSeconds: number;
  Retry: { ErrorEquals: string[]; IntervalSeconds: number; BackoffRate: number; MaxAttempts: number; JitterStrategy: "FULL" }[];
  Next: string;
};

type PassState = { Type: "Pass"; Parameters: Record<string, string>; End: true };

export type ReprocessDefinition = {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, SelectTask | MapState | PassState>;
};

/**
 * Builds the reprocess state machine definition.
 *
 * @example
 * const definition = buildReprocessDefinition(
 *   { ...workflowArns, selectFunction: select.functionArn },
 *   { mode: "distributed", maxConcurrency: 50, toleratedFailurePercentage: 5 },
 * );
 */
export function buildReprocessDefinition(resources: ReprocessResources, options: ReprocessOptions): ReprocessDefinition {
  const { selectFunction, ...workflowResources } = resources;
  const pipeline = buildWorkflowDefinition(workflowResources);
  const distributed = options.mode === "distributed";
  const S = REPROCESS_STATES;

  const map: MapState = {
    Type: "Map",
    Comment: "Each selected report's source object through the pipeline's own states",
    ...(distributed
      ? {
          Label: "Reprocess",
          ItemReader: {
            Resource: "arn:aws:states:::s3:getObject",
            ReaderConfig: { InputType: "JSON" },
            Parameters: { "Bucket.$": "$.selection.manifest.bucket", "Key.$": "$.selection.manifest.key" },
          },
        }
      : { ItemsPath: "$.selection.items" }),
    ItemSelector: { "bucket.$": "$$.Map.Item.Value.bucket", "key.$": "$$.Map.Item.Value.key" },
    ItemProcessor: {
      ProcessorConfig: distributed ? { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" } : { Mode: "INLINE" },
      StartAt: pipeline.StartAt,
      States: pipeline.States,
    },
    MaxConcurrency: options.maxConcurrency ?? REPROCESS_DEFAULTS.MAX_CONCURRENCY,
    ...(distributed
      ? { ToleratedFailurePercentage: options.toleratedFailurePercentage ?? REPROCESS_DEFAULTS.TOLERATED_FAILURE_PERCENTAGE }
      : {}),
    // Item outputs are not needed: every item leaves its result in the table.
    ResultPath: null,
    Next: S.SUMMARY,
  };

  return {
    Comment: "nianbao: re-read the stored reports a filter selects with the current parser",
    StartAt: S.SELECT,
    // A year's reports at the configured concurrency; the schedule runs once a day.
    TimeoutSeconds: 24 * 3600,
    States: {
      [S.SELECT]: {
        Type: "Task",
        Comment: "Query the indexes for the reports the filter selects; write their sources as a JSON manifest",
        Resource: selectFunction,
        Parameters: { "filter.$": "$", inline: !distributed },
        ResultPath: "$.selection",
        TimeoutSeconds: 900,
        Retry: [
          {
            ErrorEquals: ["TransientError", "Lambda.ServiceException", "Lambda.TooManyRequestsException"],
            IntervalSeconds: 2,
            BackoffRate: 2,
            MaxAttempts: 4,
            JitterStrategy: "FULL",
          },
        ],
        Next: S.REPROCESS,
      },
      [S.REPROCESS]: map,
      [S.SUMMARY]: {
        Type: "Pass",
        Parameters: { "selected.$": "$.selection.count", "filter.$": "$.selection.filter" },
        End: true,
      },
    },
  };
}

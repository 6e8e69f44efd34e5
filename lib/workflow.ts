/**
 * The pipeline's one state machine, as Amazon States Language data.
 *
 * The CDK stack passes Lambda ARNs (tokens) and renders it with
 * `DefinitionBody.fromString(JSON.stringify(...))`; the local runner (local/step-functions.ts)
 * passes local names and maps each Task to the same handler function the Lambda exports.
 * Pure module: no CDK, no SDK, no process.env.
 *
 * Data flow (payloads stay small; documents and records travel through S3):
 *   input     { bucket, key }                      from the ingest handler
 *   Extract   -> $.extracted { reportId, artifactKey, needsOcr, ... } (document JSON in S3)
 *   Ocr       -> $.extracted when Extract says needsOcr (a scan): the document read by OCR
 *   Parse     -> $.parsed    { reportId, status, recordKey, agency, year, edition, errorCells }
 *   Store     -> $.stored    { reportId, status, written, sourceAdded }
 *   CrossYear -> $.crossYear { neighbours, findings } (optional, when a cross-year function is
 *                given): findings against the agency's neighbouring years, on both records;
 *                its failure goes on to ShouldNotify ($.crossYearError): the record stays stored
 *   Notify    when the stored status is NEEDS_REVIEW or FAILED and this execution wrote it
 *   any Task failure -> $.error { Error, Cause } -> RecordFailure -> $.stored -> Notify
 */

import { STATUS } from "../functions/shared/status.ts";

/** The Lambda functions (ARNs in the cloud, names locally) the Tasks invoke. */
export type WorkflowResources = {
  extractFunction: string;
  parseFunction: string;
  storeFunction: string;
  recordFailureFunction: string;
  notifyFunction: string;
  /** Reads scans (Extract passes them on with needsOcr): Textract in the cloud, Tesseract locally. */
  ocrFunction: string;
  /** Checks the stored record against the agency's neighbouring years (functions/steps/06-cross-year/). */
  crossYearFunction?: string;
};

/** Error names the Retry and Catch fields match (`name` of the errors in functions/shared/errors.ts). */
export const WORKFLOW_ERRORS = {
  TRANSIENT: "TransientError",
  UNREADABLE_DOCUMENT: "UnreadableDocumentError",
  NOT_ANNUAL_REPORT: "NotAnnualReportError",
  INVALID_EVENT: "InvalidEventError",
  LAMBDA_SERVICE: "Lambda.ServiceException",
  LAMBDA_TOO_MANY_REQUESTS: "Lambda.TooManyRequestsException",
  LAMBDA_SDK_CLIENT: "Lambda.SdkClientException",
  STATES_TIMEOUT: "States.Timeout",
  STATES_ALL: "States.ALL",
} as const;
export type WorkflowError = (typeof WORKFLOW_ERRORS)[keyof typeof WORKFLOW_ERRORS];

/** Errors worth another attempt: ours (throttling, busy dependencies) and Lambda's own. */
export const RETRYABLE_ERRORS = [
  WORKFLOW_ERRORS.TRANSIENT,
  WORKFLOW_ERRORS.LAMBDA_SERVICE,
  WORKFLOW_ERRORS.LAMBDA_SDK_CLIENT,
  WORKFLOW_ERRORS.STATES_TIMEOUT,
] as const;

/** State names (stable: CDK tests and the local runner refer to them). */
export const WORKFLOW_STATES = {
  EXTRACT: "Extract",
  NEEDS_OCR: "NeedsOcr",
  OCR: "Ocr",
  PARSE: "Parse",
  STORE: "Store",
  CROSS_YEAR: "CrossYear",
  SHOULD_NOTIFY: "ShouldNotify",
  NOTIFY: "Notify",
  RECORD_FAILURE: "RecordFailure",
  DONE: "Done",
} as const;

/** Retry policy of every Task: exponential backoff with full jitter. */
export const RETRY_POLICY = {
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 4,
  MaxDelaySeconds: 30,
  JitterStrategy: "FULL",
} as const;

/**
 * Retry policy for a step's function being throttled (its reserved concurrency, e.g. the Ocr
 * function's, or the account's is in use): waited out, not failed. The pauses grow to 5 minutes;
 * 12 attempts wait at most 2,115 s in all (about half that with full jitter), inside the
 * execution's 1-hour timeout.
 */
export const THROTTLE_RETRY_POLICY = {
  IntervalSeconds: 5,
  BackoffRate: 2,
  MaxAttempts: 12,
  MaxDelaySeconds: 300,
  JitterStrategy: "FULL",
} as const;

/** Every Task's Retry: throttling of its function first (the first matching rule applies), then the other transient errors. */
export const TASK_RETRY = [
  { ErrorEquals: [WORKFLOW_ERRORS.LAMBDA_TOO_MANY_REQUESTS], ...THROTTLE_RETRY_POLICY },
  { ErrorEquals: [...RETRYABLE_ERRORS], ...RETRY_POLICY },
];

export type RetryRule = {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
};
export type CatchRule = { ErrorEquals: string[]; Next: string; ResultPath?: string | null };
export type TaskState = {
  Type: "Task";
  Comment?: string;
  Resource: string;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: RetryRule[];
  Catch?: CatchRule[];
  Next?: string;
  End?: true;
};
export type ChoiceRule = {
  Variable?: string;
  StringEquals?: string;
  BooleanEquals?: boolean;
  IsPresent?: boolean;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Next?: string;
};
export type ChoiceState = { Type: "Choice"; Comment?: string; Choices: ChoiceRule[]; Default: string };
export type SucceedState = { Type: "Succeed"; Comment?: string };
export type State = TaskState | ChoiceState | SucceedState;
export type StateMachineDefinition = {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
};

const S = WORKFLOW_STATES;

function task(
  resource: string,
  options: { comment: string; resultPath: string | null; next: string; timeoutSeconds: number; catchTo?: string },
): TaskState {
  return {
    Type: "Task",
    Comment: options.comment,
    Resource: resource,
    ResultPath: options.resultPath,
    TimeoutSeconds: options.timeoutSeconds,
    Retry: TASK_RETRY.map((rule) => ({ ...rule, ErrorEquals: [...rule.ErrorEquals] })),
    ...(options.catchTo
      ? { Catch: [{ ErrorEquals: [WORKFLOW_ERRORS.STATES_ALL], ResultPath: "$.error", Next: options.catchTo }] }
      : {}),
    Next: options.next,
  };
}

/**
 * Builds the pipeline's state machine definition.
 *
 * @example
 * const definition = buildWorkflowDefinition({
 *   extractFunction: extract.functionArn, parseFunction: parse.functionArn,
 *   storeFunction: store.functionArn, recordFailureFunction: recordFailure.functionArn,
 *   notifyFunction: notify.functionArn,
 * });
 * new sfn.StateMachine(this, "Pipeline", {
 *   definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(definition)),
 * });
 */
export function buildWorkflowDefinition(resources: WorkflowResources): StateMachineDefinition {
  const states: Record<string, State> = {
    [S.EXTRACT]: task(resources.extractFunction, {
      comment: "Read the object, hash it (the report id), extract the document and write it to the artifacts bucket",
      resultPath: "$.extracted",
      next: S.NEEDS_OCR,
      timeoutSeconds: 300,
      catchTo: S.RECORD_FAILURE,
    }),
    [S.NEEDS_OCR]: {
      Type: "Choice",
      Comment: "Scans, and pages or pictures that carry no text layer",
      Choices: [
        {
          And: [
            { Variable: "$.extracted.needsOcr", IsPresent: true },
            { Variable: "$.extracted.needsOcr", BooleanEquals: true },
          ],
          Next: S.OCR,
        },
      ],
      Default: S.PARSE,
    },
    [S.OCR]: task(resources.ocrFunction, {
      comment: "Recognise the pages' text and tables, replacing the extracted document artifact",
      resultPath: "$.extracted",
      next: S.PARSE,
      timeoutSeconds: 900,
      catchTo: S.RECORD_FAILURE,
    }),
  };
  Object.assign(states, {
    [S.PARSE]: task(resources.parseFunction, {
      comment: "Map the document onto the template and validate its identities",
      resultPath: "$.parsed",
      next: S.STORE,
      timeoutSeconds: 120,
      catchTo: S.RECORD_FAILURE,
    }),
    [S.STORE]: task(resources.storeFunction, {
      comment: "Conditional write keyed by the SHA-256 of the source bytes; adds this object as a source",
      resultPath: "$.stored",
      next: resources.crossYearFunction ? S.CROSS_YEAR : S.SHOULD_NOTIFY,
      timeoutSeconds: 60,
      catchTo: S.RECORD_FAILURE,
    }),
    [S.RECORD_FAILURE]: task(resources.recordFailureFunction, {
      comment: "Store a FAILED record with the error and its cause",
      resultPath: "$.stored",
      next: S.SHOULD_NOTIFY,
      timeoutSeconds: 60,
    }),
    [S.SHOULD_NOTIFY]: {
      Type: "Choice",
      Comment: "Tell people about a record this execution wrote that needs review or failed",
      Choices: [
        {
          And: [
            { Variable: "$.stored.written", BooleanEquals: true },
            {
              Or: [
                { Variable: "$.stored.status", StringEquals: STATUS.NEEDS_REVIEW },
                { Variable: "$.stored.status", StringEquals: STATUS.FAILED },
              ],
            },
          ],
          Next: S.NOTIFY,
        },
      ],
      Default: S.DONE,
    },
    [S.NOTIFY]: task(resources.notifyFunction, {
      comment: "Publish the record's problems (SNS; locally the notifications log)",
      resultPath: null,
      next: S.DONE,
      timeoutSeconds: 60,
    }),
    [S.DONE]: { Type: "Succeed" },
  } satisfies Record<string, State>);
  if (resources.crossYearFunction) {
    states[S.CROSS_YEAR] = {
      ...task(resources.crossYearFunction, {
        comment: "Check carry-over and documents in force against the agency's neighbouring years; findings on both records",
        resultPath: "$.crossYear",
        next: S.SHOULD_NOTIFY,
        timeoutSeconds: 60,
      }),
      // The record is stored: a failed cross-year check must not turn it into a FAILED one.
      Catch: [{ ErrorEquals: [WORKFLOW_ERRORS.STATES_ALL], ResultPath: "$.crossYearError", Next: S.SHOULD_NOTIFY }],
    };
  }
  return {
    Comment: "nianbao: an annual report dropped into the ingest bucket becomes one record",
    StartAt: S.EXTRACT,
    TimeoutSeconds: 3600,
    States: states,
  };
}

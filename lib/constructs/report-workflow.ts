import { Duration } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { acknowledge, nagArn } from "../acknowledge.ts";
import { loggedStateMachine } from "./logged-state-machine.ts";
import { ENV, NianbaoFunction, bindBucket, bindTopic } from "./nianbao-function.ts";
import { KEY_PREFIXES } from "../../functions/shared/table-schema.ts";
import { OCR_LIMIT_DEFAULTS } from "../../functions/adapters/rate-limiter.ts";

/** OCR jobs running at once in the deployment (the local stack's limiter has the same default). */
export const OCR_CONCURRENCY = OCR_LIMIT_DEFAULTS.MAX_CONCURRENCY;

/** The Ocr function's memory: Lambda gives a second vCPU from 3,538 MB; PaddleOCR peaked at 1.7 GB on the real reports (README, "OCR in AWS"). */
export const OCR_MEMORY_MB = 3584;

/**
 * The Lambda ARNs the shared definition (lib/workflow.ts) puts into its Task states.
 * Mirrors `WorkflowResources` of lib/workflow.ts.
 */
export interface WorkflowFunctionArns {
  readonly extractFunction: string;
  readonly parseFunction: string;
  readonly storeFunction: string;
  readonly recordFailureFunction: string;
  readonly notifyFunction: string;
  readonly ocrFunction: string;
  readonly crossYearFunction?: string;
}

/** Builds the Amazon States Language definition from the function ARNs (lib/workflow.ts). */
export type BuildWorkflowDefinition = (resources: WorkflowFunctionArns) => object;

export interface ReportWorkflowProps {
  /** The one state machine definition, shared with the local runner. */
  readonly buildDefinition: BuildWorkflowDefinition;
  /** Reports are read from here. */
  readonly ingestBucket: s3.Bucket;
  /** Intermediates between steps are written here. */
  readonly artifactsBucket: s3.Bucket;
  /** Records are written here. */
  readonly table: dynamodb.Table;
  /** NEEDS_REVIEW and FAILED reports are announced here. */
  readonly topic: sns.ITopic;
  /**
   * Environment shared by every step (service name, parser version...).
   * @default - none beyond the function defaults and the bound resources
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the state machine's execution log.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Longest an execution may run before it is stopped (OCR of a long scan is the slow path).
   * @default Duration.hours(1)
   */
  readonly executionTimeout?: Duration;
}

/**
 * The report workflow: one Lambda per step and a STANDARD state machine built from the
 * shared definition, with every execution logged (level ALL) and traced by X-Ray.
 * Each step gets exactly the grants it needs.
 *
 * @example
 * const workflow = new ReportWorkflow(this, "Workflow", {
 *   buildDefinition: buildWorkflowDefinition,
 *   ingestBucket: buckets.ingest, artifactsBucket: buckets.artifacts,
 *   table: records.table, topic: notifications.topic,
 * });
 */
export class ReportWorkflow extends Construct {
  public readonly extractFunction: NianbaoFunction;
  public readonly parseFunction: NianbaoFunction;
  public readonly storeFunction: NianbaoFunction;
  public readonly recordFailureFunction: NianbaoFunction;
  public readonly notifyFunction: NianbaoFunction;
  /** Checks a stored record against the same agency's neighbouring years (after Store). */
  public readonly crossYearFunction: NianbaoFunction;
  /** Reads scans with PaddleOCR, Textract as its fallback (functions/steps/03-ocr/handler.ts). */
  public readonly ocrFunction: NianbaoFunction;
  /** The state machine every upload starts. */
  public readonly stateMachine: sfn.StateMachine;
  /** Execution history log (level ALL). */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ReportWorkflowProps) {
    super(scope, id);
    const environment = props.environment ?? {};
    const step = (fnId: string, name: string, memorySize: number, timeout: Duration, readsPdf = false) =>
      new NianbaoFunction(this, fnId, { step: name, memorySize, timeout, environment, readsPdf });

    // Reading PDFs and DOCX is CPU- and memory-bound: the biggest function.
    this.extractFunction = step("Extract", "extract", 1536, Duration.minutes(5), true);
    bindBucket(this.extractFunction, props.ingestBucket, "read", ENV.INGEST_BUCKET);
    bindBucket(this.extractFunction, props.artifactsBucket, "readWrite", ENV.ARTIFACTS_BUCKET);
    bindProgress(this.extractFunction, props.table);

    this.parseFunction = step("Parse", "parse", 1024, Duration.minutes(2));
    bindBucket(this.parseFunction, props.artifactsBucket, "readWrite", ENV.ARTIFACTS_BUCKET);
    bindProgress(this.parseFunction, props.table);

    this.storeFunction = step("Store", "store", 256, Duration.seconds(30));
    bindBucket(this.storeFunction, props.artifactsBucket, "read", ENV.ARTIFACTS_BUCKET);
    // Its record (and the record's history), the aggregates of /stats it changes, the registry of bodies, its progress mark.
    bindTableKeys(this.storeFunction, props.table, ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"], [
      `${KEY_PREFIXES.REPORT}*`,
      `${KEY_PREFIXES.STATS}*`,
      `${KEY_PREFIXES.AGENCY}*`,
      KEY_PREFIXES.AGENCY_LISTING,
      `${KEY_PREFIXES.AGENCY_NAME}*`,
      `${KEY_PREFIXES.PROGRESS}*`,
    ]);

    this.crossYearFunction = step("CrossYear", "cross-year", 256, Duration.seconds(30));
    bindCrossYearTable(this.crossYearFunction, props.table);

    this.recordFailureFunction = step("RecordFailure", "record-failure", 256, Duration.seconds(30));
    // The failed record (and the history of what it replaces), the aggregates of /stats, its progress mark.
    bindTableKeys(this.recordFailureFunction, props.table, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], [
      `${KEY_PREFIXES.REPORT}*`,
      `${KEY_PREFIXES.STATS}*`,
      `${KEY_PREFIXES.PROGRESS}*`,
    ]);
    // When Extract failed before naming the report, the id is hashed from the upload itself.
    bindBucket(this.recordFailureFunction, props.ingestBucket, "read", ENV.INGEST_BUCKET);

    this.notifyFunction = step("Notify", "notify", 256, Duration.seconds(30));
    bindTopic(this.notifyFunction, props.topic);

    {
      // PaddleOCR reads the scan on the function's CPU (functions/steps/03-ocr/deps.ts says why):
      // 3,584 MB gives Lambda's second vCPU, one per ONNX Runtime thread; a page takes seconds,
      // so 15 minutes covers a long scan. A Textract job (the fallback) is polled for up to
      // 10 minutes (OCR_TIMEOUT_SECONDS). At most OCR_CONCURRENCY OCR jobs run at once, whoever
      // uploaded and whichever workflow: Lambda refuses more invocations (the state machine waits a
      // throttled Ocr out, THROTTLE_RETRY_POLICY), and the OCR limiter's semaphore has as many slots.
      this.ocrFunction = new NianbaoFunction(this, "Ocr", {
        step: "ocr",
        memorySize: OCR_MEMORY_MB,
        timeout: Duration.minutes(15),
        environment: { ...environment, OCR_TIMEOUT_SECONDS: "660", OCR_MAX_CONCURRENCY: String(OCR_CONCURRENCY), OCR_ENGINE: "paddleocr", NIANBAO_OCR_THREADS: "2" },
        readsPdf: true,
        readsScans: true,
        reservedConcurrentExecutions: OCR_CONCURRENCY,
      });
      // The OCR limiter's semaphore lives in the table (every execution shares its slots: taken by
      // a conditional Put, released by Delete); the progress mark. No record, no registry.
      bindTableKeys(this.ocrFunction, props.table, ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"], [
        `${KEY_PREFIXES.LIMITER}*`,
        `${KEY_PREFIXES.PROGRESS}*`,
      ]);
      bindBucket(this.ocrFunction, props.ingestBucket, "read", ENV.INGEST_BUCKET);
      bindBucket(this.ocrFunction, props.artifactsBucket, "readWrite", ENV.ARTIFACTS_BUCKET);
      this.ocrFunction.addToRolePolicy(
        new iam.PolicyStatement({
          // The fallback engine's calls (functions/documents/ocr/textract.ts), nothing more.
          actions: ["textract:AnalyzeDocument", "textract:StartDocumentAnalysis", "textract:GetDocumentAnalysis"],
          resources: ["*"],
        }),
      );
      acknowledge(
        this.ocrFunction.role ?? this.ocrFunction,
        "AwsSolutions-IAM5[Resource::*]",
        "Textract's detection and analysis actions have no resource-level permissions; the documents they read are limited by the S3 grants above.",
      );
    }

    const definition = props.buildDefinition({
      extractFunction: this.extractFunction.functionArn,
      parseFunction: this.parseFunction.functionArn,
      storeFunction: this.storeFunction.functionArn,
      recordFailureFunction: this.recordFailureFunction.functionArn,
      notifyFunction: this.notifyFunction.functionArn,
      crossYearFunction: this.crossYearFunction.functionArn,
      ocrFunction: this.ocrFunction.functionArn,
    });

    const machine = loggedStateMachine(this, {
      suffix: "report-workflow",
      definition,
      timeout: props.executionTimeout ?? Duration.hours(1),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      fixedName: false,
    });
    this.logGroup = machine.logGroup;
    this.stateMachine = machine.stateMachine;

    const role = this.stateMachine.role;
    for (const fn of this.taskFunctions()) {
      fn.grantInvoke(this.stateMachine);
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${nagArn(fn)}:*]`,
        "lambda:InvokeFunction on this step's function and its versions/aliases (the ':*' qualifier), nothing else.",
      );
    }
    acknowledge(
      role,
      "AwsSolutions-IAM5[Resource::*]",
      "Execution logging (logs:CreateLogDelivery, logs:*LogDelivery*, logs:DescribeResourcePolicies...) and X-Ray tracing (xray:PutTraceSegments...) have no resource-level permissions.",
    );
  }

  /** Every function the state machine invokes. */
  public taskFunctions(): NianbaoFunction[] {
    const fns = [
      this.extractFunction,
      this.parseFunction,
      this.storeFunction,
      this.crossYearFunction,
      this.recordFailureFunction,
      this.notifyFunction,
      this.ocrFunction,
    ];
    return fns;
  }
}

/**
 * Grants `actions` on the table's own items whose partition key matches one of `leadingKeys`
 * (`dynamodb:LeadingKeys`), and nothing on its indexes: the step can read and write exactly the
 * kinds of item it owns. TransactWriteItems is authorised per contained action.
 */
function bindTableKeys(fn: NianbaoFunction, table: dynamodb.Table, actions: string[], leadingKeys: string[]): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions,
      resources: [table.tableArn],
      conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": leadingKeys } },
    }),
  );
  fn.addEnvironment(ENV.TABLE_NAME, table.tableName);
}

/**
 * Grants of a step that touches the table only to mark its progress (Extract, Parse):
 * UpdateItem on progress items alone — `dynamodb:LeadingKeys` limits it to partition keys
 * `PROGRESS#…`, so the step can never write a record. (Store, Ocr and RecordFailure mark
 * through their own key-limited grants, which include progress items.)
 */
function bindProgress(fn: NianbaoFunction, table: dynamodb.Table): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ["dynamodb:UpdateItem"],
      resources: [table.tableArn],
      conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.PROGRESS}*`] } },
    }),
  );
  fn.addEnvironment(ENV.TABLE_NAME, table.tableName);
}

/**
 * CrossYear's grants: Query (its own record by key, consistently; neighbours on byAgencyYear)
 * and UpdateItem (the findings map; its pair transaction needs nothing more, as
 * TransactWriteItems is authorised per contained action). No GetItem, PutItem or Scan.
 */
function bindCrossYearTable(fn: NianbaoFunction, table: dynamodb.Table): void {
  table.grant(fn, "dynamodb:Query", "dynamodb:UpdateItem");
  fn.addEnvironment(ENV.TABLE_NAME, table.tableName);
  acknowledge(
    fn.role ?? fn,
    `AwsSolutions-IAM5[Resource::${nagArn(table)}/index/*]`,
    "The neighbouring years of an agency are read from this table's byAgencyYear index; the index/* suffix is limited to this one table.",
  );
}

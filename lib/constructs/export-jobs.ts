import { Duration } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { EXPORT_PREFIX } from "../../functions/adapters/export-file.ts";
import { KEY_PREFIXES } from "../../functions/shared/table-schema.ts";
import { acknowledge, nagArn } from "../acknowledge.ts";
import { buildExportDefinition, EXPORT_TIMEOUT_SECONDS } from "../export-workflow.ts";
import { ENV, NianbaoFunction, bindTable } from "./nianbao-function.ts";
import { loggedStateMachine } from "./logged-state-machine.ts";

export interface ExportJobsProps {
  /** The records the export reads (through its indexes) and the job items it updates. */
  readonly table: dynamodb.Table;
  /** The files go here, under `exports/`. */
  readonly artifactsBucket: s3.Bucket;
  /**
   * Environment shared by every function.
   * @default - none beyond the function defaults and the bound resources
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the export executions' log.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The job items' partition keys: `EXPORT#<id>` (functions/adapters/export-jobs.ts). */
const JOB_KEYS = { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.EXPORT}*`] } };

/**
 * Export jobs (issue 17, item 3): the Export function, which reads the records page by page and
 * writes one file under `exports/` of the artifacts bucket in multipart parts, and the small
 * state machine that runs it (lib/export-workflow.ts, the definition the local stack runs too).
 * The function may write only objects under `exports/`, read the table, and update only the
 * job items (`EXPORT#` keys).
 *
 * @example
 * const exports = new ExportJobs(this, "Exports", { table: records.table, artifactsBucket: buckets.artifacts });
 * exports.grantStart(api.apiFunction);
 */
export class ExportJobs extends Construct {
  public readonly exportFunction: NianbaoFunction;
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  private readonly props: ExportJobsProps;

  constructor(scope: Construct, id: string, props: ExportJobsProps) {
    super(scope, id);
    this.props = props;
    this.exportFunction = new NianbaoFunction(this, "Export", {
      step: "export",
      description: "nianbao export",
      // One page of records, one 5 MB part and exceljs's zip buffers (the bench peaks far lower).
      memorySize: 1024,
      timeout: Duration.seconds(EXPORT_TIMEOUT_SECONDS),
      environment: { ...props.environment, [ENV.ARTIFACTS_BUCKET]: props.artifactsBucket.bucketName },
    });
    const fn = this.exportFunction;
    bindTable(fn, props.table, "read");
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["dynamodb:UpdateItem"], resources: [props.table.tableArn], conditions: JOB_KEYS }));
    // Multipart uploads (create, parts, complete) are s3:PutObject; abort leaves no half-written file.
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["s3:PutObject", "s3:AbortMultipartUpload"], resources: [props.artifactsBucket.arnForObjects(`${EXPORT_PREFIX}*`)] }),
    );
    acknowledge(
      fn.role ?? fn,
      `AwsSolutions-IAM5[Resource::${nagArn(props.artifactsBucket)}/${EXPORT_PREFIX}*]`,
      "Each export job writes its own file, named by the job id, under exports/ of the artifacts bucket; nothing outside that prefix.",
    );

    const definition = buildExportDefinition({ exportFunction: fn.functionArn });
    const machine = loggedStateMachine(this, { suffix: "export", definition, timeout: Duration.seconds(definition.TimeoutSeconds), ...(props.logRetention ? { logRetention: props.logRetention } : {}) });
    this.logGroup = machine.logGroup;
    this.stateMachine = machine.stateMachine;
    fn.grantInvoke(this.stateMachine);
    const role = this.stateMachine.role;
    acknowledge(role, `AwsSolutions-IAM5[Resource::${nagArn(fn)}:*]`, "lambda:InvokeFunction on the Export function and its versions/aliases (the ':*' qualifier), nothing else.");
    acknowledge(
      role,
      "AwsSolutions-IAM5[Resource::*]",
      "Execution logging (logs:CreateLogDelivery, logs:*LogDelivery*, logs:DescribeResourcePolicies...) and X-Ray tracing (xray:PutTraceSegments...) have no resource-level permissions.",
    );
  }

  /**
   * Lets `fn` (the API) start export jobs and answer them: create and fail job items, start the
   * state machine, and read (so presign) the files under `exports/`; tells it the names.
   */
  public grantStart(fn: lambda.Function): void {
    const { table, artifactsBucket } = this.props;
    this.stateMachine.grantStartExecution(fn);
    fn.addEnvironment("EXPORT_STATE_MACHINE_ARN", this.stateMachine.stateMachineArn);
    fn.addEnvironment(ENV.ARTIFACTS_BUCKET, artifactsBucket.bucketName);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [table.tableArn], conditions: JOB_KEYS }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [artifactsBucket.arnForObjects(`${EXPORT_PREFIX}*`)] }));
    acknowledge(
      fn.role ?? fn,
      `AwsSolutions-IAM5[Resource::${nagArn(artifactsBucket)}/${EXPORT_PREFIX}*]`,
      "The API presigns downloads of the export files, whose keys are the job ids, under exports/ of the artifacts bucket only.",
    );
  }
}

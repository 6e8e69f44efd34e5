import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { acknowledge, nagArn } from "../acknowledge.ts";
import { ENV, NianbaoFunction, bindBucket, bindTable } from "./nianbao-function.ts";
import type { ReportWorkflow, WorkflowFunctionArns } from "./report-workflow.ts";
import { loggedStateMachine } from "./logged-state-machine.ts";

/** The Lambda ARNs of the reprocess definition: the pipeline's plus the Select step's. */
export interface ReprocessFunctionArns extends WorkflowFunctionArns {
  readonly selectFunction: string;
}

/** How the Map state runs; the cloud always uses the Distributed Map. */
export interface ReprocessDefinitionOptions {
  readonly mode: "distributed";
  readonly maxConcurrency?: number;
  readonly toleratedFailurePercentage?: number;
}

/** Builds the reprocess state machine definition (lib/reprocess-workflow.ts). */
export type BuildReprocessDefinition = (resources: ReprocessFunctionArns, options: ReprocessDefinitionOptions) => object;

export interface ReprocessScheduleProps {
  /** The reprocess definition: Select, then the pipeline's states in a Distributed Map. */
  readonly buildDefinition: BuildReprocessDefinition;
  /** The pipeline whose functions the Map's child executions invoke. */
  readonly workflow: ReportWorkflow;
  /** Reports are selected through this table's indexes. */
  readonly table: dynamodb.Table;
  /** The Select step writes its manifest here; the Map reads it back (ItemReader). */
  readonly artifactsBucket: s3.Bucket;
  /** The parser version of this deployment: the schedule selects records made by older ones. */
  readonly parserVersion: string;
  /**
   * When the reprocess run starts.
   * @default events.Schedule.cron({ minute: "0", hour: "3" }) (daily, 03:00 UTC)
   */
  readonly schedule?: events.Schedule;
  /**
   * Reports reprocessed at once (child executions; Lambda and Textract quotas are the real bound).
   * @default - the definition's default
   */
  readonly maxConcurrency?: number;
  /**
   * Share of failed reports a run tolerates before it fails.
   * @default - the definition's default
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * The Select handler's entry file.
   * @default - functions/steps/09-reprocess/handler.ts
   */
  readonly entry?: string;
  /**
   * Environment shared by every function.
   * @default - none beyond the function defaults and the bound resources
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Retention of the reprocess executions' log.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Reprocessing: a daily EventBridge rule starts the reprocess state machine with the filter
 * `{ olderThan: <this deployment's parser version> }`. Its Select step (a Lambda) queries the
 * table's indexes and writes the selected sources as a manifest to S3; a Distributed Map runs
 * each through the pipeline's own states as child executions. Records are replaced only by a
 * newer parser's result (the record store's conditional write), so a run is safe to repeat.
 *
 * @example
 * new ReprocessSchedule(this, "Reprocess", {
 *   buildDefinition: buildReprocessDefinition, workflow, table: records.table,
 *   artifactsBucket: buckets.artifacts, parserVersion: PARSER_VERSION,
 * });
 */
export class ReprocessSchedule extends Construct {
  /** The schedule. */
  public readonly rule: events.Rule;
  /** Selects the reports to reprocess and writes the manifest. */
  public readonly selectFunction: NianbaoFunction;
  /** Select, then the Distributed Map over the manifest. */
  public readonly stateMachine: sfn.StateMachine;
  /** Execution history log (level ALL). */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ReprocessScheduleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.selectFunction = new NianbaoFunction(this, "Select", {
      step: "reprocess",
      entry: props.entry,
      description: "nianbao reprocess select",
      memorySize: 512,
      // Pages through the indexes for a whole selection before writing one manifest.
      timeout: Duration.minutes(15),
      environment: props.environment,
    });
    bindTable(this.selectFunction, props.table, "read");
    bindBucket(this.selectFunction, props.artifactsBucket, "readWrite", ENV.ARTIFACTS_BUCKET);

    const workflow = props.workflow;
    const definition = props.buildDefinition(
      {
        extractFunction: workflow.extractFunction.functionArn,
        parseFunction: workflow.parseFunction.functionArn,
        storeFunction: workflow.storeFunction.functionArn,
        recordFailureFunction: workflow.recordFailureFunction.functionArn,
        notifyFunction: workflow.notifyFunction.functionArn,
        crossYearFunction: workflow.crossYearFunction.functionArn,
        ocrFunction: workflow.ocrFunction.functionArn,
        selectFunction: this.selectFunction.functionArn,
      },
      {
        mode: "distributed",
        ...(props.maxConcurrency !== undefined ? { maxConcurrency: props.maxConcurrency } : {}),
        ...(props.toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage: props.toleratedFailurePercentage } : {}),
      },
    );

    // A fixed name lets the role name its own executions without a reference cycle.
    const machine = loggedStateMachine(this, { suffix: "reprocess", definition, timeout: Duration.hours(24), ...(props.logRetention ? { logRetention: props.logRetention } : {}) });
    const stateMachineName = machine.stateMachineName;
    this.logGroup = machine.logGroup;
    this.stateMachine = machine.stateMachine;

    const role = this.stateMachine.role;
    for (const fn of [this.selectFunction, ...workflow.taskFunctions()]) {
      fn.grantInvoke(this.stateMachine);
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${nagArn(fn)}:*]`,
        "lambda:InvokeFunction on this step's function and its versions/aliases (the ':*' qualifier), nothing else.",
      );
    }
    // The Distributed Map's ItemReader reads the manifest the Select step wrote.
    props.artifactsBucket.grantRead(this.stateMachine);
    for (const [finding, reason] of [
      ["Action::s3:GetObject*", "CDK's read grant: the Distributed Map's ItemReader gets the selection manifest from the artifacts bucket."],
      ["Action::s3:GetBucket*", "CDK's read grant: location lookups on the artifacts bucket only."],
      ["Action::s3:List*", "CDK's read grant: listing the artifacts bucket only."],
      [`Resource::${nagArn(props.artifactsBucket)}/*`, "Manifest keys are made per run; the object wildcard is limited to the artifacts bucket."],
    ] as const) {
      acknowledge(role, `AwsSolutions-IAM5[${finding}]`, reason);
    }
    // Child executions of the Distributed Map are executions of this same state machine.
    const selfArn = stack.formatArn({ service: "states", resource: "stateMachine", resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const executionsArn = stack.formatArn({
      service: "states",
      resource: "execution",
      resourceName: `${stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["states:StartExecution"], resources: [selfArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["states:DescribeExecution", "states:StopExecution"], resources: [executionsArn] }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${stateMachineName}/*]`,
      "The Distributed Map describes and stops its own child executions, whose names are generated per run; limited to this state machine's executions.",
    );
    acknowledge(
      role,
      "AwsSolutions-IAM5[Resource::*]",
      "Execution logging (logs:CreateLogDelivery, logs:*LogDelivery*, logs:DescribeResourcePolicies...) and X-Ray tracing (xray:PutTraceSegments...) have no resource-level permissions.",
    );

    this.rule = new events.Rule(this, "Rule", {
      description: "Daily re-run of the records made by an older parser version",
      schedule: props.schedule ?? events.Schedule.cron({ minute: "0", hour: "3" }),
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          input: events.RuleTargetInput.fromObject({ olderThan: props.parserVersion }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }
}

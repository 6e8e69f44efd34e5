import { fileURLToPath } from "node:url";
import { CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { NianbaoFunction } from "../../lib/constructs/nianbao-function.ts";
import { RecordsTable } from "../../lib/constructs/records-table.ts";
import { ReportBuckets } from "../../lib/constructs/report-buckets.ts";
import { NotificationTopic } from "../../lib/constructs/notification-topic.ts";
import { ReportWorkflow } from "../../lib/constructs/report-workflow.ts";
import { ReprocessSchedule, type BuildReprocessDefinition } from "../../lib/constructs/reprocess-schedule.ts";
import { buildWorkflowDefinition } from "../../lib/workflow.ts";
import { createApp } from "./synth.ts";

const FIXTURE_HANDLER = fileURLToPath(new URL("./fixtures/reprocess-handler.ts", import.meta.url));

describe("NianbaoFunction", () => {
  it("rejects a step without a handler file at synth time", () => {
    const stack = new Stack(createApp({ bundling: false }), "S");
    expect(() => new NianbaoFunction(stack, "Missing", { step: "no-such-step" })).toThrow(/functions\/no-such-step\/handler\.ts does not exist/);
  });
});

/**
 * A stand-in for lib/reprocess-workflow.ts's builder, local to this test: Select, then a
 * Distributed Map over the manifest running the pipeline's own states.
 */
const buildTestReprocessDefinition: BuildReprocessDefinition = (resources, options) => {
  const { selectFunction, ...pipelineArns } = resources;
  const pipeline = buildWorkflowDefinition(pipelineArns);
  return {
    StartAt: "SelectReports",
    States: {
      SelectReports: { Type: "Task", Resource: selectFunction, Parameters: { "filter.$": "$" }, ResultPath: "$.selection", Next: "ReprocessEach" },
      ReprocessEach: {
        Type: "Map",
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "JSON" },
          Parameters: { "Bucket.$": "$.selection.manifest.bucket", "Key.$": "$.selection.manifest.key" },
        },
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: pipeline.StartAt, States: pipeline.States },
        MaxConcurrency: options.maxConcurrency ?? 50,
        End: true,
      },
    },
  };
};

describe("ReprocessSchedule", () => {
  let stack: Stack;
  let schedule: ReprocessSchedule;
  let workflow: ReportWorkflow;
  let template: Template;
  const id = (c: IConstruct) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;

  beforeAll(() => {
    // Prepare
    stack = new Stack(createApp({ bundling: false }), "S");
    const buckets = new ReportBuckets(stack, "Buckets");
    const records = new RecordsTable(stack, "Records");
    const topic = new NotificationTopic(stack, "Topic");
    workflow = new ReportWorkflow(stack, "Workflow", {
      buildDefinition: buildWorkflowDefinition,
      ingestBucket: buckets.ingest,
      artifactsBucket: buckets.artifacts,
      table: records.table,
      topic: topic.topic,
    });
    // Act
    schedule = new ReprocessSchedule(stack, "Reprocess", {
      buildDefinition: buildTestReprocessDefinition,
      workflow,
      table: records.table,
      artifactsBucket: buckets.artifacts,
      parserVersion: "9.9.9",
      maxConcurrency: 7,
      entry: FIXTURE_HANDLER,
    });
    template = Template.fromStack(stack);
  });

  it("starts the reprocess state machine daily with the records of older parser versions as its filter", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "cron(0 3 * * ? *)",
      State: "ENABLED",
      Targets: [
        Match.objectLike({
          Arn: { Ref: id(schedule.stateMachine) },
          Input: JSON.stringify({ olderThan: "9.9.9" }),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
  });

  it("builds the state machine from the definition with the Select and pipeline function ARNs", () => {
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineName: "S-reprocess",
      StateMachineType: "STANDARD",
      LoggingConfiguration: Match.objectLike({ Level: "ALL", IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });
    const machines = Object.values(template.findResources("AWS::StepFunctions::StateMachine")) as Array<Record<string, any>>;
    const reprocess = machines.find((m) => m.Properties.StateMachineName === "S-reprocess")!;
    const text = JSON.stringify(reprocess.Properties.DefinitionString);
    expect(text).toContain(`"${id(schedule.selectFunction)}","Arn"`);
    for (const fn of workflow.taskFunctions()) expect(text).toContain(`"${id(fn)}","Arn"`);
    expect(text).toContain('\\"MaxConcurrency\\":7');
  });

  it("lets the state machine invoke its functions, read manifests and run its own child executions", () => {
    const roleId = id(schedule.stateMachine.role);
    const statements = (Object.values(template.findResources("AWS::IAM::Policy")) as Array<Record<string, any>>)
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    const invoked = JSON.stringify(byAction("lambda:InvokeFunction").map((s) => s.Resource));
    for (const fn of [schedule.selectFunction, ...workflow.taskFunctions()]) expect(invoked).toContain(`"${id(fn)}","Arn"`);
    expect(JSON.stringify(byAction("s3:GetObject*").map((s) => s.Resource))).toContain("BucketsArtifacts");
    expect(JSON.stringify(byAction("states:StartExecution").map((s) => s.Resource))).toContain(":stateMachine:S-reprocess");
    expect(JSON.stringify(byAction("states:DescribeExecution").map((s) => s.Resource))).toContain(":execution:S-reprocess/*");
    expect(byAction("states:StopExecution")).toHaveLength(1);
  });

  it("gives the Select function read access to the table and the artifacts bucket's name", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao reprocess select",
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), ARTIFACTS_BUCKET: Match.anyValue() }) },
    });
  });

  it("passes cdk-nag's AwsSolutions checks", () => {
    const errors = new AwsSolutionsChecks().validateScope(stack).violations.filter((v) => v.severity === "error");
    expect(errors.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}`)).toEqual([]);
  });
});

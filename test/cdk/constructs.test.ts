import { fileURLToPath } from "node:url";
import { CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as events from "aws-cdk-lib/aws-events";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { describe, expect, it } from "vitest";
import { NianbaoFunction } from "../../lib/constructs/nianbao-function.ts";
import { RecordsTable } from "../../lib/constructs/records-table.ts";
import { ReportBuckets } from "../../lib/constructs/report-buckets.ts";
import { ReprocessSchedule } from "../../lib/constructs/reprocess-schedule.ts";
import { createApp } from "./synth.ts";

const FIXTURE_HANDLER = fileURLToPath(new URL("./fixtures/reprocess-handler.ts", import.meta.url));

describe("NianbaoFunction", () => {
  it("rejects a step without a handler file at synth time", () => {
    const stack = new Stack(createApp({ bundling: false }), "S");
    expect(() => new NianbaoFunction(stack, "Missing", { step: "no-such-step" })).toThrow(/functions\/no-such-step\/handler\.ts does not exist/);
  });
});

describe("ReprocessSchedule", () => {
  it("runs the reprocess function on its cron schedule with read-only table access and StartExecution", () => {
    // Prepare
    const stack = new Stack(createApp({ bundling: false }), "S");
    const buckets = new ReportBuckets(stack, "Buckets");
    const records = new RecordsTable(stack, "Records");
    const machine = new sfn.StateMachine(stack, "Machine", { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, "P")) });
    // Act
    const schedule = new ReprocessSchedule(stack, "Reprocess", {
      table: records.table,
      ingestBucket: buckets.ingest,
      stateMachine: machine,
      entry: FIXTURE_HANDLER,
      schedule: events.Schedule.cron({ minute: "30", hour: "2" }),
    });
    // Assess
    const template = Template.fromStack(stack);
    const fnId = stack.resolve((schedule.reprocessFunction.node.defaultChild as CfnElement).logicalId) as string;
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "cron(30 2 * * ? *)",
      State: "ENABLED",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [fnId, "Arn"] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 } })],
    });
    template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "events.amazonaws.com",
      FunctionName: { "Fn::GetAtt": [fnId, "Arn"] },
    });
    const policies = Object.values(template.findResources("AWS::IAM::Policy")) as Array<Record<string, any>>;
    const actions = policies
      .filter((p) => JSON.stringify(p.Properties.Roles).includes("ReprocessReprocessRole"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => s.Action));
    expect(actions).toEqual(expect.arrayContaining(["states:StartExecution", "dynamodb:Query"]));
    expect(actions).not.toContain("dynamodb:PutItem");
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: { Ref: Match.stringLikeRegexp("Machine") } }) },
    });
  });

  it("defaults to a daily run at 03:00 UTC", () => {
    const stack = new Stack(createApp({ bundling: false }), "S");
    const buckets = new ReportBuckets(stack, "Buckets");
    const records = new RecordsTable(stack, "Records");
    const machine = new sfn.StateMachine(stack, "Machine", { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, "P")) });
    new ReprocessSchedule(stack, "Reprocess", { table: records.table, ingestBucket: buckets.ingest, stateMachine: machine, entry: FIXTURE_HANDLER });
    Template.fromStack(stack).hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: "cron(0 3 * * ? *)" });
  });
});

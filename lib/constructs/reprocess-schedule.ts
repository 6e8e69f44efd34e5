import { Duration } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { ENV, NianbaoFunction, bindBucket, bindStateMachine, bindTable } from "./nianbao-function.ts";

export interface ReprocessScheduleProps {
  /** Records made by an older parser version are found here (index byParserVersion). */
  readonly table: dynamodb.Table;
  /** The uploads whose records are re-run. */
  readonly ingestBucket: s3.Bucket;
  /** The workflow each stale record is re-run through. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * When the reprocess run starts.
   * @default events.Schedule.cron({ minute: "0", hour: "3" }) (daily, 03:00 UTC)
   */
  readonly schedule?: events.Schedule;
  /**
   * The reprocess handler's entry file.
   * @default - functions/reprocess/handler.ts
   */
  readonly entry?: string;
  /**
   * Environment shared by every function.
   * @default - none beyond the function defaults and the bound resources
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A daily EventBridge rule that runs the reprocess function: it finds the records of an
 * older parser version (and FAILED ones worth retrying) and starts the workflow again on
 * their sources.
 *
 * @example
 * new ReprocessSchedule(this, "Reprocess", { table: records.table, ingestBucket: buckets.ingest, stateMachine: workflow.stateMachine });
 */
export class ReprocessSchedule extends Construct {
  /** The schedule. */
  public readonly rule: events.Rule;
  /** Finds stale records and starts executions for them. */
  public readonly reprocessFunction: NianbaoFunction;

  constructor(scope: Construct, id: string, props: ReprocessScheduleProps) {
    super(scope, id);
    this.reprocessFunction = new NianbaoFunction(this, "Reprocess", {
      step: "reprocess",
      entry: props.entry,
      memorySize: 256,
      // One run pages through the index and starts executions at a throttled pace.
      timeout: Duration.minutes(15),
      environment: props.environment,
    });
    bindTable(this.reprocessFunction, props.table, "read");
    bindBucket(this.reprocessFunction, props.ingestBucket, "read", ENV.INGEST_BUCKET);
    bindStateMachine(this.reprocessFunction, props.stateMachine);

    this.rule = new events.Rule(this, "Rule", {
      description: "Daily re-run of records made by an older parser version",
      schedule: props.schedule ?? events.Schedule.cron({ minute: "0", hour: "3" }),
      targets: [new targets.LambdaFunction(this.reprocessFunction, { retryAttempts: 2, maxEventAge: Duration.hours(2) })],
    });
  }
}

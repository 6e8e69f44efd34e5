import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface PipelineAlarmsProps {
  /** Where the alarms are announced (the same topic as NEEDS_REVIEW and FAILED reports). */
  readonly topic: sns.ITopic;
  /** Upload events that could not start an execution end here: any message is an upload without a record. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * State machines whose executions must not fail: the pipeline catches every step's error into
   * RecordFailure, so a failed execution means a report may be left without a record.
   */
  readonly stateMachines: ReadonlyArray<{ readonly name: string; readonly stateMachine: sfn.IStateMachine }>;
  /**
   * How long a condition must hold before the alarm fires.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * The alarms behind "nothing lost": an upload event in the dead-letter queue, or an execution
 * that failed or timed out (its report may have no record), is published to the topic.
 *
 * @example
 * new PipelineAlarms(this, "Alarms", {
 *   topic: notifications.topic,
 *   deadLetterQueue: ingest.deadLetterQueue,
 *   stateMachines: [{ name: "Pipeline", stateMachine: workflow.stateMachine }],
 * });
 */
export class PipelineAlarms extends Construct {
  /** Every alarm, each with the topic as its alarm action. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const action = new cwActions.SnsAction(props.topic);
    const add = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

    add(
      "DeadLetters",
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      "Upload events that never started an execution are waiting in the dead-letter queue: redrive them once the cause is fixed.",
    );
    for (const { name, stateMachine } of props.stateMachines) {
      add(
        `${name}ExecutionsFailed`,
        stateMachine.metricFailed({ period, statistic: cloudwatch.Stats.SUM }),
        `${name} executions failed: their reports may have no record. Look up the execution and start it again.`,
      );
      add(
        `${name}ExecutionsTimedOut`,
        stateMachine.metricTimedOut({ period, statistic: cloudwatch.Stats.SUM }),
        `${name} executions timed out: their reports may have no record.`,
      );
    }
  }
}

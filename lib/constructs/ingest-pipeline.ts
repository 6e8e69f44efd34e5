import { Duration, Stack } from "aws-cdk-lib";
import * as lambdaEvents from "aws-cdk-lib/aws-lambda-event-sources";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct, type IConstruct } from "constructs";
import { acknowledge } from "../acknowledge.ts";
import { NianbaoFunction, bindStateMachine } from "./nianbao-function.ts";

export interface IngestPipelineProps {
  /** The bucket whose object-created events start the workflow. */
  readonly bucket: s3.Bucket;
  /** The workflow each new object starts. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * Only keys under this prefix start the workflow.
   * @default - every key
   */
  readonly keyPrefix?: string;
  /**
   * How many times a batch of events is retried before it goes to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Most events handed to one ingest invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Most concurrent ingest invocations (StartExecution is throttled per account).
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * Environment shared by every function.
   * @default - none beyond the function defaults and the bound resources
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Upload to execution: S3 object-created notifications go to an SQS queue (a burst of
 * uploads waits in the queue instead of being throttled away; failures are retried and end
 * in a dead-letter queue, never lost), and the ingest function starts one execution per
 * object, reporting per-message failures so a batch is not retried as a whole.
 *
 * @example
 * new IngestPipeline(this, "Ingest", { bucket: buckets.ingest, stateMachine: workflow.stateMachine });
 */
export class IngestPipeline extends Construct {
  /** Object-created events waiting to start an execution. */
  public readonly queue: sqs.Queue;
  /** Events that failed `maxReceiveCount` times; alarm on its depth. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Starts the state machine for each event. */
  public readonly ingestFunction: NianbaoFunction;

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    const timeout = Duration.seconds(30);

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, "Queue", {
      // SSE-SQS: S3 can send to it without a customer key policy.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // AWS's guidance for Lambda event sources: six times the function timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    const filters = props.keyPrefix ? [{ prefix: props.keyPrefix }] : [];
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), ...filters);

    this.ingestFunction = new NianbaoFunction(this, "Ingest", {
      step: "ingest",
      timeout,
      memorySize: 256,
      environment: props.environment,
    });
    bindStateMachine(this.ingestFunction, props.stateMachine);
    this.ingestFunction.addEventSource(
      new lambdaEvents.SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 5,
      }),
    );

    acknowledgeNotificationsHandler(Stack.of(this));
  }
}

/**
 * CDK configures S3 notifications through one stack-wide custom resource (a small inline
 * Lambda it owns); its findings are about CDK's code, not ours.
 */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((c: IConstruct) => c.node.id.startsWith("BucketNotificationsHandler"));
  if (!handler) return;
  acknowledge(
    handler,
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    "CDK's own BucketNotificationsHandler custom resource; its role is built by aws-cdk-lib and used only at deploy time to write the bucket's notification configuration.",
  );
}

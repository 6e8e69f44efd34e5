import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { PARSER_VERSION } from "../functions/report/index.ts";
import { IngestPipeline } from "./constructs/ingest-pipeline.ts";
import { ENV } from "./constructs/nianbao-function.ts";
import { NotificationTopic } from "./constructs/notification-topic.ts";
import { PipelineAlarms } from "./constructs/pipeline-alarms.ts";
import { RecordsApi } from "./constructs/records-api.ts";
import { RecordsTable } from "./constructs/records-table.ts";
import { ReportBuckets } from "./constructs/report-buckets.ts";
import { ReportWorkflow } from "./constructs/report-workflow.ts";
import { ReprocessSchedule } from "./constructs/reprocess-schedule.ts";
import { buildReprocessDefinition } from "./reprocess-workflow.ts";
import { buildWorkflowDefinition } from "./workflow.ts";

export interface NianbaoStackProps extends StackProps {
  /**
   * The web origin allowed to call the API from a browser (CORS).
   * @default - context `webOrigin`, else "http://localhost:3000"
   */
  readonly webOrigin?: string;
  /**
   * E-mail addresses that receive NEEDS_REVIEW and FAILED notifications.
   * @default - context `notificationEmails` (comma-separated), else none
   */
  readonly notificationEmails?: readonly string[];
}

/**
 * nianbao in AWS: upload bucket -> SQS -> ingest -> Step Functions (extract, parse, store,
 * notify) -> DynamoDB, a signed query API and a daily reprocess run.
 */
export class NianbaoStack extends Stack {
  public readonly buckets: ReportBuckets;
  public readonly records: RecordsTable;
  public readonly notifications: NotificationTopic;
  public readonly workflow: ReportWorkflow;
  public readonly ingest: IngestPipeline;
  public readonly api: RecordsApi;
  public readonly reprocess: ReprocessSchedule;
  public readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: NianbaoStackProps = {}) {
    super(scope, id, props);
    const webOrigin = props.webOrigin ?? (this.node.tryGetContext("webOrigin") as string | undefined) ?? "http://localhost:3000";
    const emailContext = this.node.tryGetContext("notificationEmails") as string | undefined;
    const notificationEmails = props.notificationEmails ?? emailContext?.split(",").map((e) => e.trim()).filter(Boolean);
    const environment = { [ENV.PARSER_VERSION]: PARSER_VERSION };

    this.buckets = new ReportBuckets(this, "Buckets", { browserOrigins: [webOrigin] });
    this.records = new RecordsTable(this, "Records");
    this.notifications = new NotificationTopic(this, "Notifications", { emailSubscribers: notificationEmails });
    this.workflow = new ReportWorkflow(this, "Workflow", {
      buildDefinition: buildWorkflowDefinition,
      ingestBucket: this.buckets.ingest,
      artifactsBucket: this.buckets.artifacts,
      table: this.records.table,
      topic: this.notifications.topic,
      environment,
    });
    this.ingest = new IngestPipeline(this, "Ingest", {
      bucket: this.buckets.ingest,
      stateMachine: this.workflow.stateMachine,
      environment,
    });
    this.api = new RecordsApi(this, "Api", {
      table: this.records.table,
      ingestBucket: this.buckets.ingest,
      allowedOrigin: webOrigin,
      environment,
    });
    this.reprocess = new ReprocessSchedule(this, "Reprocess", {
      buildDefinition: buildReprocessDefinition,
      workflow: this.workflow,
      table: this.records.table,
      artifactsBucket: this.buckets.artifacts,
      parserVersion: PARSER_VERSION,
      environment,
    });
    this.alarms = new PipelineAlarms(this, "Alarms", {
      topic: this.notifications.topic,
      deadLetterQueue: this.ingest.deadLetterQueue,
      stateMachines: [
        { name: "Pipeline", stateMachine: this.workflow.stateMachine },
        { name: "Reprocess", stateMachine: this.reprocess.stateMachine },
      ],
    });
  }
}

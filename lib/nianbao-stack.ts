import { CfnOutput, Stack, Token, type StackProps } from "aws-cdk-lib";
import { INGEST_PREFIX } from "../functions/shared/workflow-payloads.ts";
import type { Construct } from "constructs";
import { PARSER_VERSION } from "../functions/report/index.ts";
import { ExportJobs } from "./constructs/export-jobs.ts";
import { IngestPipeline } from "./constructs/ingest-pipeline.ts";
import { ENV } from "./constructs/nianbao-function.ts";
import { NotificationTopic } from "./constructs/notification-topic.ts";
import { PipelineAlarms } from "./constructs/pipeline-alarms.ts";
import { RecordsApi } from "./constructs/records-api.ts";
import { RecordsTable } from "./constructs/records-table.ts";
import { ReportBuckets } from "./constructs/report-buckets.ts";
import { ReportWorkflow } from "./constructs/report-workflow.ts";
import { ReprocessSchedule } from "./constructs/reprocess-schedule.ts";
import { WebSignIn } from "./constructs/web-sign-in.ts";
import { WebSite } from "./constructs/web-site.ts";
import { buildReprocessDefinition } from "./reprocess-workflow.ts";
import { buildWorkflowDefinition } from "./workflow.ts";

export interface NianbaoStackProps extends StackProps {
  /**
   * The web origin allowed to call the API from a browser (CORS), e.g. a custom domain in
   * front of the web site's distribution; it is also a sign-in return URL.
   * @default - context `webOrigin`, else the web site's `https://<distribution domain>`
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
  public readonly exports: ExportJobs;
  public readonly web: WebSite;
  public readonly signIn: WebSignIn;

  constructor(scope: Construct, id: string, props: NianbaoStackProps = {}) {
    super(scope, id, props);
    const emailContext = this.node.tryGetContext("notificationEmails") as string | undefined;
    const notificationEmails = props.notificationEmails ?? emailContext?.split(",").map((e) => e.trim()).filter(Boolean);
    const environment = { [ENV.PARSER_VERSION]: PARSER_VERSION };

    this.buckets = new ReportBuckets(this, "Buckets");
    // The site (bucket + distribution) depends on nothing below, so its domain can be the
    // CORS origin of the ingest bucket and the API without a cycle; its files come last.
    const cloudFrontWebAclArn = this.node.tryGetContext("cloudFrontWebAclArn") as string | undefined;
    this.web = new WebSite(this, "Web", { accessLogsBucket: this.buckets.accessLogs, ...(cloudFrontWebAclArn ? { webAclArn: cloudFrontWebAclArn } : {}) });
    const webOrigin = props.webOrigin ?? (this.node.tryGetContext("webOrigin") as string | undefined) ?? this.web.url;
    this.buckets.allowBrowserOrigins([webOrigin]);
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
      // Only uploads start executions (the bucket holds nothing else today; a later prefix stays inert).
      keyPrefix: INGEST_PREFIX,
      environment,
    });
    this.api = new RecordsApi(this, "Api", {
      table: this.records.table,
      ingestBucket: this.buckets.ingest,
      allowedOrigin: webOrigin,
      environment,
    });
    this.exports = new ExportJobs(this, "Exports", { table: this.records.table, artifactsBucket: this.buckets.artifacts, environment });
    this.exports.grantStart(this.api.apiFunction);
    this.signIn = new WebSignIn(this, "SignIn", {
      webOrigins: [this.web.url, webOrigin],
      domainPrefix: cognitoDomainPrefix(this),
    });
    this.api.grantWebInvoke(this.signIn.authenticatedRole);
    this.web.publish({
      apiUrl: this.api.api.url,
      region: this.region,
      userPoolId: this.signIn.userPool.userPoolId,
      userPoolClientId: this.signIn.client.userPoolClientId,
      signInUrl: this.signIn.signInUrl,
      identityPoolId: this.signIn.identityPool.identityPoolId,
    });
    new CfnOutput(this, "WebUrl", { value: `${this.web.url}/`, description: "The web page (sign in with a user of the user pool)" });
    new CfnOutput(this, "UserPoolId", { value: this.signIn.userPool.userPoolId, description: "Create web users here (admin-create-user)" });

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
        { name: "Export", stateMachine: this.exports.stateMachine },
      ],
    });
  }
}

/**
 * `<stack name>-<account>` in lower case: the hosted UI's domain prefix, unique per account
 * and region. Cognito refuses "aws", "amazon" and "cognito" in it.
 */
function cognitoDomainPrefix(stack: Stack): string {
  const name = stack.stackName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, "")
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const account = Token.isUnresolved(stack.account) ? stack.account : stack.account.toLowerCase();
  return `${name || "nianbao"}-${account}`;
}

import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { KEY_PREFIXES } from "../../functions/shared/table-schema.ts";
import { XLSX_CONTENT_TYPE } from "../../functions/api/xlsx.ts";
import { acknowledge, nagArn, nagRef } from "../acknowledge.ts";
import { ENV, NianbaoFunction, bindBucket, bindTable } from "./nianbao-function.ts";

export interface RecordsApiProps {
  /** The records the API answers from (read-only). */
  readonly table: dynamodb.Table;
  /**
   * The bucket reports are uploaded to: the API presigns browser uploads (POST under
   * `uploadPrefix`) and downloads of a record's sources.
   * @default - no uploads or source downloads
   */
  readonly ingestBucket?: s3.Bucket;
  /**
   * Key prefix of browser uploads; the API may write only there.
   * @default "incoming/"
   */
  readonly uploadPrefix?: string;
  /**
   * The web origin allowed to call the API from a browser (CORS); requests still need
   * SigV4 signatures.
   * @default "http://localhost:3000"
   */
  readonly allowedOrigin?: string;
  /**
   * Stage name, the first path segment of the URL.
   * @default "v1"
   */
  readonly stageName?: string;
  /**
   * Steady-state requests per second before API Gateway throttles.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests one client address may send in five minutes before the WAF web ACL blocks it.
   * @default 1000
   */
  readonly rateLimitPerFiveMinutes?: number;
  /**
   * Concurrent executions reserved for (and the most allowed to) the API function, so a flood of
   * requests cannot starve the pipeline's functions, nor the pipeline the API.
   * @default 20
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the access log.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * Environment shared by every function.
   * @default - none beyond the function defaults and the bound resources
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A WAF web ACL that blocks a client address over `limit` requests in five minutes and requests
 * matching AWS's known-bad-inputs rules, with metrics for both. `REGIONAL` for API Gateway,
 * `CLOUDFRONT` (which must be made in us-east-1) for a distribution.
 */
export function rateLimitedWebAcl(scope: Construct, id: string, scopeName: "REGIONAL" | "CLOUDFRONT", limit: number): wafv2.CfnWebACL {
  const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
  return new wafv2.CfnWebACL(scope, id, {
    scope: scopeName,
    defaultAction: { allow: {} },
    visibilityConfig: visibility(`${id}`),
    rules: [
      {
        name: "RateLimitPerAddress",
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
        visibilityConfig: visibility(`${id}RateLimit`),
      },
      {
        name: "KnownBadInputs",
        priority: 1,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } },
        visibilityConfig: visibility(`${id}KnownBadInputs`),
      },
    ],
  });
}

/**
 * The query API: an API Gateway REST API whose every route (`/` and `/{proxy+}`) goes to
 * one Lambda (API Gateway proxy events), IAM-authorised (callers sign with SigV4), with an
 * access log, execution logging, X-Ray tracing, a request validator and CORS limited to
 * one web origin.
 *
 * @example
 * const api = new RecordsApi(this, "Api", { table: records.table, allowedOrigin: "https://nianbao.example.org" });
 */
export class RecordsApi extends Construct {
  /** The REST API. */
  public readonly api: apigw.RestApi;
  /** Answers every route. */
  public readonly apiFunction: NianbaoFunction;
  /** Access log of the stage. */
  public readonly accessLog: logs.LogGroup;
  /** Rate-limits each client address and drops known-bad inputs before they reach the API. */
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: RecordsApiProps) {
    super(scope, id);
    const allowedOrigin = props.allowedOrigin ?? "http://localhost:3000";
    const uploadPrefix = props.uploadPrefix ?? "incoming/";

    this.apiFunction = new NianbaoFunction(this, "Handler", {
      step: "api",
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: { ...props.environment, WEB_ORIGIN: allowedOrigin, UPLOAD_PREFIX: uploadPrefix },
      reservedConcurrentExecutions: props.reservedConcurrency ?? 20,
    });
    bindTable(this.apiFunction, props.table, "read");
    // Its writes: the per-caller upload counters (QUOTA# items) and the imported lists of bodies, nothing else of the table.
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:UpdateItem"],
        resources: [props.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.QUOTA}*`] } },
      }),
    );
    // And the imported lists of expected bodies (POST /registry/imports): one item per list under BODYLISTS.
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:PutItem"],
        resources: [props.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [KEY_PREFIXES.BODY_LISTS] } },
      }),
    );
    // And a reviewer's verdict (POST /reports/{id}/reviews): the record body and its REVIEW# item, and the
    // aggregates of /stats it changes, in one transaction.
    this.apiFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:UpdateItem", "dynamodb:PutItem"],
        resources: [props.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.REPORT}*`, `${KEY_PREFIXES.STATS}*`] } },
      }),
    );
    if (props.ingestBucket) {
      // Presigned URLs carry the signer's rights: read for source downloads, put only under the upload prefix.
      bindBucket(this.apiFunction, props.ingestBucket, "read", ENV.INGEST_BUCKET);
      props.ingestBucket.grantPut(this.apiFunction, `${uploadPrefix}*`);
      acknowledge(
        this.apiFunction.role ?? this.apiFunction,
        `AwsSolutions-IAM5[Resource::${nagArn(props.ingestBucket)}/${uploadPrefix}*]`,
        "Browser uploads get presigned POSTs for new keys under the upload prefix only; the keys are chosen per upload.",
      );
      acknowledge(
        this.apiFunction.role ?? this.apiFunction,
        "AwsSolutions-IAM5[Action::s3:Abort*]",
        "CDK's put grant includes aborting multipart uploads, limited to keys under the upload prefix.",
      );
    }

    this.accessLog = new logs.LogGroup(this, "AccessLog", {
      retention: props.accessLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigw.RestApi(this, "RestApi", {
      restApiName: "nianbao-records",
      description: "Validated records of government information disclosure annual reports",
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // GET /export.xlsx answers base64 (isBase64Encoded): a caller accepting this type gets the bytes.
      binaryMediaTypes: [XLSX_CONTENT_TYPE],
      // API Gateway needs an account-level role to write execution logs to CloudWatch.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      deployOptions: {
        stageName: props.stageName ?? "v1",
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLog),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: (props.throttlingRateLimit ?? 50) * 2,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [allowedOrigin],
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["Content-Type", "Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"],
        maxAge: Duration.hours(1),
      },
    });

    this.webAcl = rateLimitedWebAcl(this, "WebAcl", "REGIONAL", props.rateLimitPerFiveMinutes ?? 1000);
    new wafv2.CfnWebACLAssociation(this, "WebAclAssociation", {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // Errors API Gateway answers itself (403 for a bad signature, 429 when throttled) carry the
    // CORS header too, so the browser shows the real status instead of a CORS failure.
    for (const [id, type] of [
      ["Default4xx", apigw.ResponseType.DEFAULT_4XX],
      ["Default5xx", apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders: { "Access-Control-Allow-Origin": `'${allowedOrigin}'`, Vary: "'Origin'" },
      });
    }

    const validator = this.api.addRequestValidator("Validator", {
      requestValidatorName: "parameters-and-body",
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const methodOptions: apigw.MethodOptions = {
      authorizationType: apigw.AuthorizationType.IAM,
      requestValidator: validator,
    };
    const integration = new apigw.LambdaIntegration(this.apiFunction, { proxy: true });
    this.api.root.addMethod("ANY", integration, methodOptions);
    // The method is added explicitly: addProxy's own ANY method drops the request validator.
    const proxy = this.api.root.addProxy({ anyMethod: false });
    proxy.addMethod("ANY", integration, methodOptions);

    this.acknowledgeFindings();
  }

  /**
   * Lets `role` call the routes the web page uses, signed with SigV4: every GET (the
   * queries, the template, the OpenAPI document, CSV export, presigned source downloads),
   * `POST /uploads`, a review (`POST /reports/{id}/reviews`) and `POST /exports` (export jobs). Nothing else (e.g. no other POST).
   *
   * @example
   * api.grantWebInvoke(signIn.authenticatedRole);
   */
  public grantWebInvoke(role: iam.IRole): iam.Grant {
    const stage = this.api.deploymentStage.stageName;
    const grant = iam.Grant.addToPrincipal({
      grantee: role,
      actions: ["execute-api:Invoke"],
      resourceArns: [
        this.api.arnForExecuteApi("GET", "/*", stage),
        this.api.arnForExecuteApi("POST", "/uploads", stage),
        this.api.arnForExecuteApi("POST", "/reports/*/reviews", stage),
        this.api.arnForExecuteApi("POST", "/exports", stage),
      ],
    });
    const apiId = nagRef(this.api);
    const stageId = nagRef(this.api.deploymentStage);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/${stageId}/POST/reports/*/reviews]`,
      "A signed-in reviewer may review any report's findings; the report id is the path segment, and the caller's identity is recorded with each verdict.",
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/${stageId}/GET/*]`,
      "The page reads every GET route of the records API (lists, reports, series, comparisons, stats, export); all are reads of the same records.",
    );
    return grant;
  }

  private acknowledgeFindings(): void {
    // cdk-nag leaves the CORS preflight (OPTIONS) alone; the others are signed with SigV4.
    for (const method of this.api.methods) {
      if (method.httpMethod === "OPTIONS") continue;
      acknowledge(
        method,
        "AwsSolutions-COG4",
        "Authorised with AWS_IAM (SigV4): callers are roles and users of the account (the CLI, other services, web clients through a Cognito identity pool), not a Cognito user pool.",
      );
    }
    acknowledge(
      this.api,
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
      "API Gateway's account-level logging role: AWS's managed policy is the documented one and allows only CloudWatch Logs writes.",
    );
  }
}

import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CfnElement, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { KEY_PREFIXES, TABLE_INDEXES, TABLE_KEYS, TIME_TO_LIVE_ATTRIBUTE } from "../../functions/shared/table-schema.ts";
import { PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";
import { NianbaoStack } from "../../lib/nianbao-stack.ts";
import { PARSER_VERSION } from "../../functions/report/index.ts";
import { REPROCESS_STATES } from "../../lib/reprocess-workflow.ts";
import { EXPORT_STATES } from "../../lib/export-workflow.ts";
import { RETRYABLE_ERRORS, THROTTLE_RETRY_POLICY, WORKFLOW_STATES } from "../../lib/workflow.ts";
import { OCR_CONCURRENCY } from "../../lib/constructs/report-workflow.ts";
import { createApp, readDefinitionOf, readStateMachineDefinition, type StateMachineJson } from "./synth.ts";

const WEB_ORIGIN = "https://nianbao.example.org";
const run = promisify(execFile);

let stack: NianbaoStack;
let template: Template;
let definition: StateMachineJson;
let assemblyDir: string;

/** The CloudFormation logical id of an L2 construct's resource. */
function logicalId(construct: IConstruct): string {
  const element = construct.node.defaultChild as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}

function resourcesOf(type: string): Array<Record<string, any>> {
  return Object.values(template.findResources(type)) as Array<Record<string, any>>;
}

/** Policy statements attached to a role (by the role's logical id). */
function statementsOfRole(roleLogicalId: string): Array<Record<string, any>> {
  return resourcesOf("AWS::IAM::Policy")
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
}

function actionsOf(statements: Array<Record<string, any>>): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]) as string[]);
}

beforeAll(() => {
  // Synthesised once, with real esbuild bundling of every handler (what `cdk synth` does).
  const app = createApp();
  stack = new NianbaoStack(app, "NianbaoTest", { webOrigin: WEB_ORIGIN });
  template = Template.fromStack(stack);
  definition = readStateMachineDefinition(template);
  assemblyDir = app.synth().directory;
});

describe("Lambda functions", () => {
  it("run every handler on arm64 (Ocr on x86_64, its ONNX Runtime and canvas builds) with the newest Node.js runtime, active tracing and their own log group", () => {
    const ours = resourcesOf("AWS::Lambda::Function").filter((f) => String(f.Properties.Runtime).startsWith("nodejs"));
    const expected = stack.workflow.taskFunctions().length + 4; // + ingest, api, reprocess select and export
    expect(ours).toHaveLength(expected);
    for (const fn of ours) {
      expect(fn.Properties.Architectures).toEqual([fn.Properties.Description === "nianbao ocr" ? "x86_64" : "arm64"]);
      const major = Number(/^nodejs(\d+)\.x$/.exec(fn.Properties.Runtime)?.[1]);
      expect(major).toBeGreaterThanOrEqual(22);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: "Active" });
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
      expect(fn.Properties.Handler).toBe("index.handler");
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: "nianbao",
        LOG_LEVEL: "INFO",
        PARSER_VERSION: expect.any(String),
      });
    }
  });

  it("bundles every handler into a module that loads on its own and exports handler", async () => {
    // Each bundle is copied out of the repository; only the AWS SDK v3 is put beside it, as the
    // Lambda runtime provides it. A dependency esbuild could not bundle fails the import here.
    const fns = resourcesOf("AWS::Lambda::Function").filter((f) => String(f.Properties.Runtime).startsWith("nodejs"));
    const workDir = mkdtempSync(join(tmpdir(), "nianbao-bundles-"));
    try {
      const loaded = await Promise.all(
        fns.map(async (fn) => {
          const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, "");
          const dir = join(workDir, hash);
          cpSync(join(assemblyDir, `asset.${hash}`), dir, { recursive: true });
          mkdirSync(join(dir, "node_modules"), { recursive: true });
          symlinkSync(join(PROJECT_ROOT, "node_modules", "@aws-sdk"), join(dir, "node_modules", "@aws-sdk"));
          const script = `const m = await import("./index.mjs"); process.stdout.write(typeof m.handler);`;
          const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: dir });
          return [fn.Properties.Description, stdout];
        }),
      );
      expect(loaded).toEqual(fns.map((fn) => [fn.Properties.Description, "function"]));
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("gives every function log group a retention", () => {
    const groups = resourcesOf("AWS::Logs::LogGroup");
    expect(groups.length).toBeGreaterThanOrEqual(7);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it("uses no AWS managed policy on function roles (logs go only to the function's own group)", () => {
    for (const fn of stack.workflow.taskFunctions()) {
      const role = template.toJSON().Resources[logicalId(fn.role!)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const logStatements = statementsOfRole(logicalId(fn.role!)).filter((s) => actionsOf([s]).some((a) => a.startsWith("logs:")));
      expect(logStatements).toHaveLength(1);
      expect(logStatements[0]!.Resource).toEqual({ "Fn::GetAtt": [logicalId(fn.logGroup), "Arn"] });
    }
  });

  it("grants each step only what it uses", () => {
    const w = stack.workflow;
    const actions = (fn: { role?: IConstruct }) => new Set(actionsOf(statementsOfRole(logicalId(fn.role!))));
    expect(actions(w.storeFunction)).toContain("dynamodb:PutItem");
    expect(actions(w.storeFunction)).not.toContain("sns:Publish");
    expect(actions(w.notifyFunction)).toContain("sns:Publish");
    expect([...actions(w.notifyFunction)].some((a) => a.startsWith("dynamodb:") || a.startsWith("s3:"))).toBe(false);
    // Extract and Parse touch the table only to mark their progress: UpdateItem on PROGRESS# keys alone.
    for (const fn of [w.extractFunction, w.parseFunction]) {
      const tableStatements = statementsOfRole(logicalId(fn.role!)).filter((s) => actionsOf([s]).some((a) => a.startsWith("dynamodb:")));
      expect(tableStatements).toHaveLength(1);
      expect(tableStatements[0]).toMatchObject({
        Action: "dynamodb:UpdateItem",
        Resource: { "Fn::GetAtt": [logicalId(stack.records.table), "Arn"] },
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.PROGRESS}*`] } },
      });
    }
    // Store, RecordFailure and Ocr: one statement each on the table's own items (Store and
    // RecordFailure also the STATS# aggregates their transactions update), limited to the
    // partition keys of the items they own, no DeleteItem/BatchWriteItem beyond what they use.
    const table = { "Fn::GetAtt": [logicalId(stack.records.table), "Arn"] };
    const owned: Array<[IConstruct & { role?: IConstruct }, string[], string[]]> = [
      [w.storeFunction, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], [`${KEY_PREFIXES.REPORT}*`, `${KEY_PREFIXES.STATS}*`, `${KEY_PREFIXES.AGENCY}*`, KEY_PREFIXES.AGENCY_LISTING, `${KEY_PREFIXES.AGENCY_NAME}*`, `${KEY_PREFIXES.PROGRESS}*`]],
      [w.recordFailureFunction, ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], [`${KEY_PREFIXES.REPORT}*`, `${KEY_PREFIXES.STATS}*`, `${KEY_PREFIXES.PROGRESS}*`]],
      [w.ocrFunction, ["dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], [`${KEY_PREFIXES.LIMITER}*`, `${KEY_PREFIXES.PROGRESS}*`]],
    ];
    for (const [fn, wanted, keys] of owned) {
      const tableStatements = statementsOfRole(logicalId(fn.role!)).filter((st) => actionsOf([st]).some((a) => a.startsWith("dynamodb:")));
      expect(tableStatements, fn.node.path).toHaveLength(1);
      expect([...actionsOf(tableStatements)].sort(), fn.node.path).toEqual(wanted);
      expect(tableStatements[0]).toMatchObject({ Resource: table, Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": keys } } });
    }
    expect(actions(stack.api.apiFunction)).toContain("dynamodb:GetItem");
    expect([...actions(w.crossYearFunction)].filter((a) => a.startsWith("dynamodb:")).sort()).toEqual(["dynamodb:Query", "dynamodb:UpdateItem"]);
    expect([...actions(w.crossYearFunction)].some((a) => a.startsWith("s3:") || a.startsWith("sns:"))).toBe(false);
    expect(actions(stack.api.apiFunction)).toContain("dynamodb:Query");
    // The API writes only its per-caller upload counters, the imported lists of bodies and reviews (record, REVIEW# item, aggregates).
    const apiWrites = statementsOfRole(logicalId(stack.api.apiFunction.role!)).filter((st) => actionsOf([st]).some((a) => a === "dynamodb:UpdateItem" || a === "dynamodb:PutItem"));
    expect(apiWrites).toEqual([
      expect.objectContaining({ Action: "dynamodb:UpdateItem", Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.QUOTA}*`] } } }),
      expect.objectContaining({ Action: "dynamodb:PutItem", Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [KEY_PREFIXES.BODY_LISTS] } } }),
      expect.objectContaining({
        Action: ["dynamodb:UpdateItem", "dynamodb:PutItem"],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.REPORT}*`, `${KEY_PREFIXES.STATS}*`] } },
      }),
      // and its export jobs' items (POST /exports creates them, fails one that does not start)
      expect.objectContaining({ Action: ["dynamodb:PutItem", "dynamodb:UpdateItem"], Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.EXPORT}*`] } } }),
    ]);
    // No function may Scan: every query has an index.
    for (const fn of [...w.taskFunctions(), stack.api.apiFunction, stack.ingest.ingestFunction]) {
      expect(actions(fn)).not.toContain("dynamodb:Scan");
    }
    expect(actions(stack.ingest.ingestFunction)).toContain("states:StartExecution");
    // Only the Ocr step calls Textract (and holds the OCR limiter's slots in the table).
    expect([...actions(w.ocrFunction)]).toEqual(expect.arrayContaining(["textract:AnalyzeDocument", "textract:StartDocumentAnalysis", "textract:GetDocumentAnalysis", "dynamodb:UpdateItem"]));
    for (const fn of w.taskFunctions().filter((f) => f !== w.ocrFunction)) {
      expect([...actions(fn)].some((a) => a.startsWith("textract:"))).toBe(false);
    }
  });

  it("tells each function the names it reads", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao store",
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: logicalId(stack.records.table) },
          ARTIFACTS_BUCKET: { Ref: logicalId(stack.buckets.artifacts) },
        }),
      },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao ingest",
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: { Ref: logicalId(stack.workflow.stateMachine) } }) },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao ocr",
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({ TABLE_NAME: { Ref: logicalId(stack.records.table) }, OCR_TIMEOUT_SECONDS: "660" }),
      },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao notify",
      Environment: { Variables: Match.objectLike({ TOPIC_ARN: { Ref: logicalId(stack.notifications.topic) } }) },
    });
  });
});

describe("state machine", () => {
  it("is a STANDARD state machine logging ALL with execution data, traced by X-Ray", () => {
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      StateMachineType: "STANDARD",
      LoggingConfiguration: {
        Level: "ALL",
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [logicalId(stack.workflow.logGroup), "Arn"] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it("invokes each step's function by its ARN", () => {
    const w = stack.workflow;
    const expected: Record<string, IConstruct> = {
      [WORKFLOW_STATES.EXTRACT]: w.extractFunction,
      [WORKFLOW_STATES.PARSE]: w.parseFunction,
      [WORKFLOW_STATES.STORE]: w.storeFunction,
      [WORKFLOW_STATES.CROSS_YEAR]: w.crossYearFunction,
      [WORKFLOW_STATES.RECORD_FAILURE]: w.recordFailureFunction,
      [WORKFLOW_STATES.NOTIFY]: w.notifyFunction,
      [WORKFLOW_STATES.OCR]: w.ocrFunction,
    };
    for (const [state, fn] of Object.entries(expected)) {
      expect(definition.States[state]?.Resource).toBe(`{{${logicalId(fn)}.Arn}}`);
    }
    expect(definition.StartAt).toBe(WORKFLOW_STATES.EXTRACT);
  });

  it("retries transient errors on every Task with exponential backoff and full jitter, a throttled function first and longest", () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === "Task");
    expect(tasks.length).toBeGreaterThanOrEqual(5);
    for (const [name, state] of tasks) {
      const [throttled, transient] = state.Retry ?? [];
      expect(throttled, name).toEqual({ ErrorEquals: ["Lambda.TooManyRequestsException"], ...THROTTLE_RETRY_POLICY });
      expect(transient, name).toBeDefined();
      expect(transient!.ErrorEquals).toEqual(expect.arrayContaining([...RETRYABLE_ERRORS]));
      expect(transient!.BackoffRate).toBeGreaterThan(1);
      expect(transient!.JitterStrategy).toBe("FULL");
      expect(transient!.MaxAttempts).toBeGreaterThan(1);
    }
  });

  it("catches every error of the work Tasks into RecordFailure, which leads to Notify", () => {
    // CrossYear runs on a stored record: its failures go on to the notification choice instead.
    const failurePath = new Set<string>([WORKFLOW_STATES.RECORD_FAILURE, WORKFLOW_STATES.NOTIFY, WORKFLOW_STATES.CROSS_YEAR]);
    const workTasks = Object.entries(definition.States).filter(([name, s]) => s.Type === "Task" && !failurePath.has(name));
    expect(workTasks.map(([name]) => name)).toEqual(expect.arrayContaining([WORKFLOW_STATES.EXTRACT, WORKFLOW_STATES.PARSE, WORKFLOW_STATES.STORE]));
    for (const [name, state] of workTasks) {
      expect(state.Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: WORKFLOW_STATES.RECORD_FAILURE })]);
    }
    const afterFailure = definition.States[definition.States[WORKFLOW_STATES.RECORD_FAILURE]!.Next!]!;
    expect(afterFailure.Type).toBe("Choice");
    expect(afterFailure.Choices!.map((c) => c.Next)).toContain(WORKFLOW_STATES.NOTIFY);
    expect(definition.States[WORKFLOW_STATES.STORE]!.Next).toBe(WORKFLOW_STATES.CROSS_YEAR);
    expect(definition.States[WORKFLOW_STATES.CROSS_YEAR]!.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ["States.ALL"], Next: definition.States[WORKFLOW_STATES.RECORD_FAILURE]!.Next }),
    ]);
  });

  it("may invoke exactly the step functions", () => {
    const roleId = logicalId(stack.workflow.stateMachine.role);
    const invokeResources = statementsOfRole(roleId)
      .filter((s) => actionsOf([s]).includes("lambda:InvokeFunction"))
      .flatMap((s) => s.Resource as unknown[]);
    const fnIds = stack.workflow.taskFunctions().map(logicalId).sort();
    const invoked = [...new Set(invokeResources.map((r) => JSON.stringify(r).match(/"([A-Za-z0-9]+)","Arn"/)?.[1]))].sort();
    expect(invoked).toEqual(fnIds);
  });
});

describe("ingest bucket and queue", () => {
  it("versions, encrypts, blocks public access and logs the ingest bucket", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.buckets.accessLogs) }, LogFilePrefix: "ingest/" },
    });
  });

  it("expires intermediates after 30 days and what OCR read after 400, by prefix", () => {
    const artifacts = template.toJSON().Resources[logicalId(stack.buckets.artifacts)];
    const rules = artifacts.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Prefix: "artifacts/", ExpirationInDays: 30, Status: "Enabled" }),
        expect.objectContaining({ Prefix: "ocr-cache/", ExpirationInDays: 400, Status: "Enabled" }),
        expect.objectContaining({ Prefix: "exports/", ExpirationInDays: 7, Status: "Enabled" }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      ]),
    );
    // No rule without a prefix expires current objects: the cache would go with the intermediates.
    expect(rules.filter((r) => r.ExpirationInDays !== undefined && r.Prefix === undefined)).toEqual([]);
  });

  it("denies every request without TLS on every bucket", () => {
    template.resourceCountIs("AWS::S3::Bucket", 4);
    const policies = resourcesOf("AWS::S3::BucketPolicy");
    const buckets = [stack.buckets.ingest, stack.buckets.artifacts, stack.buckets.accessLogs, stack.web.bucket].map(logicalId);
    for (const bucketId of buckets) {
      const policy = policies.find((p) => p.Properties.Bucket.Ref === bucketId);
      expect(policy, bucketId).toBeDefined();
      expect(policy!.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      );
    }
  });

  it("sends object-created events to an encrypted, TLS-only queue with a dead-letter queue", () => {
    template.hasResourceProperties("Custom::S3BucketNotifications", {
      BucketName: { Ref: logicalId(stack.buckets.ingest) },
      NotificationConfiguration: {
        // Only uploads under incoming/ start executions.
        QueueConfigurations: [
          {
            Events: ["s3:ObjectCreated:*"],
            Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "incoming/" }] } },
            QueueArn: { "Fn::GetAtt": [logicalId(stack.ingest.queue), "Arn"] },
          },
        ],
      },
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [logicalId(stack.ingest.deadLetterQueue), "Arn"] }, maxReceiveCount: 5 },
    });
    const queuePolicies = resourcesOf("AWS::SQS::QueuePolicy");
    const statements = queuePolicies.flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        expect.objectContaining({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: expect.arrayContaining(["sqs:SendMessage"]) }),
      ]),
    );
  });

  it("puts the API behind a rate-limited WAF web ACL and reserves the API function's concurrency", () => {
    const acls = Object.entries(template.findResources("AWS::WAFv2::WebACL"));
    expect(acls).toHaveLength(1);
    const [aclId, acl] = acls[0]! as [string, Record<string, any>];
    expect(acl.Properties.Scope).toBe("REGIONAL");
    expect(acl.Properties.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: "RateLimitPerAddress", Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: "IP", EvaluationWindowSec: 300 } } }),
        expect.objectContaining({ Name: "KnownBadInputs", Statement: { ManagedRuleGroupStatement: { VendorName: "AWS", Name: "AWSManagedRulesKnownBadInputsRuleSet" } } }),
      ]),
    );
    const associations = resourcesOf("AWS::WAFv2::WebACLAssociation");
    expect(associations).toHaveLength(1);
    const association = associations[0]!;
    expect(association.Properties.WebACLArn).toEqual({ "Fn::GetAtt": [aclId, "Arn"] });
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(logicalId(stack.api.api.deploymentStage));
    template.hasResourceProperties("AWS::Lambda::Function", {
      FunctionName: Match.absent(),
      ReservedConcurrentExecutions: 20,
      Environment: Match.objectLike({ Variables: Match.objectLike({ UPLOAD_PREFIX: "incoming/" }) }),
    });
  });

  it("hands the queue to the ingest function with per-message failure reporting, at most 5 invocations at once", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [logicalId(stack.ingest.queue), "Arn"] },
      FunctionName: { Ref: logicalId(stack.ingest.ingestFunction) },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it("bounds the OCR jobs running at once: the Ocr function's reserved concurrency and its limiter's slots, both OCR_CONCURRENCY (4)", () => {
    expect(OCR_CONCURRENCY).toBe(4);
    const ocr = template.toJSON().Resources[logicalId(stack.workflow.ocrFunction)];
    expect(ocr.Properties.ReservedConcurrentExecutions).toBe(OCR_CONCURRENCY);
    expect(ocr.Properties.Environment.Variables.OCR_MAX_CONCURRENCY).toBe(String(OCR_CONCURRENCY));
    // No other pipeline function reserves concurrency (only the API's 20 and the Ocr function's 4 are taken from the account).
    const reserved = resourcesOf("AWS::Lambda::Function")
      .map((f) => f.Properties.ReservedConcurrentExecutions)
      .filter((n) => n !== undefined)
      .sort((a, b) => a - b);
    expect(reserved).toEqual([OCR_CONCURRENCY, 20]);
    // Both state machines invoke this one function for OCR, so the bound holds for reprocessing too.
    const reprocess = readDefinitionOf(template.toJSON().Resources[logicalId(stack.reprocess.stateMachine)]);
    const inner = (reprocess.States[REPROCESS_STATES.REPROCESS] as unknown as { ItemProcessor: StateMachineJson }).ItemProcessor;
    expect(inner.States[WORKFLOW_STATES.OCR]?.Resource).toBe(`{{${logicalId(stack.workflow.ocrFunction)}.Arn}}`);
    expect(definition.States[WORKFLOW_STATES.OCR]?.Resource).toBe(`{{${logicalId(stack.workflow.ocrFunction)}.Arn}}`);
  });
});

describe("records table", () => {
  it("is on-demand with point-in-time recovery and the shared key design", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: TABLE_KEYS.PARTITION_KEY.name, KeyType: "HASH" },
        { AttributeName: TABLE_KEYS.SORT_KEY.name, KeyType: "RANGE" },
      ],
    });
  });

  it("expires items by the shared TTL attribute (workflow progress)", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      TimeToLiveSpecification: { AttributeName: TIME_TO_LIVE_ATTRIBUTE, Enabled: true },
    });
  });

  it("has one index per query: agency and year, status, parser version", () => {
    const table = resourcesOf("AWS::DynamoDB::Table")[0]!;
    const indexes = table.Properties.GlobalSecondaryIndexes as Array<Record<string, any>>;
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(["byAgencyYear", "byParserVersion", "byStatus"]);
    const attributes = Object.fromEntries(
      (table.Properties.AttributeDefinitions as Array<{ AttributeName: string; AttributeType: string }>).map((a) => [a.AttributeName, a.AttributeType]),
    );
    for (const index of Object.values(TABLE_INDEXES)) {
      const gsi = indexes.find((i) => i.IndexName === index.indexName)!;
      expect(gsi.KeySchema).toEqual([
        { AttributeName: index.partitionKey.name, KeyType: "HASH" },
        { AttributeName: index.sortKey.name, KeyType: "RANGE" },
      ]);
      expect(attributes[index.partitionKey.name]).toBe(index.partitionKey.type);
      expect(attributes[index.sortKey.name]).toBe(index.sortKey.type);
    }
    expect(attributes.year).toBe("N");
  });
});

describe("notifications", () => {
  it("encrypts the topic with a rotated KMS key and denies publishing without TLS", () => {
    template.hasResourceProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: { "Fn::GetAtt": [logicalId(stack.notifications.masterKey), "Arn"] },
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("lets the notify function publish through the key", () => {
    const statements = statementsOfRole(logicalId(stack.workflow.notifyFunction.role!));
    const kms = statements.find((s) => actionsOf([s]).includes("kms:GenerateDataKey*"));
    expect(kms?.Resource).toEqual({ "Fn::GetAtt": [logicalId(stack.notifications.masterKey), "Arn"] });
  });

  it("alarms on the topic for dead-lettered uploads and failed or timed-out executions", () => {
    const alarms = resourcesOf("AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: logicalId(stack.notifications.topic) }]);
      expect(alarm.Properties.Threshold).toBe(1);
    }
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(stack.ingest.deadLetterQueue), "QueueName"] } }],
    });
    for (const machine of [stack.workflow.stateMachine, stack.reprocess.stateMachine, stack.exports.stateMachine]) {
      for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", {
          MetricName: metric,
          Dimensions: [{ Name: "StateMachineArn", Value: { Ref: logicalId(machine) } }],
        });
      }
    }
    const keyPolicy = template.toJSON().Resources[logicalId(stack.notifications.masterKey)].Properties.KeyPolicy;
    expect(keyPolicy.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Principal: { Service: "cloudwatch.amazonaws.com" } })]),
    );
  });
});

describe("API", () => {
  it("requires AWS_IAM and the request validator on every method but the CORS preflight", () => {
    const methods = resourcesOf("AWS::ApiGateway::Method");
    const real = methods.filter((m) => m.Properties.HttpMethod !== "OPTIONS");
    expect(real.map((m) => m.Properties.HttpMethod)).toEqual(["ANY", "ANY"]);
    for (const method of real) {
      expect(method.Properties.AuthorizationType).toBe("AWS_IAM");
      expect(method.Properties.RequestValidatorId).toEqual({ Ref: expect.stringMatching(/Validator/) });
      expect(method.Properties.Integration).toMatchObject({ Type: "AWS_PROXY", IntegrationHttpMethod: "POST" });
    }
    template.hasResourceProperties("AWS::ApiGateway::RequestValidator", {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it("allows only the configured web origin", () => {
    const preflights = resourcesOf("AWS::ApiGateway::Method").filter((m) => m.Properties.HttpMethod === "OPTIONS");
    expect(preflights.length).toBeGreaterThan(0);
    for (const method of preflights) {
      const headers = method.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers["method.response.header.Access-Control-Allow-Origin"]).toBe(`'${WEB_ORIGIN}'`);
    }
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
      template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
        ResponseType: type,
        ResponseParameters: Match.objectLike({ "gatewayresponse.header.Access-Control-Allow-Origin": `'${WEB_ORIGIN}'` }),
      });
    }
  });

  it("lets the API presign uploads only under incoming/ and tells it the web origin", () => {
    const apiRole = logicalId(stack.api.apiFunction.role!);
    const puts = statementsOfRole(apiRole).filter((s) => actionsOf([s]).includes("s3:PutObject"));
    expect(puts).toHaveLength(1);
    expect(JSON.stringify(puts[0]!.Resource)).toBe(
      JSON.stringify({ "Fn::Join": ["", [{ "Fn::GetAtt": [logicalId(stack.buckets.ingest), "Arn"] }, "/incoming/*"]] }),
    );
    expect(actionsOf(statementsOfRole(apiRole))).not.toContain("s3:DeleteObject*");
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao api",
      Environment: {
        Variables: Match.objectLike({ WEB_ORIGIN: WEB_ORIGIN, UPLOAD_PREFIX: "incoming/", INGEST_BUCKET: { Ref: logicalId(stack.buckets.ingest) } }),
      },
    });
    template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [WEB_ORIGIN], AllowedMethods: ["POST", "GET"] })] },
    });
  });

  it("logs access and execution, traces with X-Ray and throttles the stage", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      AccessLogSetting: { DestinationArn: { "Fn::GetAtt": [logicalId(stack.api.accessLog), "Arn"] }, Format: Match.anyValue() },
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({ HttpMethod: "*", ResourcePath: "/*", LoggingLevel: "INFO", ThrottlingRateLimit: 50 }),
      ],
    });
  });
});

describe("reprocess schedule", () => {
  it("starts the reprocess state machine daily for the records of older parser versions", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "cron(0 3 * * ? *)",
      State: "ENABLED",
      Targets: [Match.objectLike({ Arn: { Ref: logicalId(stack.reprocess.stateMachine) }, Input: JSON.stringify({ olderThan: PARSER_VERSION }) })],
    });
  });

  it("selects with the Select Lambda, then runs the pipeline's own Tasks in a Distributed Map over the manifest", () => {
    const machines = resourcesOf("AWS::StepFunctions::StateMachine");
    expect(machines).toHaveLength(3); // the pipeline, reprocess and export jobs
    const reprocess = template.toJSON().Resources[logicalId(stack.reprocess.stateMachine)];
    const parsed = readDefinitionOf(reprocess);
    const select = parsed.States[REPROCESS_STATES.SELECT]!;
    expect(select.Resource).toBe(`{{${logicalId(stack.reprocess.selectFunction)}.Arn}}`);
    const map = parsed.States[REPROCESS_STATES.REPROCESS] as unknown as {
      ItemReader: { Resource: string };
      ItemProcessor: { ProcessorConfig: { Mode: string }; States: StateMachineJson["States"] };
    };
    expect(map.ItemReader.Resource).toBe("arn:aws:states:::s3:getObject");
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe("DISTRIBUTED");
    // The same functions as the pipeline, with the same Retry/Catch.
    expect(map.ItemProcessor.States[WORKFLOW_STATES.EXTRACT]).toEqual(definition.States[WORKFLOW_STATES.EXTRACT]);
    expect(map.ItemProcessor.States[WORKFLOW_STATES.STORE]).toEqual(definition.States[WORKFLOW_STATES.STORE]);
  });
});

describe("export jobs", () => {
  const table = () => ({ "Fn::GetAtt": [logicalId(stack.records.table), "Arn"] });
  const underExports = () => ({ "Fn::Join": ["", [{ "Fn::GetAtt": [logicalId(stack.buckets.artifacts), "Arn"] }, "/exports/*"]] });
  const exportKeys = { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIXES.EXPORT}*`] } };

  it("lets the Export function write only under exports/, read the table and update only export job items", () => {
    const statements = statementsOfRole(logicalId(stack.exports.exportFunction.role!));
    const s3 = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith("s3:")));
    expect(s3).toEqual([expect.objectContaining({ Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: underExports() })]);
    const writes = statements.filter((st) => actionsOf([st]).some((a) => ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"].includes(a)));
    expect(writes).toEqual([expect.objectContaining({ Action: "dynamodb:UpdateItem", Resource: table(), Condition: exportKeys })]);
    const actions = actionsOf(statements);
    expect(actions).toEqual(expect.arrayContaining(["dynamodb:GetItem", "dynamodb:Query"]));
    expect(actions).not.toContain("dynamodb:Scan");
    expect(actions.some((a) => a.startsWith("sns:") || a.startsWith("states:") || a.startsWith("textract:"))).toBe(false);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao export",
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ TABLE_NAME: { Ref: logicalId(stack.records.table) }, ARTIFACTS_BUCKET: { Ref: logicalId(stack.buckets.artifacts) } }) },
    });
  });

  it("runs the Export function from its own logged, traced state machine whose Catch marks the job FAILED", () => {
    const exportDefinition = readStateMachineDefinition(template, "Exports");
    const fnArn = `{{${logicalId(stack.exports.exportFunction)}.Arn}}`;
    expect(exportDefinition.StartAt).toBe(EXPORT_STATES.EXPORT);
    expect(exportDefinition.States[EXPORT_STATES.EXPORT]).toMatchObject({ Resource: fnArn, Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: EXPORT_STATES.FAILED }] });
    expect(exportDefinition.States[EXPORT_STATES.FAILED]).toMatchObject({ Resource: fnArn, End: true });
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      LoggingConfiguration: Match.objectLike({ Level: "ALL", Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { "Fn::GetAtt": [logicalId(stack.exports.logGroup), "Arn"] } } }] }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it("lets the API start the jobs, presign only their files, and the web page POST /exports", () => {
    const statements = statementsOfRole(logicalId(stack.api.apiFunction.role!));
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: "states:StartExecution", Resource: { Ref: logicalId(stack.exports.stateMachine) } }),
        expect.objectContaining({ Action: "s3:GetObject", Resource: underExports() }),
      ]),
    );
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "nianbao api",
      Environment: { Variables: Match.objectLike({ EXPORT_STATE_MACHINE_ARN: { Ref: logicalId(stack.exports.stateMachine) }, ARTIFACTS_BUCKET: { Ref: logicalId(stack.buckets.artifacts) } }) },
    });
    const webStatements = statementsOfRole(logicalId(stack.signIn.authenticatedRole)).filter((st) => actionsOf([st]).includes("execute-api:Invoke"));
    expect(JSON.stringify(webStatements)).toContain("/POST/exports");
  });
});

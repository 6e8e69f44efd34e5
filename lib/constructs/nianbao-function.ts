import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { acknowledge, nagArn } from "../acknowledge.ts";
import { OCR_ARCHITECTURE, OCR_EXTERNAL_MODULES, ocrRuntimeCommands } from "./ocr-bundling.ts";

const requireFromHere = createRequire(import.meta.url);

/** The repository root: NodejsFunction's projectRoot, where package-lock.json and functions/ live. */
export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Lambda runtime of every function: the newest Node.js that aws-cdk-lib knows (cdk-nag AwsSolutions-L1). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Environment variable names the handlers read (functions/shared/config.ts is the reader). */
export const ENV = {
  TABLE_NAME: "TABLE_NAME",
  INGEST_BUCKET: "INGEST_BUCKET",
  ARTIFACTS_BUCKET: "ARTIFACTS_BUCKET",
  TOPIC_ARN: "TOPIC_ARN",
  STATE_MACHINE_ARN: "STATE_MACHINE_ARN",
  PARSER_VERSION: "PARSER_VERSION",
  POWERTOOLS_SERVICE_NAME: "POWERTOOLS_SERVICE_NAME",
  LOG_LEVEL: "LOG_LEVEL",
} as const;

/**
 * The folder of each step under `functions/steps/`, numbered in the order a report meets them
 * (lib/workflow.ts); the reprocess workflow's Select step comes last.
 */
export const STEP_FOLDERS = {
  ingest: "01-ingest",
  extract: "02-extract",
  ocr: "03-ocr",
  parse: "04-parse",
  store: "05-store",
  "cross-year": "06-cross-year",
  notify: "07-notify",
  "record-failure": "08-record-failure",
  reprocess: "09-reprocess",
  export: "10-export",
} as const;

/**
 * Path of a function's handler entry file under the project root: `functions/steps/<nn-step>/handler.ts`
 * for a workflow step, `functions/<name>/handler.ts` otherwise (the API).
 */
export function handlerEntry(step: string): string {
  const folder = STEP_FOLDERS[step as keyof typeof STEP_FOLDERS];
  return folder ? join(PROJECT_ROOT, "functions", "steps", folder, "handler.ts") : join(PROJECT_ROOT, "functions", step, "handler.ts");
}

export interface NianbaoFunctionProps {
  /**
   * The step whose handler this function runs (see `handlerEntry`), export `handler`.
   */
  readonly step: string;

  /**
   * The handler entry file, when it is not the step's own (tests bundle fixtures this way).
   * @default - `handlerEntry(step)`
   */
  readonly entry?: string;

  /**
   * What the function does, shown in the Lambda console.
   * @default - "nianbao <step>"
   */
  readonly description?: string;

  /**
   * Memory in MiB (CPU scales with it; parsing large PDFs wants more).
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Invocation timeout.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * Extra environment variables, merged over the defaults (POWERTOOLS_SERVICE_NAME, LOG_LEVEL).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Powertools logger level.
   * @default "INFO"
   */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";

  /**
   * Powertools service name, the `service` key of every log line.
   * @default "nianbao"
   */
  readonly serviceName?: string;

  /**
   * Whether the handler reads PDFs with pdf.js: the bundle then gets pdf.js's worker module, its
   * CMaps (CJK fonts that are not embedded), standard fonts and wasm decoders, plus a DOMMatrix.
   * @default false
   */
  readonly readsPdf?: boolean;

  /**
   * Whether the handler reads scans with PaddleOCR: the asset then carries ONNX Runtime and the
   * canvas addon for linux-x64 and the PP-OCRv4 models (./ocr-bundling.ts), and the function
   * runs on x86_64 (the architecture of those binaries).
   * @default false
   */
  readonly readsScans?: boolean;

  /**
   * Reserved concurrency (caps parallel executions, e.g. to protect downstream services).
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The house Lambda function: NodejsFunction bundled by the local esbuild (no Docker),
 * on the newest Node.js runtime, arm64 (x86_64 where it reads scans), X-Ray active tracing, its own log group with
 * retention, and a role that can write only to that log group (no managed policies).
 *
 * @example
 * const extract = new NianbaoFunction(this, "Extract", { step: "extract", memorySize: 1024 });
 * bindTable(extract, table, "read");
 */
export class NianbaoFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: NianbaoFunctionProps) {
    const entry = props.entry ?? handlerEntry(props.step);
    if (!existsSync(entry)) {
      throw new Error(`NianbaoFunction ${id}: handler file ${entry} does not exist`);
    }
    // Built before super() so the function gets them at creation; scoped under `scope`
    // with the function's id as prefix since `this` does not exist yet.
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of nianbao ${props.step}`,
    });
    // Only this log group, instead of AWSLambdaBasicExecutionRole's logs:* on every group.
    logGroup.grantWrite(role);

    super(scope, id, {
      entry,
      handler: "handler",
      description: props.description ?? `nianbao ${props.step}`,
      runtime: FUNCTION_RUNTIME,
      architecture: props.readsScans ? OCR_ARCHITECTURE : lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, "package-lock.json"),
      environment: {
        [ENV.POWERTOOLS_SERVICE_NAME]: props.serviceName ?? "nianbao",
        [ENV.LOG_LEVEL]: props.logLevel ?? "INFO",
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: "node24",
        mainFields: ["module", "main"],
        minify: true,
        sourceMap: true,
        logLevel: nodejs.LogLevel.WARNING,
        // ESM bundles still meet CommonJS dependencies that call require().
        banner: "import { createRequire as __nianbaoCreateRequire } from 'node:module'; const require = __nianbaoCreateRequire(import.meta.url);",
        // The runtime ships AWS SDK v3; bundling it would only grow the cold start.
        // @napi-rs/canvas and onnxruntime-node are native, platform-specific addons: esbuild
        // cannot bundle them. Their dynamic imports stay out; only the Ocr function (readsScans)
        // carries their linux-x64 builds in its node_modules.
        externalModules: ["@aws-sdk/*", ...new Set(["@napi-rs/canvas", ...(props.readsScans ? OCR_EXTERNAL_MODULES : [])])],
        // Nothing is npm-installed into an asset; should that change, onnxruntime-node's
        // postinstall (optional GPU files from a host these machines cannot reach) stays off.
        environment: { ONNXRUNTIME_NODE_INSTALL: "skip" },
        ...(props.readsPdf ? { inject: [join(PROJECT_ROOT, "lib", "lambda", "pdfjs-globals.ts")] } : {}),
        ...afterBundling([...(props.readsPdf ? [pdfjsCommands, pdfiumCommands] : []), ...(props.readsScans ? [ocrRuntimeCommands] : [])]),
      },
    });

    acknowledge(
      role,
      "AwsSolutions-IAM5[Resource::*]",
      "X-Ray active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions.",
    );
  }
}

/** Shell commands run in the asset folder after esbuild (files copied from node_modules). */
type AssetCommands = (outputDir: string) => string[];

function afterBundling(steps: readonly AssetCommands[]): Pick<nodejs.BundlingOptions, "commandHooks"> {
  if (steps.length === 0) return {};
  return {
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) => steps.flatMap((step) => step(outputDir)),
    },
  };
}

/**
 * pdf.js in a bundle: it imports its worker module at run time from next to the bundle
 * (`./pdf.worker.mjs`, the "fake worker" of Node), and the readers find CMaps, standard fonts
 * and wasm decoders through `require.resolve("pdfjs-dist/package.json")`. Both are copied from
 * the installed pdfjs-dist after esbuild, so synth stays offline.
 */
function pdfjsCommands(outputDir: string): string[] {
  const pdfjsRoot = dirname(requireFromHere.resolve("pdfjs-dist/package.json"));
  const target = "node_modules/pdfjs-dist";
  return [
    `cp "${join(pdfjsRoot, "legacy", "build", "pdf.worker.mjs")}" "${outputDir}/pdf.worker.mjs"`,
    `mkdir -p "${outputDir}/${target}"`,
    `cp "${join(pdfjsRoot, "package.json")}" "${outputDir}/${target}/package.json"`,
    ...["cmaps", "standard_fonts", "wasm"].map((dir) => `cp -R "${join(pdfjsRoot, dir)}" "${outputDir}/${target}/${dir}"`),
  ];
}

/**
 * PDFium in a bundle: its JavaScript is bundled; the reader reads its WebAssembly through
 * `require.resolve("@embedpdf/pdfium/pdfium.wasm")` (functions/documents/pdf/pdfium.ts), so the
 * package's manifest and the .wasm (4.5 MB) are copied next to the bundle.
 */
function pdfiumCommands(outputDir: string): string[] {
  // The package exports its .wasm but not its manifest: the root is two folders up from the first.
  const pdfiumRoot = dirname(dirname(requireFromHere.resolve("@embedpdf/pdfium/pdfium.wasm")));
  const target = `${outputDir}/node_modules/@embedpdf/pdfium`;
  return [
    `mkdir -p "${target}/dist"`,
    `cp "${join(pdfiumRoot, "package.json")}" "${target}/package.json"`,
    `cp "${join(pdfiumRoot, "dist", "pdfium.wasm")}" "${target}/dist/pdfium.wasm"`,
  ];
}

/** How a function may use a table or bucket. */
export type DataAccess = "read" | "readWrite";

/** Item reads a handler needs: by key and by Query on the table or its indexes; no Scan (the key design serves every query). */
const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"] as const;
/** Conditional single-item writes and transactions (TransactWriteItems is authorised per contained action). */
const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"] as const;

/**
 * Grants a function access to the records table and tells it the table's name (TABLE_NAME).
 *
 * @example
 * bindTable(store, recordsTable.table, "readWrite");
 */
export function bindTable(fn: lambda.Function, table: dynamodb.Table, access: DataAccess): void {
  const actions = access === "read" ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
  table.grant(fn, ...actions);
  fn.addEnvironment(ENV.TABLE_NAME, table.tableName);
  acknowledge(
    fn.role ?? fn,
    `AwsSolutions-IAM5[Resource::${nagArn(table)}/index/*]`,
    "Queries by agency+year, status and parser version go through this table's own global secondary indexes; the index/* suffix is limited to this one table.",
  );
}

/**
 * Grants a function access to a bucket's objects and sets the bucket's name in `envName`.
 *
 * @example
 * bindBucket(extract, buckets.ingest, "read", ENV.INGEST_BUCKET);
 */
export function bindBucket(fn: lambda.Function, bucket: s3.Bucket, access: DataAccess, envName: string): void {
  if (access === "read") bucket.grantRead(fn);
  else bucket.grantReadWrite(fn);
  fn.addEnvironment(envName, bucket.bucketName);
  const scope = fn.role ?? fn;
  const findings: Array<[string, string]> = [
    ["Action::s3:GetObject*", "CDK's read grant: GetObject and its version/tagging variants, on this bucket's objects only."],
    ["Action::s3:GetBucket*", "CDK's read grant: location/versioning lookups on this one bucket."],
    ["Action::s3:List*", "CDK's read grant: listing this one bucket, so a missing key answers 404 rather than 403."],
    [`Resource::${nagArn(bucket)}/*`, "Objects are keyed by upload name and report id, unknown at deploy time; the object wildcard is limited to this one bucket."],
  ];
  if (access === "readWrite") {
    findings.push(
      ["Action::s3:DeleteObject*", "CDK's write grant on this bucket's objects only: intermediates are replaced when a report is reprocessed."],
      ["Action::s3:Abort*", "CDK's write grant: aborting this bucket's own multipart uploads."],
    );
  }
  for (const [finding, reason] of findings) acknowledge(scope, `AwsSolutions-IAM5[${finding}]`, reason);
}

/**
 * Lets a function publish to the notifications topic and sets TOPIC_ARN.
 *
 * @example
 * bindTopic(notify, topic.topic);
 */
export function bindTopic(fn: lambda.Function, topic: sns.ITopic): void {
  topic.grantPublish(fn);
  fn.addEnvironment(ENV.TOPIC_ARN, topic.topicArn);
  if (topic.masterKey) {
    acknowledge(
      fn.role ?? fn,
      "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      "Publishing to an encrypted topic needs the GenerateDataKey variants, on the topic's own key only.",
    );
  }
}

/**
 * Lets a function start executions of the state machine and sets STATE_MACHINE_ARN.
 *
 * @example
 * bindStateMachine(ingest, workflow.stateMachine);
 */
export function bindStateMachine(fn: lambda.Function, stateMachine: sfn.IStateMachine): void {
  stateMachine.grantStartExecution(fn);
  fn.addEnvironment(ENV.STATE_MACHINE_ARN, stateMachine.stateMachineArn);
}

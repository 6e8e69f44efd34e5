/**
 * The one-machine stack: DynamoDB Local, s3rver, the local Step Functions running the
 * pipeline's definition with the Lambdas' own handlers, an in-memory queue between the
 * bucket's events and the ingest handler, and the local API Gateway.
 *
 * Everything lives under one data folder, so a restart keeps buckets, table and logs:
 *   <data>/s3/            the buckets (s3rver)
 *   <data>/dynamodb/      the table (DynamoDB Local's shared database file)
 *   <data>/notifications.log, executions.log, dead-letters.log
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { buildWorkflowDefinition, type WorkflowResources } from "../lib/workflow.ts";
import { buildReprocessDefinition } from "../lib/reprocess-workflow.ts";
import { handler as reprocessSelectHandler } from "../functions/reprocess/handler.ts";
import { getAdapter, resetAdapters, setAdapters } from "../functions/adapters/index.ts";
import { localOcrEngine } from "../functions/adapters/local-ocr.ts";
import { resetConfig } from "../functions/shared/config.ts";
import { hashBytes } from "../functions/shared/hash.ts";
import { logger } from "../functions/shared/logger.ts";
import { handler as extractHandler } from "../functions/extract/handler.ts";
import { handler as parseHandler } from "../functions/parse/handler.ts";
import { handler as storeHandler } from "../functions/store/handler.ts";
import { handler as recordFailureHandler } from "../functions/record-failure/handler.ts";
import { handler as notifyHandler } from "../functions/notify/handler.ts";
import { handler as crossYearHandler } from "../functions/cross-year/handler.ts";
import { handler as ocrHandler } from "../functions/ocr/handler.ts";
import { handler as ingestHandler } from "../functions/ingest/handler.ts";
import { handler as apiHandler } from "../functions/api/handler.ts";
import { ensureRecordsTable, startDynamoDbLocal } from "./dynamodb.ts";
import { startLocalS3 } from "./s3.ts";
import { createLocalStateMachine, type LambdaHandler } from "./step-functions.ts";
import { startLocalSfnEndpoint } from "./sfn-endpoint.ts";
import { createLocalQueue } from "./queue.ts";
import { startLocalApi } from "./api-server.ts";
import { allowBrowserUploads } from "./web.ts";
import { deliverEvents, HUNG_OCR_ENGINE, injectFaults, readFaultPlan } from "./faults.ts";

export const LOCAL_NAMES = {
  INGEST_BUCKET: "nianbao-ingest",
  ARTIFACTS_BUCKET: "nianbao-artifacts",
  TABLE: "nianbao-records",
  STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:nianbao-pipeline",
  REPROCESS_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:nianbao-reprocess",
  REGION: "us-east-1",
} as const;

export const DEFAULT_DATA_DIR = ".nianbao";
export const DEFAULT_API_PORT = 3000;

const localFunction = (name: string) => `arn:aws:lambda:${LOCAL_NAMES.REGION}:000000000000:function:nianbao-${name}`;

/** The Task resources locally, and the handler each one runs. */
export const LOCAL_RESOURCES = {
  extractFunction: localFunction("extract"),
  parseFunction: localFunction("parse"),
  storeFunction: localFunction("store"),
  recordFailureFunction: localFunction("record-failure"),
  notifyFunction: localFunction("notify"),
  crossYearFunction: localFunction("cross-year"),
  ocrFunction: localFunction("ocr"),
} as const satisfies WorkflowResources;

const LOCAL_HANDLERS: Record<string, LambdaHandler> = {
  [LOCAL_RESOURCES.extractFunction]: extractHandler as LambdaHandler,
  [LOCAL_RESOURCES.parseFunction]: parseHandler as LambdaHandler,
  [LOCAL_RESOURCES.storeFunction]: storeHandler as LambdaHandler,
  [LOCAL_RESOURCES.recordFailureFunction]: recordFailureHandler as LambdaHandler,
  [LOCAL_RESOURCES.notifyFunction]: notifyHandler as LambdaHandler,
  [LOCAL_RESOURCES.crossYearFunction]: crossYearHandler as LambdaHandler,
  [LOCAL_RESOURCES.ocrFunction]: ocrHandler as LambdaHandler,
};

/** The reprocess workflow's Select step (lib/reprocess-workflow.ts). */
const LOCAL_SELECT_FUNCTION = localFunction("reprocess");

export type LocalStackOptions = {
  dataDir?: string;
  /** API port; 0 picks a free one. */
  port?: number;
  /** Executions run at once (the machine has 2 cores). */
  concurrency?: number;
  /** Handlers' log level (powertools): quiet by default, the CLI prints its own summary. */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /** Re-ingest objects in the bucket that no record lists (an earlier run stopped mid-way). */
  reconcile?: boolean;
  /** Read scans with the local OCR engine (PaddleOCR, else Tesseract, when installed); false: a scan fails with a reason. */
  ocr?: boolean;
};

export type LocalStack = {
  apiUrl: string;
  dataDir: string;
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  /** The local Step Functions API (both state machines). */
  sfnEndpoint: string;
  /** The reprocess workflow (`nianbao reprocess` starts it). */
  reprocessStateMachineArn: string;
  ingestBucket: string;
  notificationsLog: string;
  /** How many objects were re-ingested at start-up. */
  reconciled: number;
  /** Resolves when no event is queued and no execution is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/** Objects in the bucket that no record lists as a source yet. */
async function findUnrecorded(bucket: string): Promise<{ key: string; size: number; eTag?: string }[]> {
  const objects = getAdapter("objects");
  const records = getAdapter("records");
  const missing: { key: string; size: number; eTag?: string }[] = [];
  for (const info of await objects.list(bucket)) {
    if (info.key.endsWith("/")) continue;
    const report = await records.get(hashBytes(await objects.getBytes(bucket, info.key)));
    if (!report?.sources.some((s) => s.bucket === bucket && s.key === info.key)) missing.push(info);
  }
  return missing;
}

/**
 * Starts the local stack.
 *
 * @example
 * const stack = await startLocalStack({ dataDir: ".nianbao", port: 3000 });
 * console.log(stack.apiUrl);
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const notificationsLog = join(dataDir, "notifications.log");
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  logger.setLogLevel(options.logLevel ?? "ERROR");

  // Tests only: faults injected into this runner's wiring (local/faults.ts), read once here.
  const faults = readFaultPlan();
  const retryOverride = faults?.retryIntervalMs !== undefined ? { retryIntervalMs: faults.retryIntervalMs } : {};
  const handlers = injectFaults(LOCAL_HANDLERS, faults);
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn();
  };
  try {
    const [dynamo, s3] = await Promise.all([
      startDynamoDbLocal(join(dataDir, "dynamodb")),
      startLocalS3(join(dataDir, "s3"), [LOCAL_NAMES.INGEST_BUCKET, LOCAL_NAMES.ARTIFACTS_BUCKET]),
    ]);
    stops.push(dynamo.stop, s3.stop);
    await ensureRecordsTable(dynamo.endpoint, LOCAL_NAMES.TABLE);

    const machine = await createLocalStateMachine({
      stateMachineArn: LOCAL_NAMES.STATE_MACHINE_ARN,
      definition: buildWorkflowDefinition(LOCAL_RESOURCES),
      handlers,
      ...retryOverride,
      concurrency: options.concurrency ?? 2,
      historyFile: join(dataDir, "executions.log"),
    });
    stops.push(() => machine.abortAll());
    // The reprocess workflow: the inline-Map rendering (aws-local-stepfunctions runs no Distributed Map).
    const reprocessMachine = await createLocalStateMachine({
      stateMachineArn: LOCAL_NAMES.REPROCESS_STATE_MACHINE_ARN,
      definition: buildReprocessDefinition(
        { ...LOCAL_RESOURCES, selectFunction: LOCAL_SELECT_FUNCTION },
        { mode: "inline", maxConcurrency: options.concurrency ?? 2 },
      ),
      handlers: { ...handlers, [LOCAL_SELECT_FUNCTION]: reprocessSelectHandler as LambdaHandler },
      ...retryOverride,
      concurrency: 1,
      historyFile: join(dataDir, "executions.log"),
    });
    stops.push(() => reprocessMachine.abortAll());
    const sfn = await startLocalSfnEndpoint([machine, reprocessMachine]);
    stops.push(sfn.stop);

    // The handlers read this once, through functions/shared/config.ts, as they do in Lambda.
    Object.assign(process.env, {
      AWS_REGION: LOCAL_NAMES.REGION,
      INGEST_BUCKET: LOCAL_NAMES.INGEST_BUCKET,
      ARTIFACTS_BUCKET: LOCAL_NAMES.ARTIFACTS_BUCKET,
      TABLE_NAME: LOCAL_NAMES.TABLE,
      STATE_MACHINE_ARN: LOCAL_NAMES.STATE_MACHINE_ARN,
      NOTIFICATIONS_LOG: notificationsLog,
      S3_ENDPOINT: s3.endpoint,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SFN_ENDPOINT: sfn.endpoint,
    });
    resetConfig();
    resetAdapters();
    // Textract has no local stand-in: without a local engine a scan fails with a reason that says so.
    setAdapters({ ocr: (options.ocr ?? true) ? (localOcrEngine() ?? null) : null });

    if (faults?.hangOcr) setAdapters({ ocr: HUNG_OCR_ENGINE });

    const queue = createLocalQueue({
      handler: ingestHandler as LambdaHandler,
      deadLetterFile: join(dataDir, "dead-letters.log"),
    });
    stops.push(() => queue.stop());
    const deliver = deliverEvents((body) => queue.send(body), faults);
    s3.onObjectCreated((event) => deliver(JSON.stringify(event)));

    const api = await startLocalApi(apiHandler as LambdaHandler, options.port ?? DEFAULT_API_PORT, {
      s3Endpoint: s3.endpoint,
      ingestBucket: LOCAL_NAMES.INGEST_BUCKET,
      dataDir,
      notificationsLog,
      sfnEndpoint: sfn.endpoint,
      reprocessStateMachineArn: LOCAL_NAMES.REPROCESS_STATE_MACHINE_ARN,
    });
    stops.push(api.stop);
    // The page at <api>/web/ is the one origin allowed to read the API and POST uploads.
    process.env.WEB_ORIGIN = api.url;
    await allowBrowserUploads(s3.endpoint, LOCAL_NAMES.INGEST_BUCKET, api.url);

    let reconciled = 0;
    if (options.reconcile ?? true) {
      const missing = await findUnrecorded(LOCAL_NAMES.INGEST_BUCKET);
      for (const object of missing) {
        queue.send(
          JSON.stringify({
            Records: [
              {
                eventName: "ObjectCreated:Put",
                eventTime: new Date().toISOString(),
                s3: {
                  bucket: { name: LOCAL_NAMES.INGEST_BUCKET },
                  object: {
                    key: encodeURIComponent(object.key).replace(/%20/g, "+").replace(/%2F/g, "/"),
                    size: object.size,
                    ...(object.eTag ? { eTag: object.eTag.replace(/"/g, "") } : {}),
                    sequencer: `reconcile-${Date.now().toString(16)}`,
                  },
                },
              },
            ],
          }),
        );
      }
      reconciled = missing.length;
    }

    return {
      apiUrl: api.url,
      dataDir,
      s3Endpoint: s3.endpoint,
      dynamoDbEndpoint: dynamo.endpoint,
      sfnEndpoint: sfn.endpoint,
      reprocessStateMachineArn: LOCAL_NAMES.REPROCESS_STATE_MACHINE_ARN,
      ingestBucket: LOCAL_NAMES.INGEST_BUCKET,
      notificationsLog,
      reconciled,
      async idle() {
        // Queue deliveries start executions; executions add nothing to the queue.
        for (;;) {
          await queue.idle();
          await machine.idle();
          await reprocessMachine.idle();
          await new Promise((r) => setTimeout(r, 20));
          const settled = await Promise.race([
            Promise.all([queue.idle(), machine.idle(), reprocessMachine.idle()]).then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 10)),
          ]);
          if (settled) return;
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

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
import { INGEST_PREFIX } from "../functions/shared/workflow-payloads.ts";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { PARSER_VERSION } from "../functions/report/index.ts";
import { join, resolve } from "node:path";
import { buildWorkflowDefinition, type WorkflowResources } from "../lib/workflow.ts";
import { buildReprocessDefinition } from "../lib/reprocess-workflow.ts";
import { buildExportDefinition } from "../lib/export-workflow.ts";
import { createExportHandler } from "../functions/steps/10-export/handler.ts";
import { buildExportDeps } from "../functions/steps/10-export/deps.ts";
import type { ExportDeps } from "../functions/steps/10-export/export.ts";
import { buildAdapters, type Adapters } from "../functions/adapters/index.ts";
import { localOcrEngine } from "../functions/documents/ocr/local.ts";
import { Config } from "../functions/shared/config.ts";
import { hashBytes } from "../functions/shared/hash.ts";
import { logger } from "../functions/shared/logger.ts";
import { createIngestHandler } from "../functions/steps/01-ingest/handler.ts";
import { createExtractHandler } from "../functions/steps/02-extract/handler.ts";
import { createOcrHandler } from "../functions/steps/03-ocr/handler.ts";
import { createParseHandler } from "../functions/steps/04-parse/handler.ts";
import { createStoreHandler } from "../functions/steps/05-store/handler.ts";
import { createCrossYearHandler } from "../functions/steps/06-cross-year/handler.ts";
import { createNotifyHandler } from "../functions/steps/07-notify/handler.ts";
import { createRecordFailureHandler } from "../functions/steps/08-record-failure/handler.ts";
import { createSelectReportsHandler } from "../functions/steps/09-reprocess/handler.ts";
import { ApiConfig } from "../functions/api/config.ts";
import { buildApiDeps, type ApiDeps } from "../functions/api/deps.ts";
import { createApiHandler } from "../functions/api/router.ts";
import { ROUTES } from "../functions/api/routes/index.ts";
import { ensureRecordsTable, startDynamoDbLocal } from "./dynamodb.ts";
import { startLocalS3 } from "./s3.ts";
import { createLocalStateMachine, type LambdaHandler } from "./step-functions.ts";
import { startLocalSfnEndpoint } from "./sfn-endpoint.ts";
import { createLocalQueue } from "./queue.ts";
import { startLocalApi } from "./api-server.ts";
import { allowBrowserUploads } from "./web.ts";
import { deliverEvents, HUNG_OCR_ENGINE, injectFaults, readFaultPlan, type FaultPlan } from "./faults.ts";
import { TEMPLATE_LABELS } from "../functions/report/ocr-labels.ts";

export const LOCAL_NAMES = {
  INGEST_BUCKET: "nianbao-ingest",
  ARTIFACTS_BUCKET: "nianbao-artifacts",
  TABLE: "nianbao-records",
  STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:nianbao-pipeline",
  REPROCESS_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:nianbao-reprocess",
  EXPORT_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:nianbao-export",
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

/** What every local step and the API are given: the adapters plus the artifacts bucket. */
export type LocalDeps = Adapters & { artifactsBucket: string };

/** The Task resources' handlers: each step's own middy composition, over the local stack's deps. */
function localHandlers(deps: LocalDeps): Record<string, LambdaHandler> {
  const given = () => deps;
  return {
    [LOCAL_RESOURCES.extractFunction]: createExtractHandler(given) as LambdaHandler,
    [LOCAL_RESOURCES.ocrFunction]: createOcrHandler(given) as LambdaHandler,
    [LOCAL_RESOURCES.parseFunction]: createParseHandler(given) as LambdaHandler,
    [LOCAL_RESOURCES.storeFunction]: createStoreHandler(given) as LambdaHandler,
    [LOCAL_RESOURCES.crossYearFunction]: createCrossYearHandler(given) as LambdaHandler,
    [LOCAL_RESOURCES.notifyFunction]: createNotifyHandler(given) as LambdaHandler,
    [LOCAL_RESOURCES.recordFailureFunction]: createRecordFailureHandler(given) as LambdaHandler,
  };
}

/** The reprocess workflow's Select step (lib/reprocess-workflow.ts). */
const LOCAL_SELECT_FUNCTION = localFunction("reprocess");

/** The export workflow's one function (lib/export-workflow.ts). */
const LOCAL_EXPORT_FUNCTION = localFunction("export");

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
  /** Tests only: faults injected into the wiring (local/faults.ts); default: the plan in NIANBAO_FAULTS, if any. */
  faults?: FaultPlan;
  /** Settings over the local ones (e.g. `OCR_TIMEOUT_SECONDS`), as a Lambda's environment would set them. */
  config?: Partial<Config>;
  /** Tests only: replaces adapters once built (e.g. wraps the object store to watch its reads). */
  adapters?: (built: Adapters) => Partial<Adapters>;
  /** Tests only: replaces the export function's dependencies once built (e.g. a query that fails). */
  exportDeps?: (built: ExportDeps) => Partial<ExportDeps>;
  /**
   * Start-ups that may re-ingest an object still without a record; past that, the object gets a
   * FAILED record saying so instead (a file that ends the process every time is not retried for ever).
   */
  maxReingestAttempts?: number;
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
  /** The adapters the steps and the API are given (tests write records through them). */
  adapters: Adapters;
  /** How many objects were re-ingested at start-up. */
  reconciled: number;
  /** Resolves when no event is queued and no execution is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * The records of an object-created event that the ingest bucket's notification would send: objects
 * of `ingestBucket` under INGEST_PREFIX (keys arrive URL-encoded, the prefix encodes to itself);
 * null when none is.
 */
export function ingestRecordsOf(event: unknown, ingestBucket: string): { Records: unknown[] } | null {
  type S3Record = { s3?: { bucket?: { name?: string }; object?: { key?: string } } };
  const records = ((event as { Records?: S3Record[] }).Records ?? []).filter(
    (r) => r.s3?.bucket?.name === ingestBucket && (r.s3?.object?.key ?? "").startsWith(INGEST_PREFIX),
  );
  return records.length ? { ...(event as object), Records: records } : null;
}

/** Start-ups that re-ingest one unrecorded object before it is recorded as FAILED instead. */
export const MAX_REINGEST_ATTEMPTS = 3;

type Unrecorded = { key: string; size: number; eTag?: string };

/**
 * Which unrecorded objects a start-up re-ingests and which it gives up on: each object's count
 * of start-ups grows by one; past `max` it is abandoned. Counts of objects now recorded are dropped.
 */
export function planReingest(unrecorded: readonly Unrecorded[], attempts: Record<string, number>, max: number) {
  const next: Record<string, number> = {};
  const send: Unrecorded[] = [];
  const abandon: Unrecorded[] = [];
  for (const object of unrecorded) {
    next[object.key] = (attempts[object.key] ?? 0) + 1;
    (next[object.key]! > max ? abandon : send).push(object);
  }
  return { send, abandon, attempts: next };
}

async function readAttempts(file: string): Promise<Record<string, number>> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, number>) : {};
  } catch {
    return {}; // none yet, or unreadable: start counting afresh
  }
}

/** A FAILED record for an object whose processing never finished in `attempts` start-ups. */
async function recordAbandoned({ objects, records }: Adapters, bucket: string, key: string, attempts: number): Promise<void> {
  const reportId = hashBytes(await objects.getBytes(bucket, key));
  await records.putFailure({
    reportId,
    parserVersion: PARSER_VERSION,
    failure: {
      error: "ProcessingAbandonedError",
      cause: `处理此文件时本地服务已中断 ${attempts - 1} 次，不再自动重试；请检查文件后重新上传 (processing this file never finished in ${attempts - 1} start-ups of the local stack; it is no longer re-ingested: check the file and upload it again)`,
    },
    source: { bucket, key },
  });
}

/**
 * Start-up reconciliation: every upload that no record lists yet (a run stopped mid-way) is sent
 * to the queue again, as S3 would notify it, at most `maxAttempts` start-ups; past that it gets a
 * FAILED record instead. Returns how many were sent.
 */
async function reconcileUploads(adapters: Adapters, send: (body: string) => void, dataDir: string, maxAttempts = MAX_REINGEST_ATTEMPTS): Promise<number> {
  const unrecorded = await findUnrecorded(adapters, LOCAL_NAMES.INGEST_BUCKET);
  // Counted before the work starts, so a start-up that dies on the object still counts.
  const attemptsFile = join(dataDir, "reingest-attempts.json");
  const plan = planReingest(unrecorded, await readAttempts(attemptsFile), maxAttempts);
  await writeFile(attemptsFile, JSON.stringify(plan.attempts, null, 1));
  for (const object of plan.abandon) await recordAbandoned(adapters, LOCAL_NAMES.INGEST_BUCKET, object.key, plan.attempts[object.key]!);
  for (const object of plan.send) send(JSON.stringify(toObjectCreatedEvent(LOCAL_NAMES.INGEST_BUCKET, object)));
  return plan.send.length;
}

/** Objects under the ingest prefix that no record lists as a source yet. */
async function findUnrecorded({ objects, records }: Adapters, bucket: string): Promise<{ key: string; size: number; eTag?: string }[]> {
  const missing: { key: string; size: number; eTag?: string }[] = [];
  for (const info of await objects.list(bucket)) {
    if (info.key.endsWith("/") || !info.key.startsWith(INGEST_PREFIX)) continue;
    const report = await records.get(hashBytes(await objects.getBytes(bucket, info.key)));
    if (!report?.sources.some((s) => s.bucket === bucket && s.key === info.key)) missing.push(info);
  }
  return missing;
}

/**
 * The configuration a Lambda reads from its environment, as a value (names of the local buckets,
 * table and state machine, endpoints pointing the SDK clients at the stand-ins), and the adapters
 * built from it: Tesseract for OCR where it is installed (Textract has no local stand-in: without
 * Tesseract a scan fails with a reason that says so).
 */
function buildLocalAdapters(
  options: LocalStackOptions,
  faults: FaultPlan | undefined,
  at: { notificationsLog: string; s3: string; dynamo: string; sfn: string },
): { config: Config; adapters: Adapters } {
  const config = Config.parse({
    AWS_REGION: LOCAL_NAMES.REGION,
    INGEST_BUCKET: LOCAL_NAMES.INGEST_BUCKET,
    ARTIFACTS_BUCKET: LOCAL_NAMES.ARTIFACTS_BUCKET,
    TABLE_NAME: LOCAL_NAMES.TABLE,
    STATE_MACHINE_ARN: LOCAL_NAMES.STATE_MACHINE_ARN,
    EXPORT_STATE_MACHINE_ARN: LOCAL_NAMES.EXPORT_STATE_MACHINE_ARN,
    NOTIFICATIONS_LOG: at.notificationsLog,
    S3_ENDPOINT: at.s3,
    DYNAMODB_ENDPOINT: at.dynamo,
    SFN_ENDPOINT: at.sfn,
    ...options.config,
  });
  // Textract has no local stand-in: without a local engine (PaddleOCR, else Tesseract) a scan
  // fails with a reason that says so.
  const local = (options.ocr ?? true)
    ? localOcrEngine({
        labels: TEMPLATE_LABELS,
        ...(config.NIANBAO_OCR_ENGINE ? { choice: config.NIANBAO_OCR_ENGINE } : {}),
        ...(config.NIANBAO_OCR_THREADS ? { threads: config.NIANBAO_OCR_THREADS } : {}),
      })
    : undefined;
  const ocr = faults?.hangOcr ? HUNG_OCR_ENGINE : (local ?? null);
  const built = buildAdapters(config, { ocr });
  return { config, adapters: { ...built, ...options.adapters?.(built) } };
}

/** The S3 notification of an object put again (start-up reconciliation), as S3 would send it. */
function toObjectCreatedEvent(bucket: string, object: { key: string; size: number; eTag?: string }) {
  return {
    Records: [
      {
        eventName: "ObjectCreated:Put",
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: bucket },
          object: {
            key: encodeURIComponent(object.key).replace(/%20/g, "+").replace(/%2F/g, "/"),
            size: object.size,
            ...(object.eTag ? { eTag: object.eTag.replace(/"/g, "") } : {}),
            sequencer: `reconcile-${Date.now().toString(16)}`,
          },
        },
      },
    ],
  };
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
  logger.setLogLevel(options.logLevel ?? "ERROR");

  // Tests only: faults injected into this runner's wiring (local/faults.ts), read once here.
  const faults = options.faults ?? readFaultPlan();
  const retryOverride = faults?.retryIntervalMs !== undefined ? { retryIntervalMs: faults.retryIntervalMs } : {};
  // The handlers' dependencies, filled in below once the stand-ins listen; every Task calls
  // through `deps`, so nothing runs before they are set.
  const deps = {} as LocalDeps;
  const handlers = injectFaults(localHandlers(deps), faults);
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
      handlers: { ...handlers, [LOCAL_SELECT_FUNCTION]: createSelectReportsHandler(() => deps) as LambdaHandler },
      ...retryOverride,
      concurrency: 1,
      historyFile: join(dataDir, "executions.log"),
    });
    stops.push(() => reprocessMachine.abortAll());
    // Export jobs (POST /exports): their own small state machine, the same definition as the cloud's.
    let exportDeps: ExportDeps | undefined;
    const exportMachine = await createLocalStateMachine({
      stateMachineArn: LOCAL_NAMES.EXPORT_STATE_MACHINE_ARN,
      definition: buildExportDefinition({ exportFunction: LOCAL_EXPORT_FUNCTION }),
      handlers: { [LOCAL_EXPORT_FUNCTION]: createExportHandler(() => exportDeps!) as LambdaHandler },
      ...retryOverride,
      concurrency: 1,
      historyFile: join(dataDir, "executions.log"),
    });
    stops.push(() => exportMachine.abortAll());
    const sfn = await startLocalSfnEndpoint([machine, reprocessMachine, exportMachine]);
    stops.push(sfn.stop);

    const { config, adapters } = buildLocalAdapters(options, faults, { notificationsLog, s3: s3.endpoint, dynamo: dynamo.endpoint, sfn: sfn.endpoint });
    Object.assign(deps, adapters, { artifactsBucket: LOCAL_NAMES.ARTIFACTS_BUCKET });
    const builtExportDeps = buildExportDeps(config);
    exportDeps = { ...builtExportDeps, ...options.exportDeps?.(builtExportDeps) };

    const queue = createLocalQueue({
      handler: createIngestHandler(() => deps) as LambdaHandler,
      deadLetterFile: join(dataDir, "dead-letters.log"),
    });
    stops.push(() => queue.stop());
    const deliver = deliverEvents((body) => queue.send(body), faults);
    // As the bucket's notification filter does in the cloud: only uploads under incoming/ of the
    // ingest bucket start executions (never the artifacts bucket's OCR cache or intermediates).
    s3.onObjectCreated((event) => {
      const uploads = ingestRecordsOf(event, LOCAL_NAMES.INGEST_BUCKET);
      if (uploads) deliver(JSON.stringify(uploads));
    });

    // The page at <api>/web/ is the one origin allowed to read the API and POST uploads: known
    // once the server listens, before its first request.
    let apiDeps: ApiDeps | undefined;
    const apiHandler = createApiHandler(ROUTES, () => {
      if (!apiDeps) throw new Error("the local API answered before its dependencies were set");
      return apiDeps;
    });
    const api = await startLocalApi(apiHandler as LambdaHandler, options.port ?? DEFAULT_API_PORT, {
      s3Endpoint: s3.endpoint,
      ingestBucket: LOCAL_NAMES.INGEST_BUCKET,
      dataDir,
      notificationsLog,
      sfnEndpoint: sfn.endpoint,
      reprocessStateMachineArn: LOCAL_NAMES.REPROCESS_STATE_MACHINE_ARN,
      // `nianbao stats rebuild` works on the table itself.
      dynamoEndpoint: dynamo.endpoint,
      tableName: LOCAL_NAMES.TABLE,
    });
    stops.push(api.stop);
    apiDeps = buildApiDeps(config, ApiConfig.parse({ INGEST_BUCKET: LOCAL_NAMES.INGEST_BUCKET, WEB_ORIGIN: api.url }), {
      records: adapters.records,
      progress: adapters.progress,
      registry: adapters.registry,
      bodyLists: adapters.bodyLists,
    });
    await allowBrowserUploads(s3.endpoint, LOCAL_NAMES.INGEST_BUCKET, api.url);

    const reconciled = options.reconcile ?? true ? await reconcileUploads(adapters, (body) => queue.send(body), dataDir, options.maxReingestAttempts) : 0;

    return {
      apiUrl: api.url,
      dataDir,
      s3Endpoint: s3.endpoint,
      dynamoDbEndpoint: dynamo.endpoint,
      sfnEndpoint: sfn.endpoint,
      reprocessStateMachineArn: LOCAL_NAMES.REPROCESS_STATE_MACHINE_ARN,
      ingestBucket: LOCAL_NAMES.INGEST_BUCKET,
      notificationsLog,
      adapters,
      reconciled,
      async idle() {
        // Queue deliveries start executions; executions add nothing to the queue.
        for (;;) {
          await queue.idle();
          await machine.idle();
          await reprocessMachine.idle();
          await exportMachine.idle();
          await new Promise((r) => setTimeout(r, 20));
          const settled = await Promise.race([
            Promise.all([queue.idle(), machine.idle(), reprocessMachine.idle(), exportMachine.idle()]).then(() => true),
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

/**
 * The adapters the handlers use, built once from the configuration on first use.
 * Tests and the local stack may replace any of them with `setAdapters`.
 */
import { readConfig, requireConfig, type Config } from "../shared/config.ts";
import { createDocumentClient, createS3Client, createSfnClient, createSnsClient, createTextractClient } from "./clients.ts";
import { createFileNotifier, createSnsNotifier, type Notifier } from "./notifier.ts";
import { createS3ObjectStore, type ObjectStore } from "./object-store.ts";
import { createDynamoCrossYearStore, type CrossYearStore } from "./cross-year-store.ts";
import { createDynamoRecordStore, type RecordStore } from "./record-store.ts";
import { createDynamoProgressStore, type ProgressStore } from "./progress-store.ts";
import { createDynamoAgencyRegistry, type AgencyRegistry } from "./agency-registry.ts";
import { isAgencyId } from "../report/body.ts";
import { agencyKeyOf } from "../report/cross-year.ts";
import { createDynamoReportSelector, type ReportSelector } from "./report-selector.ts";
import { createSfnWorkflowStarter, type WorkflowStarter } from "./workflow-starter.ts";
import type { OcrEngine } from "../documents/ocr/engine.ts";
import { hashBytes } from "../shared/hash.ts";
import { ARTIFACT_PREFIX } from "../shared/workflow-payloads.ts";
import { TextractOcrEngine, type TextractSender } from "./textract-ocr.ts";

export type Adapters = {
  objects: ObjectStore;
  records: RecordStore;
  notifier: Notifier;
  workflow: WorkflowStarter;
  /** Reads scans for the Ocr step; null where no engine is configured (a scan then fails with a reason). */
  ocr: OcrEngine | null;
  /** Finds stored reports for the reprocess workflow. */
  selector: ReportSelector;
  /** Cross-year findings on pairs of records (CrossYear). */
  crossYear: CrossYearStore;
  /** Which workflow steps a report has reached (the upload box on the page watches it). */
  progress: ProgressStore;
  /** The registry of bodies, grown by Store. */
  registry: AgencyRegistry;
};

const built: Partial<Adapters> = {};

const factories: { [K in keyof Adapters]: (config: Config) => Adapters[K] } = {
  objects: (config) => createS3ObjectStore(createS3Client(config)),
  records: (config) => createDynamoRecordStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
  notifier: (config) =>
    config.NOTIFICATIONS_LOG
      ? createFileNotifier(config.NOTIFICATIONS_LOG)
      : createSnsNotifier(createSnsClient(config), requireConfig(config, "TOPIC_ARN")),
  workflow: (config) => createSfnWorkflowStarter(createSfnClient(config), requireConfig(config, "STATE_MACHINE_ARN")),
  // The cloud reads scans with Textract; the local stack plugs in Tesseract with setAdapters.
  ocr: (config) => (config.OCR_ENGINE === "none" ? null : createTextractEngine(config)),
  selector: (config) =>
    createDynamoReportSelector(createDocumentClient(config), requireConfig(config, "TABLE_NAME"), async (nameOrId) => {
      if (isAgencyId(nameOrId)) return nameOrId;
      const bodies = await getAdapter("registry").findByName(nameOrId);
      return bodies.length === 1 ? bodies[0]!.id : agencyKeyOf(nameOrId);
    }),
  crossYear: (config) => createDynamoCrossYearStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
  progress: (config) => createDynamoProgressStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
  registry: (config) => createDynamoAgencyRegistry(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
};

/**
 * Textract reads a multi-page PDF only from S3: the bytes are staged in the artifacts bucket
 * under their hash (the same scan staged twice is one object).
 */
export function createTextractEngine(config: Config, client: TextractSender = createTextractClient(config)): OcrEngine {
  const bucket = requireConfig(config, "ARTIFACTS_BUCKET");
  return new TextractOcrEngine({
    client,
    stagePdf: async (bytes) => {
      const key = `${ARTIFACT_PREFIX}ocr-input/${hashBytes(bytes)}.pdf`;
      await getAdapter("objects").putOriginal(bucket, key, bytes, "application/pdf");
      return { bucket, key };
    },
  });
}

/** One adapter, built from the configuration the first time it is asked for. */
export function getAdapter<K extends keyof Adapters>(name: K): Adapters[K] {
  const existing = built[name];
  if (existing !== undefined) return existing as Adapters[K];
  const adapter = factories[name](readConfig());
  built[name] = adapter;
  return adapter;
}

/** Replaces adapters (tests, the local stack). */
export function setAdapters(adapters: Partial<Adapters>): void {
  Object.assign(built, adapters);
}

/** Forgets every built adapter, so the next use builds from the (new) configuration. */
export function resetAdapters(): void {
  for (const key of Object.keys(built) as (keyof Adapters)[]) delete built[key];
}

export type { Notifier, Notification } from "./notifier.ts";
export type { ObjectStore, ObjectInfo } from "./object-store.ts";
export type { RecordStore, StoredReport, ReportSummary, ReportStatus, Source } from "./record-store.ts";
export { REPORT_STATUS } from "./record-store.ts";
export type { WorkflowStarter } from "./workflow-starter.ts";
export type { ProgressStore, ProgressStep, ReportProgress, StepMark } from "./progress-store.ts";
export { PROGRESS_STEPS } from "./progress-store.ts";

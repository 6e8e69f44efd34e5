/**
 * The adapters behind the steps' and the API's small interfaces, and how each one is built
 * from a `Config`. Nothing is kept here: each handler builds what it needs once per container
 * (`functions/steps/<step>/deps.ts`), the local stack and the CLI build their own set with
 * `buildAdapters`, and tests pass fakes.
 */
import { requireConfig, type Config } from "../shared/config.ts";
import { createDocumentClient, createS3Client, createSfnClient, createSnsClient, createTextractClient } from "./clients.ts";
import { createFileNotifier, createSnsNotifier, type Notifier } from "./notifier.ts";
import { createS3ObjectStore, type ObjectStore } from "./object-store.ts";
import { createDynamoCrossYearStore, type CrossYearStore } from "./cross-year-store.ts";
import { createDynamoRecordStore, type RecordStore } from "./record-store.ts";
import { createDynamoProgressStore, type ProgressStore } from "./progress-store.ts";
import { createDynamoAgencyRegistry, resolveAgencyKey, type AgencyRegistry } from "./agency-registry.ts";
import { createDynamoBodyListStore, type BodyListStore } from "./body-lists.ts";
import { createDynamoHierarchyStore, type HierarchyStore } from "./hierarchy-store.ts";
import { createDynamoReportSelector, type ReportSelector } from "./report-selector.ts";
import { createSfnWorkflowStarter, type WorkflowStarter } from "./workflow-starter.ts";
import { limitOcr } from "./rate-limiter.ts";
import type { OcrEngine } from "../documents/ocr/engine.ts";
import { hashBytes } from "../shared/hash.ts";
import { ARTIFACT_PREFIX } from "../shared/workflow-payloads.ts";
import { TextractOcrEngine, type TextractSender } from "../documents/ocr/textract.ts";

export type Adapters = {
  objects: ObjectStore;
  records: RecordStore;
  notifier: Notifier;
  workflow: WorkflowStarter;
  /**
   * Reads scans for the Ocr step, behind the deployment's OCR limits (`limitOcr`); null where
   * no engine is configured (a scan then fails with a reason).
   */
  ocr: OcrEngine | null;
  /** Finds stored reports for the reprocess workflow. */
  selector: ReportSelector;
  /** Cross-year findings on pairs of records (CrossYear). */
  crossYear: CrossYearStore;
  /** The imported lists of expected bodies (coverage, hierarchy). */
  bodyLists: BodyListStore;
  /** hierarchy.sum findings, written by CrossYear. */
  hierarchy: HierarchyStore;
  /** Which workflow steps a report has reached (the upload box on the page watches it). */
  progress: ProgressStore;
  /** The registry of bodies, grown by Store. */
  registry: AgencyRegistry;
};

/** S3 (the buckets of reports and artifacts). */
export function buildObjectStore(config: Config): ObjectStore {
  return createS3ObjectStore(createS3Client(config));
}

/** The records table. */
export function buildRecordStore(config: Config): RecordStore {
  return createDynamoRecordStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME"));
}

/** SNS, or the local notifications log when `NOTIFICATIONS_LOG` is set. */
export function buildNotifier(config: Config): Notifier {
  return config.NOTIFICATIONS_LOG
    ? createFileNotifier(config.NOTIFICATIONS_LOG)
    : createSnsNotifier(createSnsClient(config), requireConfig(config, "TOPIC_ARN"));
}

/** Step Functions: starts the pipeline's executions. */
export function buildWorkflowStarter(config: Config): WorkflowStarter {
  return createSfnWorkflowStarter(createSfnClient(config), requireConfig(config, "STATE_MACHINE_ARN"));
}

/** The registry of bodies in the records table. */
export function buildAgencyRegistry(config: Config): AgencyRegistry {
  return createDynamoAgencyRegistry(createDocumentClient(config), requireConfig(config, "TABLE_NAME"));
}

/** The imported lists of expected bodies in the records table. */
export function buildBodyListStore(config: Config): BodyListStore {
  return createDynamoBodyListStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME"));
}

/** hierarchy.sum findings on summary records. */
export function buildHierarchyStore(config: Config): HierarchyStore {
  return createDynamoHierarchyStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME"));
}

/** The reprocess workflow's selection over the table's indexes (agencies resolved through the registry). */
export function buildReportSelector(config: Config, registry: AgencyRegistry = buildAgencyRegistry(config)): ReportSelector {
  return createDynamoReportSelector(createDocumentClient(config), requireConfig(config, "TABLE_NAME"), async (nameOrId) => (await resolveAgencyKey(nameOrId, registry)).key);
}

/** Cross-year entries on the records. */
export function buildCrossYearStore(config: Config): CrossYearStore {
  return createDynamoCrossYearStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME"));
}

/** Workflow progress items in the records table. */
export function buildProgressStore(config: Config): ProgressStore {
  return createDynamoProgressStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME"));
}

/**
 * The Ocr step's engine behind the deployment's OCR limits: `engine` when given (the local stack
 * passes Tesseract, or null where it is not installed), else Textract in the cloud, or null
 * when `OCR_ENGINE=none`.
 *
 * @example
 * const ocr = buildOcrEngine(config, objects); // Textract, limited
 */
export function buildOcrEngine(config: Config, objects: ObjectStore, engine?: OcrEngine | null): OcrEngine | null {
  const chosen = engine !== undefined ? engine : config.OCR_ENGINE === "none" ? null : createTextractEngine(config, objects);
  return chosen && limitOcr(chosen, config, () => createDocumentClient(config));
}

/**
 * Textract reads a multi-page PDF only from S3: the bytes are staged in the artifacts bucket
 * under their hash (the same scan staged twice is one object).
 */
export function createTextractEngine(config: Config, objects: ObjectStore, client: TextractSender = createTextractClient(config)): OcrEngine {
  const bucket = requireConfig(config, "ARTIFACTS_BUCKET");
  return new TextractOcrEngine({
    client,
    stagePdf: async (bytes) => {
      const key = `${ARTIFACT_PREFIX}ocr-input/${hashBytes(bytes)}.pdf`;
      await objects.putOriginal(bucket, key, bytes, "application/pdf");
      return { bucket, key };
    },
  });
}

/**
 * Every adapter, built from one configuration (the local stack, which has every name set);
 * `given` replaces any of them (the local OCR engine, a test's wrapper).
 *
 * @example
 * const adapters = buildAdapters(config, { ocr: new TesseractOcrEngine({ labels: TEMPLATE_LABELS }) });
 */
export function buildAdapters(config: Config, given: Partial<Adapters> = {}): Adapters {
  const objects = given.objects ?? buildObjectStore(config);
  const registry = given.registry ?? buildAgencyRegistry(config);
  return {
    objects,
    registry,
    records: given.records ?? buildRecordStore(config),
    notifier: given.notifier ?? buildNotifier(config),
    workflow: given.workflow ?? buildWorkflowStarter(config),
    ocr: buildOcrEngine(config, objects, given.ocr),
    selector: given.selector ?? buildReportSelector(config, registry),
    crossYear: given.crossYear ?? buildCrossYearStore(config),
    bodyLists: given.bodyLists ?? buildBodyListStore(config),
    hierarchy: given.hierarchy ?? buildHierarchyStore(config),
    progress: given.progress ?? buildProgressStore(config),
  };
}

export type { Notifier, Notification } from "./notifier.ts";
export type { ObjectStore, ObjectInfo } from "./object-store.ts";
export type { RecordStore, StoredReport, ReportSummary, ReportStatus, Source } from "./record-store.ts";
export { REPORT_STATUS } from "./record-store.ts";
export type { WorkflowStarter } from "./workflow-starter.ts";
export type { CrossYearStore } from "./cross-year-store.ts";
export type { ReportSelector } from "./report-selector.ts";
export type { AgencyRegistry, Body, RegistryEntry } from "./agency-registry.ts";
export type { BodyListStore } from "./body-lists.ts";
export type { ProgressStore, ProgressStep, ReportProgress, StepMark } from "./progress-store.ts";
export { PROGRESS_STEPS } from "./progress-store.ts";

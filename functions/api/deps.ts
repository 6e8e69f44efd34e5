/**
 * What the routes read from: the records (store and indexed query), the progress items, an S3
 * client for presigning and the API's settings. Built once per container by ./handler.ts; the
 * local stack and tests pass their own.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { buildAgencyRegistry, buildBodyListStore, buildCrossYearStore, buildProgressStore, buildRecordStore } from "../adapters/index.ts";
import type { CrossYearStore } from "../adapters/cross-year-store.ts";
import type { BodyListStore } from "../adapters/body-lists.ts";
import type { AgencyRegistry } from "../adapters/agency-registry.ts";
import { createDynamoUploadQuota, type UploadQuota } from "../adapters/upload-quota.ts";
import { createDocumentClient, createS3Client, createSfnClient } from "../adapters/clients.ts";
import { createDynamoRecordQuery, type RecordQuery } from "../adapters/record-query.ts";
import type { RecordStore } from "../adapters/record-store.ts";
import type { ProgressStore } from "../adapters/progress-store.ts";
import { createDynamoStatsAggregates, type StatsAggregates } from "../adapters/stats-aggregates.ts";
import { createDynamoExportJobStore, type ExportJobStore } from "../adapters/export-jobs.ts";
import { createSfnWorkflowStarter, type WorkflowStarter } from "../adapters/workflow-starter.ts";
import { requireConfig, type Config } from "../shared/config.ts";
import type { ApiConfig } from "./config.ts";

export type ApiDeps = { records: RecordStore; query: RecordQuery; s3: S3Client; progress: ProgressStore; registry: AgencyRegistry; bodyLists: BodyListStore; quota: UploadQuota; config: ApiConfig;
  /** The sums `/stats` serves, kept on write; without them every `/stats` reads the records. */
  aggregates?: StatsAggregates;
  /** The records as pairs of neighbouring years: a review's correction checks the report against them again. */
  crossYear?: CrossYearStore;
  /** Export jobs (`POST /exports`): their items, the workflow that runs them, the bucket of their files; absent where not deployed. */
  exports?: ExportJobsDeps;
};

export type ExportJobsDeps = { jobs: ExportJobStore; starter: WorkflowStarter; bucket: string };

/** The export jobs' dependencies, where the export workflow and the artifacts bucket are configured. */
export function buildExportJobsDeps(config: Config): ExportJobsDeps | undefined {
  if (!config.EXPORT_STATE_MACHINE_ARN || !config.ARTIFACTS_BUCKET) return undefined;
  return {
    jobs: createDynamoExportJobStore(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
    starter: createSfnWorkflowStarter(createSfnClient(config), config.EXPORT_STATE_MACHINE_ARN),
    bucket: config.ARTIFACTS_BUCKET,
  };
}

const withExports = (exports: ExportJobsDeps | undefined) => (exports ? { exports } : {});

/**
 * The routes' dependencies from the shared configuration and the API's own; `given` replaces any
 * of them (the local stack shares its record and progress stores with the steps).
 *
 * @example
 * export const handler = createApiHandler(ROUTES, once(() => buildApiDeps(readConfig(), readApiConfig())));
 */
export function buildApiDeps(config: Config, apiConfig: ApiConfig, given: Partial<Omit<ApiDeps, "config">> = {}): ApiDeps {
  return {
    records: given.records ?? buildRecordStore(config),
    query: given.query ?? createDynamoRecordQuery(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
    s3: given.s3 ?? createS3Client(config),
    progress: given.progress ?? buildProgressStore(config),
    registry: given.registry ?? buildAgencyRegistry(config),
    bodyLists: given.bodyLists ?? buildBodyListStore(config),
    quota: given.quota ?? createDynamoUploadQuota(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
    crossYear: given.crossYear ?? buildCrossYearStore(config),
    aggregates: given.aggregates ?? createDynamoStatsAggregates(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
    ...withExports(given.exports ?? buildExportJobsDeps(config)),
    config: apiConfig,
  };
}

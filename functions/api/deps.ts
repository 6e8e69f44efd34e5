/**
 * What the routes read from: the records (store and indexed query), the progress items, an S3
 * client for presigning and the API's settings. Built once per container by ./handler.ts; the
 * local stack and tests pass their own.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { buildAgencyRegistry, buildBodyListStore, buildProgressStore, buildRecordStore } from "../adapters/index.ts";
import type { BodyListStore } from "../adapters/body-lists.ts";
import type { AgencyRegistry } from "../adapters/agency-registry.ts";
import { createDynamoUploadQuota, type UploadQuota } from "../adapters/upload-quota.ts";
import { createDocumentClient, createS3Client } from "../adapters/clients.ts";
import { createDynamoRecordQuery, type RecordQuery } from "../adapters/record-query.ts";
import type { RecordStore } from "../adapters/record-store.ts";
import type { ProgressStore } from "../adapters/progress-store.ts";
import { createDynamoStatsAggregates, type StatsAggregates } from "../adapters/stats-aggregates.ts";
import { requireConfig, type Config } from "../shared/config.ts";
import type { ApiConfig } from "./config.ts";

export type ApiDeps = { records: RecordStore; query: RecordQuery; s3: S3Client; progress: ProgressStore; registry: AgencyRegistry; bodyLists: BodyListStore; quota: UploadQuota; config: ApiConfig;
  /** The sums `/stats` serves, kept on write; without them every `/stats` reads the records. */
  aggregates?: StatsAggregates;
};

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
    aggregates: given.aggregates ?? createDynamoStatsAggregates(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
    config: apiConfig,
  };
}

/**
 * What the routes read from: the records (store and indexed query) and an S3 client for
 * presigning. Built from the configuration on first use and rebuilt when the configuration
 * is reset (the local stack sets endpoints, then resets), or replaced by tests.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { getAdapter } from "../adapters/index.ts";
import { createDocumentClient, createS3Client } from "../adapters/clients.ts";
import { createDynamoRecordQuery, type RecordQuery } from "../adapters/record-query.ts";
import type { RecordStore } from "../adapters/record-store.ts";
import type { ProgressStore } from "../adapters/progress-store.ts";
import type { AgencyRegistry } from "../adapters/agency-registry.ts";
import { readConfig, requireConfig, type Config } from "../shared/config.ts";

export type ApiDeps = { records: RecordStore; query: RecordQuery; s3: S3Client; progress: ProgressStore; registry: AgencyRegistry };

let built: { config: Config; query: RecordQuery; s3: S3Client } | undefined;
let override: Partial<ApiDeps> = {};

/** The dependencies of the routes. */
export function getApiDeps(): ApiDeps {
  const config = readConfig();
  if (!built || built.config !== config) {
    built = {
      config,
      query: createDynamoRecordQuery(createDocumentClient(config), requireConfig(config, "TABLE_NAME")),
      s3: createS3Client(config),
    };
  }
  return {
    records: override.records ?? getAdapter("records"),
    query: override.query ?? built.query,
    s3: override.s3 ?? built.s3,
    progress: override.progress ?? getAdapter("progress"),
    registry: override.registry ?? getAdapter("registry"),
  };
}

/** Replaces dependencies (tests). */
export function setApiDeps(deps: Partial<ApiDeps>): void {
  override = { ...override, ...deps };
}

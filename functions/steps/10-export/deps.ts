/** Export's dependencies in Lambda: the records' indexes, the job items, S3 and the artifacts bucket. */
import { createDocumentClient, createS3Client } from "../../adapters/clients.ts";
import { createDynamoExportJobStore } from "../../adapters/export-jobs.ts";
import { createDynamoRecordQuery } from "../../adapters/record-query.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import type { ExportDeps } from "./export.ts";

export function buildExportDeps(config: Config): ExportDeps {
  const documents = createDocumentClient(config);
  const table = requireConfig(config, "TABLE_NAME");
  return {
    jobs: createDynamoExportJobStore(documents, table),
    query: createDynamoRecordQuery(documents, table),
    s3: createS3Client(config),
    bucket: requireConfig(config, "ARTIFACTS_BUCKET"),
  };
}

/** Select's dependencies in Lambda: the table's indexes, S3, the artifacts bucket. */
import { buildObjectStore, buildReportSelector } from "../../adapters/index.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import type { SelectReportsDeps } from "./select-reports.ts";

export function buildSelectReportsDeps(config: Config): SelectReportsDeps {
  return {
    artifactsBucket: requireConfig(config, "ARTIFACTS_BUCKET"),
    selector: buildReportSelector(config),
    objects: buildObjectStore(config),
  };
}

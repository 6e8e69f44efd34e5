/** Store's dependencies in Lambda: S3, the records table, the progress items, the artifacts bucket. */
import { buildAgencyRegistry, buildObjectStore, buildProgressStore, buildRecordStore } from "../../adapters/index.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import type { StoreDeps } from "./store.ts";

export function buildStoreDeps(config: Config): StoreDeps {
  return {
    artifactsBucket: requireConfig(config, "ARTIFACTS_BUCKET"),
    objects: buildObjectStore(config),
    records: buildRecordStore(config),
    registry: buildAgencyRegistry(config),
    progress: buildProgressStore(config),
  };
}

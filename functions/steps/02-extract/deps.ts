/** Extract's dependencies in Lambda: S3, the progress items, the artifacts bucket. */
import { buildObjectStore, buildProgressStore } from "../../adapters/index.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import type { ExtractDeps } from "./extract.ts";

export function buildExtractDeps(config: Config): ExtractDeps {
  return {
    objects: buildObjectStore(config),
    progress: buildProgressStore(config),
    artifactsBucket: requireConfig(config, "ARTIFACTS_BUCKET"),
  };
}

/** Parse's dependencies in Lambda: S3, the progress items, the artifacts bucket. */
import { buildObjectStore, buildProgressStore } from "../../adapters/index.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import type { ParseDeps } from "./parse.ts";

export function buildParseDeps(config: Config): ParseDeps {
  return {
    objects: buildObjectStore(config),
    progress: buildProgressStore(config),
    artifactsBucket: requireConfig(config, "ARTIFACTS_BUCKET"),
  };
}

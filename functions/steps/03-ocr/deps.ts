/** The Ocr step's dependencies in Lambda: S3, the progress items, Textract behind the OCR limits. */
import { buildObjectStore, buildOcrEngine, buildProgressStore } from "../../adapters/index.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import type { OcrDeps } from "./ocr.ts";

export function buildOcrDeps(config: Config): OcrDeps {
  const objects = buildObjectStore(config);
  return {
    objects,
    progress: buildProgressStore(config),
    artifactsBucket: requireConfig(config, "ARTIFACTS_BUCKET"),
    ocr: buildOcrEngine(config, objects),
  };
}

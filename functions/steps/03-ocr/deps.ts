/**
 * The Ocr step's dependencies in Lambda: S3, the progress items, and the engine.
 *
 * Why PaddleOCR reads the whole scan in the Lambda and Textract is only the fallback (README,
 * "OCR in AWS", has the figures): Textract reads no Chinese, so its pages give no agency and no
 * labels and their figures are placed by grid position alone; PaddleOCR reads the title, agency,
 * labels and prose, and its grid comes from the page's own rulings, so Textract's TABLES would
 * add only a second reading of the digits, at $15 per 1,000 pages against about $0.5 of Lambda
 * time for PaddleOCR. Textract, behind the OCR limiter, still reads what PaddleOCR cannot: TIFF
 * images (the canvas decoder reads none) and every page where ONNX Runtime does not load.
 */
import { buildObjectStore, buildOcrEngine, buildProgressStore } from "../../adapters/index.ts";
import type { OcrEngine } from "../../documents/ocr/engine.ts";
import { PaddleOcrEngine, paddleOcrUnavailable } from "../../documents/ocr/paddle.ts";
import { TEMPLATE_LABELS } from "../../report/ocr-labels.ts";
import { requireConfig, type Config } from "../../shared/config.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { OcrDeps } from "./ocr.ts";

export function buildOcrDeps(config: Config): OcrDeps {
  const objects = buildObjectStore(config);
  const textract = buildOcrEngine(config, objects);
  return {
    objects,
    progress: buildProgressStore(config),
    artifactsBucket: requireConfig(config, "ARTIFACTS_BUCKET"),
    ocr: config.OCR_ENGINE === "paddleocr" ? paddleOcrWithFallback(config, textract) : textract,
  };
}

/**
 * PaddleOCR on the Lambda's own CPU (so outside the OCR limiter, which guards Textract's quota),
 * with `fallback` for what it cannot read; `fallback` alone where ONNX Runtime or the models
 * are missing from the asset (`missing`: why, from paddleOcrUnavailable).
 */
export function paddleOcrWithFallback(config: Config, fallback: OcrEngine | null, missing = paddleOcrUnavailable()): OcrEngine | null {
  if (missing) {
    stepLogger("ocr").warn("PaddleOCR unavailable, scans go to the fallback engine", { reason: missing, fallback: fallback?.name ?? null });
    return fallback;
  }
  return new PaddleOcrEngine({
    labels: TEMPLATE_LABELS,
    ...(fallback ? { fallback } : {}),
    ...(config.NIANBAO_OCR_THREADS ? { threads: config.NIANBAO_OCR_THREADS } : {}),
  });
}

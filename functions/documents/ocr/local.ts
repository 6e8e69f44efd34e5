/**
 * The local OCR engine (local stack, `nianbao parse`): PaddleOCR where its packages load (npm ci
 * installs them), Tesseract where only that is installed, none otherwise. NIANBAO_OCR_ENGINE
 * (`paddleocr` or `tesseract`, read by the entry point's config) picks one; a TIFF image, which the canvas decoder cannot read,
 * goes to Tesseract when it is there.
 */
import type { OcrEngine } from "./engine.ts";
import { isPaddleOcrInstalled, PaddleOcrEngine } from "./paddle.ts";
import { isTesseractInstalled, TesseractOcrEngine } from "./tesseract.ts";

export const LOCAL_OCR_ENGINES = ["paddleocr", "tesseract"] as const;

export type LocalOcrOptions = {
  /** `paddleocr` or `tesseract`; the best installed one when absent. */
  choice?: string;
  /** The printed labels Tesseract's cell text is corrected to (report/ocr-labels.ts: TEMPLATE_LABELS). */
  labels: readonly string[];
  /** ONNX Runtime threads for PaddleOCR (default: 2, or fewer cores). */
  threads?: number;
};

export function localOcrEngine({ choice, labels, threads }: LocalOcrOptions): OcrEngine | undefined {
  const tesseract = isTesseractInstalled() ? new TesseractOcrEngine({ labels }) : undefined;
  if (choice === "tesseract") return tesseract;
  if (isPaddleOcrInstalled()) return new PaddleOcrEngine({ labels, fallback: tesseract, ...(threads ? { threads } : {}) });
  return choice === "paddleocr" ? undefined : tesseract;
}

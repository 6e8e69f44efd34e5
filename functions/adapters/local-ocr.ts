/**
 * The local OCR engine (local stack, `nianbao parse`): PaddleOCR where its packages load (npm ci
 * installs them), Tesseract where only that is installed, none otherwise. NIANBAO_OCR_ENGINE
 * (`paddleocr` or `tesseract`) picks one; a TIFF image, which the canvas decoder cannot read,
 * goes to Tesseract when it is there.
 */
import type { OcrEngine } from "../documents/ocr/engine.ts";
import { isPaddleOcrInstalled, PaddleOcrEngine } from "./paddle-ocr.ts";
import { isTesseractInstalled, TesseractOcrEngine } from "./tesseract-ocr.ts";

export const LOCAL_OCR_ENGINES = ["paddleocr", "tesseract"] as const;

export function localOcrEngine(choice = process.env.NIANBAO_OCR_ENGINE): OcrEngine | undefined {
  const tesseract = isTesseractInstalled() ? new TesseractOcrEngine() : undefined;
  if (choice === "tesseract") return tesseract;
  if (isPaddleOcrInstalled()) return new PaddleOcrEngine({ fallback: tesseract });
  return choice === "paddleocr" ? undefined : tesseract;
}

/**
 * OCR of PDF pages: the whole file to an engine that takes PDFs (Textract), or each page rendered
 * by pdf.js at 300 dpi to PNG and read as an image (the local engine).
 */
import type { OcrEngine, OcrResult } from "./engine.ts";

/** Rendering resolution: Tesseract reads Chinese best at about 300 dpi. */
export const OCR_DPI = 300;

type RenderablePage = {
  getViewport(options: { scale: number }): { width: number; height: number };
  render(parameters: { canvas: unknown; canvasContext?: unknown; viewport: unknown; background?: string }): { promise: Promise<void> };
  cleanup(): void;
};
type RenderableDocument = { getPage(n: number): Promise<unknown> };

/** Renders one page to PNG bytes. */
export async function renderPdfPage(doc: RenderableDocument, number: number, dpi = OCR_DPI): Promise<Uint8Array> {
  const { createCanvas } = await import("@napi-rs/canvas");
  const page = (await doc.getPage(number)) as RenderablePage;
  try {
    const viewport = page.getViewport({ scale: dpi / 72 });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: canvas as unknown, canvasContext: context as unknown, viewport, background: "#ffffff" }).promise;
    return new Uint8Array(await canvas.encode("png"));
  } finally {
    page.cleanup();
  }
}

/** OCRs the given 1-based pages of a PDF, in page order. */
export async function ocrPdfPages(doc: RenderableDocument, bytes: Uint8Array, pageNumbers: readonly number[], ocr: OcrEngine): Promise<Map<number, OcrResult>> {
  if (ocr.recognizePdf) return ocr.recognizePdf(bytes, pageNumbers);
  const results = new Map<number, OcrResult>();
  for (const n of pageNumbers) {
    const png = await renderPdfPage(doc, n);
    results.set(n, await ocr.recognizeImage({ bytes: png, mediaType: "image/png", label: `page ${n}` }));
  }
  return results;
}

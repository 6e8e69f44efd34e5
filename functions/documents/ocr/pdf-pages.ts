/**
 * OCR of PDF pages: the whole file to an engine that takes PDFs (Textract), or each page rendered
 * by pdf.js at 300 dpi and handed to the engine as pixels (the local engine; no PNG in between).
 */
import { renderScale } from "../image-budget.ts";
import { mapConcurrent, type OcrEngine, type OcrResult, type PagePixels } from "./engine.ts";

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
  const { encodePng } = await import("./image-pixels.ts");
  return encodePng(await renderPdfPixels(doc, number, dpi));
}

/** Renders one page on white to RGBA pixels. */
export async function renderPdfPixels(doc: RenderableDocument, number: number, dpi = OCR_DPI): Promise<PagePixels> {
  const { createCanvas } = await import("@napi-rs/canvas");
  const page = (await doc.getPage(number)) as RenderablePage;
  try {
    // A page that declares a huge box renders at a lower resolution, within the pixel budget.
    const box = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: renderScale(box.width, box.height, dpi) });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: canvas as unknown, canvasContext: context as unknown, viewport, background: "#ffffff" }).promise;
    return { width: canvas.width, height: canvas.height, rgba: context.getImageData(0, 0, canvas.width, canvas.height).data };
  } finally {
    page.cleanup();
  }
}

/** OCRs the given 1-based pages of a PDF, in page order. */
export async function ocrPdfPages(doc: RenderableDocument, bytes: Uint8Array, pageNumbers: readonly number[], ocr: OcrEngine): Promise<Map<number, OcrResult>> {
  if (ocr.recognizePdf) return ocr.recognizePdf(bytes, pageNumbers);
  const results = await mapConcurrent(pageNumbers, ocr.concurrency ?? 1, async (n) => {
    const pixels = await renderPdfPixels(doc, n);
    return ocr.recognizeImage({ pixels, label: `page ${n}` });
  });
  return new Map(pageNumbers.map((n, i) => [n, results[i]!]));
}

/** Resolution of the quick render that looks for tables before OCR. */
const SURVEY_DPI = 100;

/**
 * The pages worth OCR: those whose page image holds a ruled table, the page before the first of
 * them, and the first and last page (title, agency, year; signature and date). Where no page shows
 * a table, all pages.
 */
export async function selectTablePages(doc: RenderableDocument, pageNumbers: readonly number[]): Promise<number[]> {
  const { pageHasTable } = await import("./image-prep.ts");
  if (pageNumbers.length === 0) return [];
  const first = pageNumbers[0]!;
  const last = pageNumbers[pageNumbers.length - 1]!;
  const withTables: number[] = [];
  for (const n of pageNumbers) if (await pageHasTable(await renderPdfPixels(doc, n, SURVEY_DPI), SURVEY_DPI)) withTables.push(n);
  if (withTables.length === 0) return [...pageNumbers];
  // A table begun in the last lines of a page shows the survey too few rulings: the page before the first table page goes too.
  const before = pageNumbers[pageNumbers.indexOf(withTables[0]!) - 1];
  return pageNumbers.filter((n) => n === first || n === last || n === before || withTables.includes(n));
}

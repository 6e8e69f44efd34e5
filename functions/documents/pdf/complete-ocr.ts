/**
 * OCR of the pages a PDF's text layer left unread: `completeOcr` takes the partial document the
 * reader gives with `keepUnread` (text pages laid out, scanned pages listed in `unreadPages`),
 * renders and OCRs only those pages, and merges their blocks in. The result is the document
 * `readPdf` gives with the engine in one pass; the text layer is not read again.
 */
import { UnreadableDocumentError } from "../../shared/errors.ts";
import type { ExtractLimits } from "../limits.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument, type Page } from "../model.ts";
import { pageOcrOf, type OcrEngine, type OcrResult } from "../ocr/engine.ts";
import { loadPdfJs, openPdf, type PdfDocument } from "./open-pdf.ts";
import { OCR_PAGES, type OcrPageSelection } from "./pdf-options.ts";

/** Below this many scanned pages, selecting costs more than it saves. */
const AUTO_SELECT_OVER = 4;

export type OcrPagesOptions = { ocr: OcrEngine; limits: ExtractLimits; ocrPages?: OcrPageSelection };

/** OCRs the chosen ones of `candidates` (all, or the table pages): their results and the warning for the pages skipped. */
export async function ocrCandidatePages(
  doc: PdfDocument,
  bytes: Uint8Array,
  candidates: readonly number[],
  options: OcrPagesOptions,
): Promise<{ results: Map<number, OcrResult>; warnings: string[] }> {
  const warnings: string[] = [];
  if (candidates.length > options.limits.maxOcrImages) {
    throw new UnreadableDocumentError(
      `需要 OCR 的页面有 ${candidates.length} 页，超过上限 ${options.limits.maxOcrImages} 页 (${candidates.length} pages need OCR, more than the ${options.limits.maxOcrImages} allowed)`,
    );
  }
  const { ocrPdfPages, selectTablePages } = await import("../ocr/pdf-pages.ts");
  const mode = options.ocrPages ?? OCR_PAGES.AUTO;
  const select = mode === OCR_PAGES.TABLES || (mode === OCR_PAGES.AUTO && candidates.length > AUTO_SELECT_OVER);
  const chosen = select ? await selectTablePages(doc, candidates) : [...candidates];
  const skipped = candidates.filter((n) => !chosen.includes(n));
  if (skipped.length > 0) {
    warnings.push(`第 ${skipped.join("、")} 页没有表格，未做 OCR (pages ${skipped.join(", ")} hold no tables and were not OCR'd)`);
  }
  const results = new Map<number, OcrResult>();
  for (const [n, result] of await ocrPdfPages(doc, bytes, chosen, options.ocr)) results.set(n, result);
  return { results, warnings };
}

/** A page read by OCR, marked with the engine (and its confidence where it gives one). */
export function ocrPage(number: number, result: OcrResult, engine: OcrEngine): Page {
  return {
    number,
    blocks: result.blocks,
    ocr: pageOcrOf(engine.name, result),
  };
}

/**
 * Completes a partial PDF document (read with `keepUnread`) by OCR of its `unreadPages`.
 * `bytes` are the PDF's, needed to render the pages; their text layer is not parsed.
 *
 * @example
 * const partial = await extractDocument(bytes, { keepUnread: true }); // { unreadPages: [1, 2], needsOcr: true, ... }
 * const doc = await completeOcr(partial, bytes, { ocr, limits }); // as extractDocument(bytes, { ocr })
 */
export async function completeOcr(partial: ExtractedDocument, bytes: Uint8Array, options: OcrPagesOptions): Promise<ExtractedDocument> {
  const unread = partial.unreadPages ?? [];
  const { needsOcr: _needsOcr, unreadPages: _unreadPages, ...rest } = partial;
  if (unread.length === 0) return rest;
  const pdfjs = await loadPdfJs();
  const doc = await openPdf(pdfjs, bytes);
  try {
    const { results, warnings } = await ocrCandidatePages(doc, bytes, unread, options);
    const pages = partial.pages.map((page) => {
      const result = results.get(page.number);
      return result ? ocrPage(page.number, result, options.ocr) : page;
    });
    return { ...rest, format: DOCUMENT_FORMAT.PDF, pages, warnings: [...partial.warnings, ...warnings] };
  } finally {
    await doc.destroy();
  }
}

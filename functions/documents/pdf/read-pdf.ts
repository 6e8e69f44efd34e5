/**
 * PDF reader: pdf.js (legacy build, runs on Node 20) gives each page's text items with positions
 * and its drawing operators; the rulings among those operators give table grids (./layout.ts).
 * A page without a usable text layer (a scan, or text in fonts without a Unicode map) is read by
 * OCR where an engine is given, and is otherwise reported as needing OCR.
 *
 * The steps live by concern in ./open-pdf.ts, ./text-layer.ts, ./page-drawing.ts and ./assemble.ts;
 * this module holds the entry point and re-exports the public names.
 */
import { UnreadableDocumentError } from "../../shared/errors.ts";
import type { ExtractedDocument } from "../model.ts";
import { assemble } from "./assemble.ts";
import { checkComplete, loadPdfJs, openPdf } from "./open-pdf.ts";
import type { ReadPdfOptions } from "./pdf-options.ts";
import { readPage, type PdfPageReading } from "./text-layer.ts";

export { OCR_PAGES, type OcrPageSelection, type ReadPdfOptions } from "./pdf-options.ts";
export type { PdfPageReading } from "./text-layer.ts";

/** Reads a PDF. Throws UnreadableDocumentError for encrypted, damaged or empty files, and for scans without OCR. */
export async function readPdf(bytes: Uint8Array, options: ReadPdfOptions): Promise<ExtractedDocument> {
  checkComplete(bytes);
  const pdfjs = await loadPdfJs();
  const doc = await openPdf(pdfjs, bytes);
  try {
    if (doc.numPages === 0) throw new UnreadableDocumentError("PDF 文件没有任何页面 (the PDF has no pages)");
    if (doc.numPages > options.limits.maxPages) {
      throw new UnreadableDocumentError(
        `PDF 共 ${doc.numPages} 页，超过上限 ${options.limits.maxPages} 页 (the PDF has ${doc.numPages} pages, more than the ${options.limits.maxPages} allowed)`,
      );
    }
    const readings: PdfPageReading[] = [];
    for (let n = 1; n <= doc.numPages; n += 1) readings.push(await readPage(pdfjs, doc, n));
    return await assemble(doc, readings, options, bytes);
  } finally {
    await doc.destroy();
  }
}

/**
 * PDF reader: PDFium (WebAssembly, ./pdfium-page.ts) gives each page's text items with positions
 * and its paths; pdf.js (legacy build) does the same more slowly (./text-layer.ts) and renders
 * the pages OCR reads. The rulings among the paths give table grids (./layout.ts). A page without
 * a usable text layer (a scan, or text in fonts without a Unicode map) is read by OCR where an
 * engine is given, and is otherwise reported as needing OCR.
 *
 * The steps live by concern in ./open-pdf.ts, ./pdfium.ts, ./text-layer.ts, ./page-drawing.ts and
 * ./assemble.ts; this module holds the entry point and re-exports the public names.
 */
import { UnreadableDocumentError } from "../../shared/errors.ts";
import type { ExtractedDocument } from "../model.ts";
import { assemble } from "./assemble.ts";
import { checkComplete, loadPdfJs, openPdf, type PdfDocument } from "./open-pdf.ts";
import { PDF_TEXT_READER, type PdfTextReader, type ReadPdfOptions } from "./pdf-options.ts";
import { openPdfium, withPdfium } from "./pdfium.ts";
import { readPdfiumPage } from "./pdfium-page.ts";
import { readPage, type PdfPageReading } from "./text-layer.ts";
import { withoutType3Outlines } from "./type3-outlines.ts";

export { OCR_PAGES, PDF_TEXT_READER, type OcrPageSelection, type PdfTextReader, type ReadPdfOptions } from "./pdf-options.ts";
export type { PdfPageReading } from "./text-layer.ts";

/** Reads a PDF. Throws UnreadableDocumentError for encrypted, damaged or empty files, and for scans without OCR. */
export async function readPdf(bytes: Uint8Array, options: ReadPdfOptions): Promise<ExtractedDocument> {
  checkComplete(bytes);
  const reader: PdfTextReader = options.textReader ?? PDF_TEXT_READER.PDFIUM;
  return reader === PDF_TEXT_READER.PDFJS ? readWithPdfJs(bytes, options) : readWithPdfium(bytes, options);
}

function checkPageCount(count: number, options: ReadPdfOptions): void {
  if (count === 0) throw new UnreadableDocumentError("PDF 文件没有任何页面 (the PDF has no pages)");
  if (count > options.limits.maxPages) {
    throw new UnreadableDocumentError(
      `PDF 共 ${count} 页，超过上限 ${options.limits.maxPages} 页 (the PDF has ${count} pages, more than the ${options.limits.maxPages} allowed)`,
    );
  }
}

async function readWithPdfium(bytes: Uint8Array, options: ReadPdfOptions): Promise<ExtractedDocument> {
  // PDFium reads text and rulings only: glyph outlines of Type 3 fonts (Chromium's) it need not parse.
  const forPdfium = withoutType3Outlines(bytes).bytes;
  const readings = await withPdfium((pdfium) => {
    const doc = openPdfium(pdfium, forPdfium);
    try {
      checkPageCount(doc.pageCount, options);
      const pages: PdfPageReading[] = [];
      for (let n = 1; n <= doc.pageCount; n += 1) pages.push(readPdfiumPage(doc, n));
      return pages;
    } finally {
      doc.close();
    }
  });
  // pdf.js renders the pages OCR reads; it opens the file only when a page needs it.
  let pdfJsDoc: Promise<PdfDocument> | undefined;
  try {
    return await assemble(() => (pdfJsDoc ??= loadPdfJs().then((pdfjs) => openPdf(pdfjs, bytes))), readings, options, bytes);
  } finally {
    if (pdfJsDoc) await (await pdfJsDoc).destroy();
  }
}

async function readWithPdfJs(bytes: Uint8Array, options: ReadPdfOptions): Promise<ExtractedDocument> {
  const pdfjs = await loadPdfJs();
  const doc = await openPdf(pdfjs, bytes);
  try {
    checkPageCount(doc.numPages, options);
    const readings: PdfPageReading[] = [];
    for (let n = 1; n <= doc.numPages; n += 1) readings.push(await readPage(pdfjs, doc, n));
    return await assemble(() => Promise.resolve(doc), readings, options, bytes);
  } finally {
    await doc.destroy();
  }
}

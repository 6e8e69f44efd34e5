/** Page readings -> document: OCR of the pages that need it (all, or only table pages), layout of the rest. */
import { OcrRequiredError, UnreadableDocumentError } from "../../shared/errors.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument, type Page } from "../model.ts";
import type { OcrResult } from "../ocr/engine.ts";
import { blocksOf, joinContinuedTables, layoutPage, type LaidOutPage } from "./layout.ts";
import type { PdfDocument } from "./open-pdf.ts";
import { ocrCandidatePages, ocrPage } from "./complete-ocr.ts";
import type { ReadPdfOptions } from "./pdf-options.ts";
import type { PdfPageReading } from "./text-layer.ts";

/**
 * OCRs the pages that need it (where an engine is given), lays out the others and joins tables continued across pages.
 * Pages are rendered for OCR by pdf.js (`pdfJsDocument`, opened only when a page needs it).
 * With `keepUnread` and no engine, the pages needing OCR are listed in `unreadPages` for `completeOcr` instead of refused.
 */
export async function assemble(pdfJsDocument: () => Promise<PdfDocument>, readings: PdfPageReading[], options: ReadPdfOptions, bytes: Uint8Array): Promise<ExtractedDocument> {
  const warnings: string[] = [];
  const ocrPages = readings.filter((r) => r.needsOcr);
  const ocrResults = new Map<number, OcrResult>();
  if (ocrPages.length > 0) {
    if (!options.ocr && options.keepUnread) {
      // The caller completes the document later (completeOcr): no refusal, no warning.
    } else if (!options.ocr) {
      const list = ocrPages.map((r) => r.number).join(", ");
      if (ocrPages.length === readings.length || readings.every((r) => r.needsOcr || r.reason === "empty")) {
        throw new OcrRequiredError(
          `这是扫描件 PDF（没有可用的文字层），需要 OCR 才能读取，但没有配置 OCR 引擎 (the PDF is a scan without a usable text layer; reading it needs OCR, and no OCR engine is configured)`,
        );
      }
      warnings.push(`PDF 第 ${list} 页没有可用的文字层，需要 OCR (page(s) ${list} have no usable text layer; OCR is needed)`);
    } else {
      const ocred = await ocrCandidatePages(await pdfJsDocument(), bytes, ocrPages.map((r) => r.number), { ...options, ocr: options.ocr });
      warnings.push(...ocred.warnings);
      for (const [n, result] of ocred.results) ocrResults.set(n, result);
    }
  }
  if (readings.every((r) => r.reason === "empty")) {
    throw new UnreadableDocumentError("PDF 中没有可读取的文字（页面可能是矢量图形或文字已转为曲线） (the PDF has no readable text: its pages hold only drawings or outlined text)");
  }
  const laidOut: LaidOutPage[] = readings.map((r) => ({ ...(r.needsOcr ? { blocks: [] } : layoutPage(r.geometry)), number: r.number }));
  joinContinuedTables(laidOut);
  const pages: Page[] = readings.map((r, i) => {
    const ocr = ocrResults.get(r.number);
    if (ocr && options.ocr) {
      return ocrPage(r.number, ocr, options.ocr);
    }
    return { number: r.number, blocks: blocksOf(laidOut[i]!) };
  });
  const unread = options.ocr ? [] : ocrPages.map((r) => r.number);
  if (unread.length === 0) return { format: DOCUMENT_FORMAT.PDF, pages, warnings };
  return { format: DOCUMENT_FORMAT.PDF, pages, warnings, needsOcr: true, ...(options.keepUnread ? { unreadPages: unread } : {}) };
}

/** Page readings -> document: OCR of the pages that need it (all, or only table pages), layout of the rest. */
import { OcrRequiredError, UnreadableDocumentError } from "../../shared/errors.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument, type Page } from "../model.ts";
import type { OcrResult } from "../ocr/engine.ts";
import { blocksOf, joinContinuedTables, layoutPage, type LaidOutPage } from "./layout.ts";
import type { PdfDocument } from "./open-pdf.ts";
import { OCR_PAGES, type ReadPdfOptions } from "./pdf-options.ts";
import type { PdfPageReading } from "./text-layer.ts";

/** Below this many scanned pages, selecting costs more than it saves. */
const AUTO_SELECT_OVER = 4;

/** OCRs the pages that need it (where an engine is given), lays out the others and joins tables continued across pages. */
export async function assemble(doc: PdfDocument, readings: PdfPageReading[], options: ReadPdfOptions, bytes: Uint8Array): Promise<ExtractedDocument> {
  const warnings: string[] = [];
  const ocrPages = readings.filter((r) => r.needsOcr);
  const ocrResults = new Map<number, OcrResult>();
  if (ocrPages.length > 0) {
    if (!options.ocr) {
      const list = ocrPages.map((r) => r.number).join(", ");
      if (ocrPages.length === readings.length || readings.every((r) => r.needsOcr || r.reason === "empty")) {
        throw new OcrRequiredError(
          `这是扫描件 PDF（没有可用的文字层），需要 OCR 才能读取，但没有配置 OCR 引擎 (the PDF is a scan without a usable text layer; reading it needs OCR, and no OCR engine is configured)`,
        );
      }
      warnings.push(`PDF 第 ${list} 页没有可用的文字层，需要 OCR (page(s) ${list} have no usable text layer; OCR is needed)`);
    } else {
      if (ocrPages.length > options.limits.maxOcrImages) {
        throw new UnreadableDocumentError(
          `需要 OCR 的页面有 ${ocrPages.length} 页，超过上限 ${options.limits.maxOcrImages} 页 (${ocrPages.length} pages need OCR, more than the ${options.limits.maxOcrImages} allowed)`,
        );
      }
      const { ocrPdfPages, selectTablePages } = await import("../ocr/pdf-pages.ts");
      const candidates = ocrPages.map((r) => r.number);
      const mode = options.ocrPages ?? OCR_PAGES.AUTO;
      const select = mode === OCR_PAGES.TABLES || (mode === OCR_PAGES.AUTO && candidates.length > AUTO_SELECT_OVER);
      const chosen = select ? await selectTablePages(doc, candidates) : candidates;
      const skipped = candidates.filter((n) => !chosen.includes(n));
      if (skipped.length > 0) {
        warnings.push(`第 ${skipped.join("、")} 页没有表格，未做 OCR (pages ${skipped.join(", ")} hold no tables and were not OCR'd)`);
      }
      for (const [n, result] of await ocrPdfPages(doc, bytes, chosen, options.ocr)) ocrResults.set(n, result);
    }
  }
  if (readings.every((r) => r.reason === "empty")) {
    throw new UnreadableDocumentError("PDF 中没有可读取的文字（页面可能是矢量图形或文字已转为曲线） (the PDF has no readable text: its pages hold only drawings or outlined text)");
  }
  const laidOut: LaidOutPage[] = readings.map((r) => (r.needsOcr ? { blocks: [] } : layoutPage(r.geometry)));
  joinContinuedTables(laidOut);
  const pages: Page[] = readings.map((r, i) => {
    const ocr = ocrResults.get(r.number);
    if (ocr && options.ocr) {
      return { number: r.number, blocks: ocr.blocks, ocr: ocr.confidence === undefined ? { engine: options.ocr.name } : { engine: options.ocr.name, confidence: ocr.confidence } };
    }
    return { number: r.number, blocks: blocksOf(laidOut[i]!) };
  });
  const unread = !options.ocr && readings.some((r) => r.needsOcr);
  return { format: DOCUMENT_FORMAT.PDF, pages, warnings, ...(unread ? { needsOcr: true } : {}) };
}

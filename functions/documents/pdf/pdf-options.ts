/** Options of the PDF reader: OCR engine, limits, and which scanned pages to OCR. */
import type { ExtractLimits } from "../limits.ts";
import type { OcrEngine } from "../ocr/engine.ts";

export const OCR_PAGES = { ALL: "all", TABLES: "tables", AUTO: "auto" } as const;
export type OcrPageSelection = (typeof OCR_PAGES)[keyof typeof OCR_PAGES];

/** Which library reads the text layer and drawing: PDFium (the default, about three times faster) or pdf.js. */
export const PDF_TEXT_READER = { PDFIUM: "pdfium", PDFJS: "pdfjs" } as const;
export type PdfTextReader = (typeof PDF_TEXT_READER)[keyof typeof PDF_TEXT_READER];

export type ReadPdfOptions = {
  /** @default "pdfium" */
  textReader?: PdfTextReader;
  ocr?: OcrEngine;
  limits: ExtractLimits;
  /**
   * Which scanned pages to OCR: all, or only those holding tables (plus the first and last page).
   * "auto" selects table pages when more than `AUTO_SELECT_OVER` pages need OCR. @default "auto"
   */
  ocrPages?: OcrPageSelection;
  /**
   * Without an engine: return the partial document of a PDF whose pages need OCR (even a scan
   * with no text page) instead of refusing it, those pages listed in `unreadPages`, for
   * `completeOcr` (./complete-ocr.ts) to read later. @default false
   */
  keepUnread?: boolean;
};

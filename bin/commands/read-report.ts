/**
 * One report file read into its record, as `nianbao parse` does for each file it is given (in
 * the main thread for one file, in worker threads for many). A scan (or pages and pictures with
 * no text layer) is read with the local OCR engine (PaddleOCR, else Tesseract) when it is
 * installed; that takes seconds per page, so each page read is announced through `onOcrPage`.
 * Throws NianbaoError (one line, Chinese first) for a file that cannot be read or is not a report.
 */
import { readFileSync } from "node:fs";
import { extractDocument } from "../../functions/documents/index.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument } from "../../functions/documents/model.ts";
import { decodeText } from "../../functions/documents/text.ts";
import type { OcrEngine } from "../../functions/documents/ocr/engine.ts";
import { parseReport, type ParsedReport } from "../../functions/report/index.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { OcrRequiredError, UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { statOrNull } from "./files.ts";

/** Refuse before reading a file into memory that no report comes near. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

export type ReadOptions = {
  allowOcr: boolean;
  /** Keep a text report's text (for `--explain`). */
  keepText?: boolean;
  /** Called after each page the OCR engine read: its label and how many pages so far. */
  onOcrPage?: (label: string, done: number) => void;
};

/** A file's record, its status, the reader's warnings; a text report's text, for `--explain`. */
export type ReadRecord = ParsedReport & { warnings: string[]; sourceText?: string };
/** The same and the report's id (SHA-256 of the bytes). */
export type ReadReport = ReadRecord & { reportId: string };

export async function readReportFile(file: string, options: ReadOptions): Promise<ReadReport> {
  const { bytes, read } = await readBytesAndRecord(file, options);
  return { ...read, reportId: sha256Hex(bytes) };
}

/** The record without the report's id: `nianbao parse FILE` prints none, and hashing loads node:crypto (~8 ms of CPU at each start). */
export async function readReportRecord(file: string, options: ReadOptions): Promise<ReadRecord> {
  return (await readBytesAndRecord(file, options)).read;
}

async function readBytesAndRecord(file: string, options: ReadOptions): Promise<{ bytes: Uint8Array; read: ReadRecord }> {
  const info = statOrNull(file);
  if (!info) throw new UnreadableDocumentError(`${file}: 文件不存在 (no such file)`);
  if (!info.isFile()) throw new UnreadableDocumentError(`${file}: 不是文件 (not a regular file)`);
  if (info.size > MAX_FILE_BYTES) throw new UnreadableDocumentError(`${file}: 文件过大 (${info.size} bytes; the limit is ${MAX_FILE_BYTES})`);
  const bytes = new Uint8Array(readFileSync(file)); // synchronous, as statOrNull
  const doc = await extractReadingScans(bytes, file, options);
  const sourceText = options.keepText && doc.format === DOCUMENT_FORMAT.TEXT ? await decodeText(bytes) : undefined;
  return { bytes, read: { ...parseReport(doc), warnings: doc.warnings, ...(sourceText === undefined ? {} : { sourceText }) } };
}

/** node:crypto is taken when a hash is wanted, not at import (see readReportRecord). */
export const sha256Hex = (bytes: Uint8Array): string => process.getBuiltinModule("node:crypto").createHash("sha256").update(bytes).digest("hex");

/** Reads the text layer first; only what has none goes through the (slow) local OCR engine. */
async function extractReadingScans(bytes: Uint8Array, file: string, options: ReadOptions): Promise<ExtractedDocument> {
  let doc: ExtractedDocument | undefined;
  try {
    doc = await extractDocument(bytes, { fileName: file });
    if (!doc.needsOcr) return doc;
  } catch (error) {
    if (!(error instanceof OcrRequiredError)) throw error;
  }
  const ocr = options.allowOcr ? await localOcrEngine(options.onOcrPage) : undefined;
  if (!ocr) {
    if (doc) return doc; // the text that was there; the unread pages are in its warnings
    throw new OcrRequiredError(
      options.allowOcr
        ? "这是扫描件，需要 OCR：请运行 npm ci（PaddleOCR）或安装 tesseract-ocr 和 tesseract-ocr-chi-sim (a scan: reading it needs the local OCR engine; run npm ci for PaddleOCR, or install Debian's tesseract-ocr and tesseract-ocr-chi-sim)"
        : "这是扫描件，需要 OCR (a scan: reading it needs OCR, which --no-ocr turned off)",
    );
  }
  return extractDocument(bytes, { fileName: file, ocr });
}

/** The local OCR engine, announcing each page it reads; undefined when none is installed. */
async function localOcrEngine(onPage: ReadOptions["onOcrPage"]): Promise<OcrEngine | undefined> {
  // Imported here: its zod schema is built at import, and a text report needs no OCR settings.
  const config = (await import("../../functions/shared/config.ts")).readConfig();
  const engine = (await import("../../functions/documents/ocr/local.ts")).localOcrEngine({
    labels: TEMPLATE_LABELS,
    ...(config.NIANBAO_OCR_ENGINE ? { choice: config.NIANBAO_OCR_ENGINE } : {}),
    ...(config.NIANBAO_OCR_THREADS ? { threads: config.NIANBAO_OCR_THREADS } : {}),
  });
  if (!engine) return undefined;
  let done = 0;
  return {
    name: engine.name,
    concurrency: engine.concurrency,
    async recognizeImage(image) {
      const result = await engine.recognizeImage(image);
      onPage?.(image.label ?? "image", ++done);
      return result;
    },
  };
}

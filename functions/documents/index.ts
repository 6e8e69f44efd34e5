/**
 * The one entry point for reading a report file: picks the reader by content (magic bytes and
 * sniffing), never by file name, and rejects a name that promises another type.
 *
 * @example
 * const doc = await extractDocument(await readFile("report.docx"), { fileName: "report.docx" });
 * const { record } = parseReport(doc);
 */
import { NianbaoError, OcrRequiredError, UnreadableDocumentError } from "../shared/errors.ts";
import { CONTENT_KIND, CONTENT_KIND_LABEL, detectContentKind, extensionOf, kindsForExtension, type ContentKind } from "./detect.ts";
import { formatBytes, resolveLimits, type ExtractLimits } from "./limits.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument } from "./model.ts";
import { imageMediaType, pageOcrOf, type OcrEngine } from "./ocr/engine.ts";
import type { OcrPageSelection } from "./pdf/read-pdf.ts";
import { readTextDocument } from "./text.ts";

export type { ExtractLimits } from "./limits.ts";
export { DEFAULT_EXTRACT_LIMITS } from "./limits.ts";
export type { OcrEngine } from "./ocr/engine.ts";

export type ExtractOptions = {
  /** The uploaded name; used only to reject a name that contradicts the content. */
  fileName?: string;
  /** Reads scanned pages and pictures; without one, a scan is rejected with a message saying OCR is needed. */
  ocr?: OcrEngine;
  limits?: Partial<ExtractLimits>;
  /** A charset the transport declared (HTTP Content-Type), for web pages. */
  charset?: string;
  /** Which scanned PDF pages to OCR ("all", "tables": pages holding tables plus first and last; default "auto"). */
  ocrPages?: OcrPageSelection;
  /**
   * Without an engine, a PDF whose pages need OCR (a scan too) is returned partial, those pages
   * listed in `unreadPages`, for `completeDocumentOcr` to read later instead of read again.
   */
  keepUnread?: boolean;
};

/** Reads a report file into the intermediate form; throws UnreadableDocumentError with a reason a user understands. */
export async function extractDocument(bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractedDocument> {
  try {
    return await readByKind(bytes, options);
  } catch (error) {
    throw explainReadError(error);
  }
}

/**
 * Reads the `unreadPages` of a partial PDF document (`extractDocument(bytes, { keepUnread: true })`)
 * with the engine: the same document as `extractDocument(bytes, { ocr })`, the text layer not read again.
 */
export async function completeDocumentOcr(
  partial: ExtractedDocument,
  bytes: Uint8Array,
  options: { ocr: OcrEngine; limits?: Partial<ExtractLimits>; ocrPages?: OcrPageSelection },
): Promise<ExtractedDocument> {
  try {
    const { completeOcr } = await import("./pdf/complete-ocr.ts");
    return await completeOcr(partial, bytes, { ocr: options.ocr, limits: resolveLimits(options.limits), ...(options.ocrPages ? { ocrPages: options.ocrPages } : {}) });
  } catch (error) {
    throw explainReadError(error);
  }
}

/** A reader's failure as the error to record: broken files' library errors become UnreadableDocumentError. */
function explainReadError(error: unknown): unknown {
  // A structure nested deeper than any reader's recursion (thousands of elements inside one
  // another) is a hostile or broken file, not a bug to crash on.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new UnreadableDocumentError("文件结构嵌套过深，无法读取 (the file nests its elements too deeply to be read)", { cause: error });
  }
  // What a format library throws on a broken file (pdf.js's UnknownErrorException, FormatError…)
  // is the file's fault: a recorded reason, never an unexplained failure.
  if (!(error instanceof NianbaoError) && error instanceof Error) {
    return new UnreadableDocumentError(`文件已损坏，无法读取：${error.message} (the file is damaged: ${error.name}: ${error.message})`, { cause: error });
  }
  return error;
}

async function readByKind(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedDocument> {
  const limits = resolveLimits(options.limits);
  if (bytes.length === 0) throw new UnreadableDocumentError("文件为空（0 字节） (the file is empty: 0 bytes)");
  if (bytes.length > limits.maxBytes) {
    throw new UnreadableDocumentError(
      `文件太大（${formatBytes(bytes.length)}），上限为 ${formatBytes(limits.maxBytes)} (the file is ${formatBytes(bytes.length)}, more than the ${formatBytes(limits.maxBytes)} allowed)`,
    );
  }
  const kind = detectContentKind(bytes);
  checkExtension(kind, options.fileName);
  switch (kind) {
    case CONTENT_KIND.PDF: {
      const { readPdf } = await import("./pdf/read-pdf.ts");
      return readPdf(bytes, {
        ocr: options.ocr,
        limits,
        ...(options.ocrPages ? { ocrPages: options.ocrPages } : {}),
        ...(options.keepUnread ? { keepUnread: true } : {}),
      });
    }
    // Each reader beyond plain text is imported when a file needs it: a text report loads none of them.
    case CONTENT_KIND.ZIP: {
      const { readDocx } = await import("./docx/read-docx.ts");
      return readDocx(bytes, { ocr: options.ocr, limits });
    }
    case CONTENT_KIND.HTML: {
      const { readHtml } = await import("./html/read-html.ts");
      return readHtml(bytes, { charset: options.charset });
    }
    case CONTENT_KIND.TEXT:
      return readTextDocument(bytes);
    case CONTENT_KIND.PNG:
    case CONTENT_KIND.JPEG:
    case CONTENT_KIND.TIFF:
      return readImage(bytes, options.ocr);
    case CONTENT_KIND.OLE:
      throw new UnreadableDocumentError(oleMessage(bytes));
    default:
      throw new UnreadableDocumentError(unsupportedMessage(kind));
  }
}

function checkExtension(kind: ContentKind, fileName: string | undefined): void {
  if (!fileName) return;
  const extension = extensionOf(fileName);
  const promised = kindsForExtension(extension);
  if (!promised || promised.includes(kind)) return;
  const label = CONTENT_KIND_LABEL[kind];
  const gap = /^[A-Za-z]/.test(label.zh) ? " " : "";
  throw new UnreadableDocumentError(`文件扩展名为 ${extension}，但内容是${gap}${label.zh} (file is named ${extension} but is ${label.en})`);
}

async function readImage(bytes: Uint8Array, ocr: OcrEngine | undefined): Promise<ExtractedDocument> {
  const { checkImageBudget } = await import("./image-budget.ts");
  checkImageBudget(bytes, "image");
  const mediaType = imageMediaType(bytes);
  if (!ocr || !mediaType) {
    throw new OcrRequiredError("这是图片（扫描件），需要 OCR 才能读取，但没有配置 OCR 引擎 (the file is an image; reading it needs OCR, and no OCR engine is configured)");
  }
  const result = await ocr.recognizeImage({ bytes, mediaType, label: "image" });
  return {
    format: DOCUMENT_FORMAT.IMAGE,
    pages: [{ number: 1, blocks: result.blocks, ocr: pageOcrOf(ocr.name, result) }],
    warnings: [],
  };
}

/** Names the stream of an OLE compound file (UTF-16LE directory entries) to say what it is. */
function oleMessage(bytes: Uint8Array): string {
  const directory = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4 * 1024 * 1024)).toString("utf16le");
  if (directory.includes("EncryptedPackage") || directory.includes("EncryptionInfo")) {
    return "文件有密码保护（已加密），无法读取；请去掉密码后重新上传 (the Office file is password-protected; remove the password and upload it again)";
  }
  if (directory.includes("WordDocument")) {
    return "这是旧版 Word 97-2003 文档（.doc），暂不支持；请另存为 DOCX 或 PDF 后上传 (this is an old Word 97-2003 .doc file; save it as DOCX or PDF)";
  }
  if (directory.includes("Workbook")) return "这是 Excel 表格（.xls），不是年度报告文档 (this is an Excel .xls workbook, not a report document)";
  return "这是旧版 Office 文件，暂不支持；请另存为 DOCX 或 PDF 后上传 (this is an old-format Office file; save it as DOCX or PDF)";
}

function unsupportedMessage(kind: ContentKind): string {
  switch (kind) {
    case CONTENT_KIND.RTF:
      return "RTF 格式暂不支持，请另存为 DOCX 或 PDF 后上传 (RTF is not supported; save the file as DOCX or PDF)";
    case CONTENT_KIND.ARCHIVE:
      return "这是压缩包（gzip/RAR/7z），请解压后上传其中的报告文件 (this is a compressed archive; extract the report and upload it)";
    case CONTENT_KIND.OTHER_IMAGE:
      return "图片格式不支持（仅支持 PNG、JPEG、TIFF） (this image format is not supported; use PNG, JPEG or TIFF)";
    case CONTENT_KIND.BINARY:
      return "文件内容无法识别：不是 PDF、Word（DOCX）、网页、图片或文本 (the file is binary data in no supported format: not PDF, DOCX, HTML, an image or text)";
    default:
      return `不支持的文件类型：${CONTENT_KIND_LABEL[kind].zh} (unsupported file type: ${CONTENT_KIND_LABEL[kind].en})`;
  }
}

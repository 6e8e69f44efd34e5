/** Opening a PDF with pdf.js: lazy loading, the completeness check, and refusal of encrypted or damaged files. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { UnreadableDocumentError } from "../../shared/errors.ts";
import { MAX_IMAGE_PIXELS } from "../image-budget.ts";

export type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
export type PdfDocument = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;
export type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

let pdfjsPromise: Promise<PdfJs> | undefined;
/** Loads pdf.js once, lazily: importing it costs ~100 ms that non-PDF inputs should not pay. */
export function loadPdfJs(): Promise<PdfJs> {
  useInflaterOfPdfJs();
  pdfjsPromise ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjsPromise;
}

/**
 * pdf.js inflates each Flate stream through the global DecompressionStream where one exists, and
 * with its own inflater otherwise (the same bytes). On Node that global costs a zlib handle and a
 * web-stream pipeline per stream object, and a Chromium PDF holds over a hundred of them (one
 * ToUnicode map per font subset): without it pdf.js reads the test PDFs with about a fifth less CPU.
 * Nothing else in the project uses DecompressionStream (Node's zlib serves the rest).
 */
function useInflaterOfPdfJs(): void {
  if ("DecompressionStream" in globalThis) Reflect.deleteProperty(globalThis, "DecompressionStream");
}

const require = createRequire(import.meta.url);
/** Where pdf.js keeps its CMaps and standard fonts (needed for CJK fonts that are not embedded). */
function assetDir(name: string): string | undefined {
  try {
    return `${join(dirname(require.resolve("pdfjs-dist/package.json")), name)}/`;
  } catch {
    return undefined;
  }
}

/**
 * A complete PDF ends with `%%EOF` (trailing junk of a few bytes is common). pdf.js would rebuild
 * a cut-off file and show what it can; a record from half a report is worse than a clear refusal.
 */
export function checkComplete(bytes: Uint8Array): void {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.byteLength - 2048)).toString("latin1");
  if (!tail.includes("%%EOF")) {
    throw new UnreadableDocumentError("PDF 文件不完整（缺少文件结尾，可能上传或下载时被截断） (the PDF is truncated: it has no end-of-file marker; the upload or download may have been cut off)");
  }
}

export async function openPdf(pdfjs: PdfJs, bytes: Uint8Array): Promise<PdfDocument> {
  const task = pdfjs.getDocument({
    // pdf.js may detach the buffer it is given; the caller keeps its own.
    data: new Uint8Array(bytes),
    cMapUrl: assetDir("cmaps"),
    cMapPacked: true,
    standardFontDataUrl: assetDir("standard_fonts"),
    wasmUrl: assetDir("wasm"),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: false,
    // An embedded image over the pixel budget is skipped by pdf.js instead of decoded.
    maxImageSize: MAX_IMAGE_PIXELS,
  });
  try {
    return await task.promise;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") {
      throw new UnreadableDocumentError("PDF 文件有密码保护（已加密），无法读取；请去掉密码后重新上传 (the PDF is password-protected; remove the password and upload it again)", {
        cause: error,
      });
    }
    throw new UnreadableDocumentError("PDF 文件已损坏或不完整，无法打开 (the PDF is damaged or truncated and cannot be opened)", { cause: error });
  }
}

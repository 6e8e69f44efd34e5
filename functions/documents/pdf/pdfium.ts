/**
 * PDFium compiled to WebAssembly (@embedpdf/pdfium): loading it once, lazily, and opening a
 * document with the same refusals as pdf.js (./open-pdf.ts). PDFium reads the text layer with
 * positions and the drawing about three times faster than pdf.js, which translates every
 * embedded font and structured-clones its results between its worker and the caller.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { ReaderUnavailableError, UnreadableDocumentError } from "../../shared/errors.ts";

export type Pdfium = Awaited<ReturnType<(typeof import("@embedpdf/pdfium"))["init"]>>;

/** FPDF_GetLastError's codes (fpdfview.h). */
const FPDF_ERR_PASSWORD = 4;
const FPDF_ERR_SECURITY = 6;

const require = createRequire(import.meta.url);
let pdfiumPromise: Promise<Pdfium> | undefined;

/** Loads and starts PDFium once: instantiating its 4.5 MB of WebAssembly costs ~25 ms that non-PDF inputs should not pay. */
export function loadPdfium(): Promise<Pdfium> {
  pdfiumPromise ??= startPdfium(require.resolve("@embedpdf/pdfium/pdfium.wasm")).catch((error: unknown) => {
    // Not kept: a later PDF tries again (the file may be restored, memory freed).
    pdfiumPromise = undefined;
    throw error;
  });
  return pdfiumPromise;
}

/** The last line PDFium's runtime wrote to stderr (an abort's reason), kept for the error it belongs to. */
let lastPdfiumMessage = "";

/**
 * A new PDFium from the WebAssembly at `wasmPath`. A file that is missing or does not load is
 * a ReaderUnavailableError: the reader could not start, which says nothing about the PDF.
 */
export async function startPdfium(wasmPath: string): Promise<Pdfium> {
  try {
    const [{ init }, wasm] = await Promise.all([import("@embedpdf/pdfium"), readFile(wasmPath)]);
    // Emscripten's own "Aborted(…)" lines would reach stderr beside our message; the last one is kept for the error instead.
    const pdfium = await init({
      wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer,
      printErr: (line: string) => {
        lastPdfiumMessage = line;
      },
    });
    pdfium.PDFiumExt_Init();
    return pdfium;
  } catch (error) {
    const message = String((error as Error).message ?? error);
    const said = lastPdfiumMessage && !message.includes(lastPdfiumMessage) ? `（${lastPdfiumMessage.slice(0, 200)}）` : "";
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? `缺少 ${wasmPath}` : `${message.slice(0, 300)}${said}`;
    throw new ReaderUnavailableError(
      `PDF 阅读器（PDFium）无法启动，文件未被读取（不是文件的问题）：${reason}；请重新安装（npm ci）后再处理 (the PDF reader could not start, so the file was not read; reinstall and process it again)`,
      { cause: error },
    );
  }
}

/** PDFium's memory (the package types it through @types/emscripten, which is not installed); read anew each time, as it moves when memory grows. */
export function heapOf(pdfium: Pdfium): Uint8Array {
  return (pdfium.pdfium as unknown as { HEAPU8: Uint8Array }).HEAPU8;
}

/**
 * Runs `read` with PDFium; when PDFium itself fails (a WebAssembly trap: an abort or an access
 * out of bounds on a hostile file), the instance is dropped, so the next PDF of a long-lived
 * process (a Lambda container, a parse worker) starts from a fresh one, and the file is refused.
 */
export async function withPdfium<T>(read: (pdfium: Pdfium) => T | Promise<T>): Promise<T> {
  const pdfium = await loadPdfium();
  try {
    return await read(pdfium);
  } catch (error) {
    if ((error as Error | undefined)?.name !== "RuntimeError") throw error;
    pdfiumPromise = undefined;
    throw new UnreadableDocumentError("PDF 文件已损坏，无法读取 (the PDF is damaged: PDFium could not read it)", { cause: error });
  }
}

/** The C functions the page reader calls per character and per path point: numbers in, a number out. */
const DIRECT_CALLS = [
  "FPDF_LoadPage",
  "FPDF_ClosePage",
  "FPDF_GetPageWidthF",
  "FPDF_GetPageHeightF",
  "FPDF_PageToDevice",
  "FPDFText_LoadPage",
  "FPDFText_ClosePage",
  "FPDFText_CountChars",
  "FPDFText_IsGenerated",
  "FPDFText_GetUnicode",
  "FPDFText_GetTextObject",
  "FPDFText_GetMatrix",
  "FPDFText_GetCharOrigin",
  "FPDFText_GetLooseCharBox",
  "FPDFText_GetCharBox",
  "FPDFTextObj_GetFontSize",
  "FPDFTextObj_GetFont",
  "FPDFPage_CountObjects",
  "FPDFPage_GetObject",
  "FPDFPageObj_GetType",
  "FPDFPageObj_GetMatrix",
  "FPDFPageObj_GetBounds",
  "FPDFFormObj_CountObjects",
  "FPDFFormObj_GetObject",
  "FPDFPath_GetDrawMode",
  "FPDFPath_CountSegments",
  "FPDFPath_GetPathSegment",
  "FPDFPathSegment_GetPoint",
  "FPDFPathSegment_GetType",
  "FPDFPathSegment_GetClose",
] as const;
export type PdfiumCalls = { readonly [N in (typeof DIRECT_CALLS)[number]]: (...args: Parameters<Pdfium[N]>) => number };

const directCallsOf = new WeakMap<Pdfium, PdfiumCalls>();
/**
 * Those functions straight from the WebAssembly exports. The package wraps every export in
 * emscripten's cwrap/ccall (argument conversion, assertions, a closure per call), which cost a
 * sixth of a Chromium page's reading; a function the build does not export keeps its wrapper.
 */
function directCalls(pdfium: Pdfium): PdfiumCalls {
  let calls = directCallsOf.get(pdfium);
  if (!calls) {
    const exported = pdfium.pdfium.wasmExports as unknown as Record<string, ((...args: number[]) => number) | undefined>;
    const wrapped = pdfium as unknown as Record<string, (...args: number[]) => number | boolean>;
    calls = Object.fromEntries(DIRECT_CALLS.map((name) => [name, exported[name] ?? ((...args: number[]) => Number(wrapped[name]!(...args)))])) as unknown as PdfiumCalls;
    directCallsOf.set(pdfium, calls);
  }
  return calls;
}

export type PdfiumDocument = { pdfium: Pdfium; calls: PdfiumCalls; handle: number; pageCount: number; close: () => void };

/** Opens a PDF in PDFium's memory; `close` frees it. Throws UnreadableDocumentError for encrypted or damaged files. */
export function openPdfium(pdfium: Pdfium, bytes: Uint8Array): PdfiumDocument {
  const heap = pdfium.pdfium;
  const data = heap.wasmExports.malloc(bytes.byteLength);
  heapOf(pdfium).set(bytes, data);
  const handle = pdfium.FPDF_LoadMemDocument(data, bytes.byteLength, "");
  if (!handle) {
    const code = pdfium.FPDF_GetLastError();
    heap.wasmExports.free(data);
    if (code === FPDF_ERR_PASSWORD || code === FPDF_ERR_SECURITY) {
      throw new UnreadableDocumentError("PDF 文件有密码保护（已加密），无法读取；请去掉密码后重新上传 (the PDF is password-protected; remove the password and upload it again)");
    }
    throw new UnreadableDocumentError("PDF 文件已损坏或不完整，无法打开 (the PDF is damaged or truncated and cannot be opened)");
  }
  return {
    pdfium,
    calls: directCalls(pdfium),
    handle,
    pageCount: pdfium.FPDF_GetPageCount(handle),
    close: () => {
      pdfium.FPDF_CloseDocument(handle);
      heap.wasmExports.free(data);
    },
  };
}

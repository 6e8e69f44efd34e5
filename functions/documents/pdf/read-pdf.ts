/**
 * PDF reader: pdf.js (legacy build, runs on Node 20) gives each page's text items with positions
 * and its drawing operators; the rulings among those operators give table grids (./layout.ts).
 * A page without a usable text layer (a scan, or text in fonts without a Unicode map) is read by
 * OCR where an engine is given, and is otherwise reported as needing OCR.
 */
import { MAX_IMAGE_PIXELS } from "../image-budget.ts";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { OcrRequiredError, UnreadableDocumentError } from "../../shared/errors.ts";
import type { ExtractLimits } from "../limits.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument, type Page } from "../model.ts";
import type { OcrEngine, OcrResult } from "../ocr/engine.ts";
import { blocksOf, joinContinuedTables, layoutPage, type LaidOutPage, type PageGeometry, type Segment, type TextItem } from "./layout.ts";
import { repairCjkText } from "./text-repair.ts";

export const OCR_PAGES = { ALL: "all", TABLES: "tables", AUTO: "auto" } as const;
export type OcrPageSelection = (typeof OCR_PAGES)[keyof typeof OCR_PAGES];

export type ReadPdfOptions = {
  ocr?: OcrEngine;
  limits: ExtractLimits;
  /**
   * Which scanned pages to OCR: all, or only those holding tables (plus the first and last page).
   * "auto" selects table pages when more than `AUTO_SELECT_OVER` pages need OCR. @default "auto"
   */
  ocrPages?: OcrPageSelection;
};

/** Below this many scanned pages, selecting costs more than it saves. */
const AUTO_SELECT_OVER = 4;

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type PdfDocument = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;
type PdfPage = Awaited<ReturnType<PdfDocument["getPage"]>>;

let pdfjsPromise: Promise<PdfJs> | undefined;
/** Loads pdf.js once, lazily: importing it costs ~100 ms that non-PDF inputs should not pay. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjsPromise;
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

/** A page needs OCR when its text layer has fewer readable characters than this... */
const MIN_PAGE_CHARS = 20;
/** ...or when more than this share of its characters are unmapped glyphs. */
const MAX_GARBAGE_SHARE = 0.3;

export type PdfPageReading = { number: number; geometry: PageGeometry; imageCoverage: number; needsOcr: boolean; reason?: string };

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

/**
 * A complete PDF ends with `%%EOF` (trailing junk of a few bytes is common). pdf.js would rebuild
 * a cut-off file and show what it can; a record from half a report is worse than a clear refusal.
 */
function checkComplete(bytes: Uint8Array): void {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.byteLength - 2048)).toString("latin1");
  if (!tail.includes("%%EOF")) {
    throw new UnreadableDocumentError("PDF 文件不完整（缺少文件结尾，可能上传或下载时被截断） (the PDF is truncated: it has no end-of-file marker; the upload or download may have been cut off)");
  }
}

async function openPdf(pdfjs: PdfJs, bytes: Uint8Array): Promise<PdfDocument> {
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

function multiply(m: number[], n: number[]): number[] {
  return [
    m[0]! * n[0]! + m[2]! * n[1]!,
    m[1]! * n[0]! + m[3]! * n[1]!,
    m[0]! * n[2]! + m[2]! * n[3]!,
    m[1]! * n[2]! + m[3]! * n[3]!,
    m[0]! * n[4]! + m[2]! * n[5]! + m[4]!,
    m[1]! * n[4]! + m[3]! * n[5]! + m[5]!,
  ];
}

async function readPage(pdfjs: PdfJs, doc: PdfDocument, number: number): Promise<PdfPageReading> {
  let page: PdfPage;
  try {
    page = await doc.getPage(number);
  } catch (error) {
    throw new UnreadableDocumentError(`PDF 第 ${number} 页已损坏，文件可能不完整 (page ${number} of the PDF is damaged; the file may be truncated)`, { cause: error });
  }
  try {
    const viewport = page.getViewport({ scale: 1 });
    const toView = (x: number, y: number) => viewport.convertToViewportPoint(x, y) as [number, number];
    const [content, operators] = await Promise.all([page.getTextContent(), page.getOperatorList()]);

    const items: TextItem[] = [];
    let chars = 0;
    let garbage = 0;
    for (const raw of content.items) {
      if (!("str" in raw) || raw.str === "") continue;
      const [a, b, c, d, e, f] = raw.transform as number[];
      // Text drawn rotated (a vertical label) keeps its anchor; its width runs along y.
      const size = Math.hypot(c!, d!) || raw.height || 1;
      const [x0, y0] = toView(e!, f! + size * 0.85);
      const [x1, y1] = toView(e! + (Math.abs(b!) > Math.abs(a!) ? 0 : raw.width), f! - size * 0.15);
      const text = repairCjkText(raw.str);
      for (const ch of text) {
        if (/\s/.test(ch)) continue;
        chars += 1;
        if (/[\u0000-\u001f\ufffd\ue000-\uf8ff]/.test(ch)) garbage += 1;
      }
      items.push({ text, x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) });
    }

    const { segments, imageArea } = readDrawing(pdfjs, operators, toView);
    const pageArea = viewport.width * viewport.height;
    const imageCoverage = pageArea > 0 ? Math.min(1, imageArea / pageArea) : 0;
    const readable = chars - garbage;
    let reason: string | undefined;
    if (readable < MIN_PAGE_CHARS) reason = imageCoverage > 0.3 ? "scanned" : "empty";
    else if (garbage / chars > MAX_GARBAGE_SHARE) reason = "garbage";
    return {
      number,
      geometry: { width: viewport.width, height: viewport.height, items, segments },
      imageCoverage,
      needsOcr: reason === "scanned" || reason === "garbage",
      reason,
    };
  } finally {
    page.cleanup();
  }
}

type OperatorList = { fnArray: number[]; argsArray: unknown[] };

/** Rulings (thin filled rectangles and stroked axis-aligned lines) and the area painted by images. */
function readDrawing(pdfjs: PdfJs, operators: OperatorList, toView: (x: number, y: number) => [number, number]): { segments: Segment[]; imageArea: number } {
  const OPS = pdfjs.OPS;
  const FILLS = new Set<number>([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const STROKES = new Set<number>([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const IMAGES = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat]);
  const segments: Segment[] = [];
  let imageArea = 0;
  let ctm = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  const point = (x: number, y: number) => toView(ctm[0]! * x + ctm[2]! * y + ctm[4]!, ctm[1]! * x + ctm[3]! * y + ctm[5]!);

  for (let i = 0; i < operators.fnArray.length; i += 1) {
    const fn = operators.fnArray[i]!;
    const args = operators.argsArray[i] as unknown[];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(ctm, args as number[]);
    else if (IMAGES.has(fn)) {
      // Images are drawn into the unit square under the current matrix.
      const corners = [point(0, 0), point(1, 0), point(0, 1), point(1, 1)];
      const xs = corners.map((c) => c[0]);
      const ys = corners.map((c) => c[1]);
      imageArea += (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    } else if (fn === OPS.constructPath) {
      const paint = args[0] as number;
      const paths = (args[1] as ArrayLike<number>[] | undefined) ?? [];
      const fill = FILLS.has(paint);
      const stroke = STROKES.has(paint);
      if (!fill && !stroke) continue;
      for (const path of paths) segments.push(...segmentsOfPath(path, point, fill, stroke));
    }
  }
  return { segments, imageArea };
}

const MOVE = 0;
const LINE = 1;
const CURVE = 2;
const QUAD = 3;
const CLOSE = 4;

/** A path's axis-aligned pieces: stroked lines as they are; a filled thin rectangle as its centre line. */
function segmentsOfPath(path: ArrayLike<number>, point: (x: number, y: number) => [number, number], fill: boolean, stroke: boolean): Segment[] {
  const out: Segment[] = [];
  const polygon: [number, number][] = [];
  let start: [number, number] | undefined;
  let current: [number, number] | undefined;
  let curved = false;
  const flushPolygon = () => {
    if (fill && polygon.length >= 3 && !curved) {
      const xs = polygon.map((p) => p[0]);
      const ys = polygon.map((p) => p[1]);
      const box = { x1: Math.min(...xs), x2: Math.max(...xs), y1: Math.min(...ys), y2: Math.max(...ys) };
      const w = box.x2 - box.x1;
      const h = box.y2 - box.y1;
      if (h <= 2.5 && w > 2) out.push({ x1: box.x1, x2: box.x2, y1: (box.y1 + box.y2) / 2, y2: (box.y1 + box.y2) / 2 });
      else if (w <= 2.5 && h > 2) out.push({ x1: (box.x1 + box.x2) / 2, x2: (box.x1 + box.x2) / 2, y1: box.y1, y2: box.y2 });
    }
    polygon.length = 0;
    curved = false;
  };
  for (let i = 0; i < path.length; ) {
    const op = path[i]!;
    if (op === MOVE) {
      flushPolygon();
      current = point(path[i + 1]!, path[i + 2]!);
      start = current;
      polygon.push(current);
      i += 3;
    } else if (op === LINE) {
      const next = point(path[i + 1]!, path[i + 2]!);
      if (stroke && current) out.push({ x1: current[0], y1: current[1], x2: next[0], y2: next[1] });
      current = next;
      polygon.push(next);
      i += 3;
    } else if (op === CURVE) {
      curved = true;
      current = point(path[i + 5]!, path[i + 6]!);
      i += 7;
    } else if (op === QUAD) {
      curved = true;
      current = point(path[i + 3]!, path[i + 4]!);
      i += 5;
    } else if (op === CLOSE) {
      if (stroke && current && start) out.push({ x1: current[0], y1: current[1], x2: start[0], y2: start[1] });
      current = start;
      i += 1;
    } else break;
  }
  flushPolygon();
  // Keep only axis-aligned pieces; diagonals are drawings, not rulings.
  return out.filter((s) => Math.abs(s.x1 - s.x2) <= 2.5 || Math.abs(s.y1 - s.y2) <= 2.5);
}

async function assemble(doc: PdfDocument, readings: PdfPageReading[], options: ReadPdfOptions, bytes: Uint8Array): Promise<ExtractedDocument> {
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

/**
 * One page read by PDFium -> the same reading pdf.js gives (./text-layer.ts): text items, rulings
 * and image coverage. PDFium reports characters, so they are joined into items as pdf.js joins
 * glyphs (its getTextContent factors: a gap up to 0.102 em joins, up to 0.6 em joins with one
 * space, wider, a step back of 0.2 em or another font or size starts a new item); each item's box is pdf.js's (0.85 em
 * above the baseline, 0.15 em below, its advance wide). Paths and images come from the page's
 * objects, form XObjects included, through the same ruling filter as pdf.js's operators.
 */
import { UnreadableDocumentError } from "../../shared/errors.ts";
import type { Segment, TextItem } from "./geometry.ts";
import { segmentsOfPath } from "./page-drawing.ts";
import { heapOf, type Pdfium, type PdfiumCalls, type PdfiumDocument } from "./pdfium.ts";
import { classifyPage, type PdfPageReading } from "./text-layer.ts";

type Point = [number, number];
type Matrix = [number, number, number, number, number, number];

const OBJECT = { TEXT: 1, PATH: 2, IMAGE: 3, FORM: 5 } as const;
const SEGMENT = { LINETO: 0, BEZIERTO: 1, MOVETO: 2 } as const;
/** pdf.js's path operators, which ./page-drawing.ts reads. */
const PATH_OP = { MOVE: 0, LINE: 1, CURVE: 2, CLOSE: 4 } as const;
const JOIN_GAP = 0.102;
const SPACE_GAP = 0.6;
const STEP_BACK = -0.2;

/** A scratch buffer in PDFium's memory for out-parameters, and typed views onto it (made anew only when that memory grows). */
class Scratch {
  readonly ptr: number;
  private views?: { buffer: ArrayBufferLike; f32: Float32Array; f64: Float64Array; i32: Int32Array };
  constructor(private readonly pdfium: Pdfium) {
    this.ptr = pdfium.pdfium.wasmExports.malloc(64);
  }
  private view() {
    const { buffer } = heapOf(this.pdfium);
    if (this.views?.buffer !== buffer) {
      this.views = { buffer, f32: new Float32Array(buffer, this.ptr, 16), f64: new Float64Array(buffer, this.ptr, 8), i32: new Int32Array(buffer, this.ptr, 16) };
    }
    return this.views;
  }
  f32(i: number): number {
    return this.view().f32[i]!;
  }
  f64(i: number): number {
    return this.view().f64[i]!;
  }
  i32(i: number): number {
    return this.view().i32[i]!;
  }
  matrix(): Matrix {
    return [this.f32(0), this.f32(1), this.f32(2), this.f32(3), this.f32(4), this.f32(5)];
  }
  free(): void {
    this.pdfium.pdfium.wasmExports.free(this.ptr);
  }
}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
/** m applied after n (n's space into m's). */
function compose(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}
const apply = (m: Matrix, x: number, y: number): Point => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** Page space -> top-down view points, as pdf.js's viewport at scale 1 (crop box and /Rotate applied by PDFium). */
function viewTransform(pdfium: PdfiumCalls, page: number, width: number, height: number, scratch: Scratch): Matrix {
  // FPDF_PageToDevice answers in whole device pixels: a device 1,000 times the page keeps 0.001 pt.
  const SCALE = 1000;
  const device = (x: number, y: number): Point => {
    pdfium.FPDF_PageToDevice(page, 0, 0, width * SCALE, height * SCALE, 0, x, y, scratch.ptr, scratch.ptr + 4);
    return [scratch.i32(0) / SCALE, scratch.i32(1) / SCALE];
  };
  const o = device(0, 0);
  const ex = device(1000, 0);
  const ey = device(0, 1000);
  return [(ex[0] - o[0]) / 1000, (ex[1] - o[1]) / 1000, (ey[0] - o[0]) / 1000, (ey[1] - o[1]) / 1000, o[0], o[1]];
}

type Run = { text: string; x: number; baseline: number; right: number; size: number; font: number; matrix: Matrix; glyphBox?: [number, number, number, number] };

/** A glyph of a vertical font (Identity-V, as WPS prints stacked table labels): PDFium's loose box runs far along the line. */
const VERTICAL_ADVANCE = 2.5;

/** The page's characters joined into runs the way pdf.js joins glyphs into text items. */
function readRuns(pdfium: PdfiumCalls, textPage: number, scratch: Scratch): Run[] {
  const runs: Run[] = [];
  const objects = new Map<number, { matrix: Matrix; size: number; font: number }>();
  let run: Run | undefined;
  const count = pdfium.FPDFText_CountChars(textPage);
  for (let k = 0; k < count; k += 1) {
    if (pdfium.FPDFText_IsGenerated(textPage, k)) continue;
    const ch = String.fromCharCode(pdfium.FPDFText_GetUnicode(textPage, k));
    const object = pdfium.FPDFText_GetTextObject(textPage, k);
    let style = objects.get(object);
    if (!style) {
      pdfium.FPDFText_GetMatrix(textPage, k, scratch.ptr);
      const matrix = scratch.matrix();
      pdfium.FPDFTextObj_GetFontSize(object, scratch.ptr);
      style = { matrix, size: scratch.f32(0) * Math.hypot(matrix[2], matrix[3]), font: pdfium.FPDFTextObj_GetFont(object) };
      objects.set(object, style);
    }
    pdfium.FPDFText_GetCharOrigin(textPage, k, scratch.ptr, scratch.ptr + 8);
    const x = scratch.f64(0);
    const y = scratch.f64(1);
    pdfium.FPDFText_GetLooseCharBox(textPage, k, scratch.ptr);
    const right = Math.max(x, scratch.f32(2));
    const size = style.size || 1;
    const rotated = Math.abs(style.matrix[1]) > Math.abs(style.matrix[0]);
    if (right - x > VERTICAL_ADVANCE * size) {
      // Each stacked glyph is its own item at its drawn box; the cell joins them as lines.
      pdfium.FPDFText_GetCharBox(textPage, k, scratch.ptr, scratch.ptr + 8, scratch.ptr + 16, scratch.ptr + 24);
      run = undefined;
      runs.push({ text: ch, x, baseline: y, right, size, font: style.font, matrix: style.matrix, glyphBox: [scratch.f64(0), scratch.f64(1), scratch.f64(2), scratch.f64(3)] });
      continue;
    }
    const gap = run ? (x - run.right) / run.size : 0;
    // pdf.js starts a new item at every change of font or size (Tf), as WPS and Chromium make between digits and CJK.
    const joins = run && !rotated && run.font === style.font && run.size === size && Math.abs(y - run.baseline) <= run.size && gap >= STEP_BACK && gap <= SPACE_GAP;
    if (run && joins) {
      if (/\s/.test(ch)) {
        if (!run.text.endsWith(" ")) run.text += " ";
      } else {
        if (gap > JOIN_GAP && !run.text.endsWith(" ")) run.text += " ";
        run.text += ch;
      }
      run.right = Math.max(run.right, right);
      continue;
    }
    run = { text: ch, x, baseline: y, right, size, font: style.font, matrix: style.matrix };
    runs.push(run);
  }
  return runs;
}

/** A run as pdf.js's text item: top-down box from the baseline, CJK radicals repaired later by classifyPage. */
function itemOfRun(run: Run, view: Matrix): TextItem {
  if (run.glyphBox) {
    const [left, right, bottom, top] = run.glyphBox;
    const [x0, y0] = apply(view, left, top);
    const [x1, y1] = apply(view, right, bottom);
    return { text: run.text, x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
  }
  const rotated = Math.abs(run.matrix[1]) > Math.abs(run.matrix[0]);
  const [x0, y0] = apply(view, run.x, run.baseline + run.size * 0.85);
  const [x1, y1] = apply(view, rotated ? run.x : run.right, run.baseline - run.size * 0.15);
  return { text: run.text, x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
}

/** A path object's segments in pdf.js's operator form (MOVE x y, LINE x y, CURVE 6 numbers, CLOSE). */
function pathOf(pdfium: PdfiumCalls, object: number, scratch: Scratch): number[] {
  const path: number[] = [];
  let curvePointsLeft = 0;
  const count = pdfium.FPDFPath_CountSegments(object);
  for (let s = 0; s < count; s += 1) {
    const segment = pdfium.FPDFPath_GetPathSegment(object, s);
    pdfium.FPDFPathSegment_GetPoint(segment, scratch.ptr, scratch.ptr + 4);
    const point = [scratch.f32(0), scratch.f32(1)];
    const type = pdfium.FPDFPathSegment_GetType(segment);
    if (type === SEGMENT.MOVETO) path.push(PATH_OP.MOVE, ...point);
    else if (type === SEGMENT.LINETO) path.push(PATH_OP.LINE, ...point);
    else if (type === SEGMENT.BEZIERTO) {
      // PDFium lists a curve as three BEZIERTO points (two controls, then the end).
      if (curvePointsLeft === 0) {
        path.push(PATH_OP.CURVE);
        curvePointsLeft = 3;
      }
      path.push(...point);
      curvePointsLeft -= 1;
    }
    if (pdfium.FPDFPathSegment_GetClose(segment)) path.push(PATH_OP.CLOSE);
  }
  return path;
}

type Drawing = { segments: Segment[]; imageArea: number };

/** Rulings and image area of a list of page objects (a page's, or a form XObject's under its matrix). */
function readObjects(pdfium: PdfiumCalls, objects: { count: number; get: (i: number) => number }, toView: Matrix, scratch: Scratch, out: Drawing): void {
  for (let i = 0; i < objects.count; i += 1) {
    const object = objects.get(i);
    const type = pdfium.FPDFPageObj_GetType(object);
    if (type === OBJECT.TEXT) continue;
    if (type === OBJECT.FORM) {
      pdfium.FPDFPageObj_GetMatrix(object, scratch.ptr);
      const inner = compose(toView, scratch.matrix());
      readObjects(pdfium, { count: pdfium.FPDFFormObj_CountObjects(object), get: (j) => pdfium.FPDFFormObj_GetObject(object, j) }, inner, scratch, out);
    } else if (type === OBJECT.IMAGE) {
      pdfium.FPDFPageObj_GetBounds(object, scratch.ptr, scratch.ptr + 4, scratch.ptr + 8, scratch.ptr + 12);
      const [l, b, r, t] = [scratch.f32(0), scratch.f32(1), scratch.f32(2), scratch.f32(3)];
      const corners = [apply(toView, l, b), apply(toView, r, t)];
      out.imageArea += Math.abs(corners[1]![0] - corners[0]![0]) * Math.abs(corners[1]![1] - corners[0]![1]);
    } else if (type === OBJECT.PATH) {
      pdfium.FPDFPath_GetDrawMode(object, scratch.ptr, scratch.ptr + 4);
      const fill = scratch.i32(0) !== 0;
      const stroke = scratch.i32(1) !== 0;
      if (!fill && !stroke) continue;
      pdfium.FPDFPageObj_GetMatrix(object, scratch.ptr);
      const matrix = compose(toView, scratch.matrix());
      out.segments.push(...segmentsOfPath(pathOf(pdfium, object, scratch), (x, y) => apply(matrix, x, y), fill, stroke));
    }
  }
}

/** Reads page `number` (1-based) of an open document: text items, rulings, image coverage, whether it needs OCR. */
export function readPdfiumPage(doc: PdfiumDocument, number: number): PdfPageReading {
  const pdfium = doc.calls;
  const page = pdfium.FPDF_LoadPage(doc.handle, number - 1);
  if (!page) throw new UnreadableDocumentError(`PDF 第 ${number} 页已损坏，文件可能不完整 (page ${number} of the PDF is damaged; the file may be truncated)`);
  const scratch = new Scratch(doc.pdfium);
  const textPage = pdfium.FPDFText_LoadPage(page);
  try {
    const width = pdfium.FPDF_GetPageWidthF(page);
    const height = pdfium.FPDF_GetPageHeightF(page);
    const view = viewTransform(pdfium, page, width, height, scratch);
    const items = readRuns(pdfium, textPage, scratch).map((run) => itemOfRun(run, view));
    const drawing: Drawing = { segments: [], imageArea: 0 };
    readObjects(pdfium, { count: pdfium.FPDFPage_CountObjects(page), get: (i) => pdfium.FPDFPage_GetObject(page, i) }, view, scratch, drawing);
    return classifyPage(number, { width, height, items, segments: drawing.segments }, drawing.imageArea);
  } finally {
    if (textPage) pdfium.FPDFText_ClosePage(textPage);
    pdfium.FPDF_ClosePage(page);
    scratch.free();
  }
}

/** A page's drawing operators -> ruling segments and the area painted by images. */
import type { Segment } from "./geometry.ts";
import type { PdfJs } from "./open-pdf.ts";

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

export type OperatorList = { fnArray: number[]; argsArray: unknown[] };

/** Rulings (thin filled rectangles and stroked axis-aligned lines) and the area painted by images. */
export function readDrawing(pdfjs: PdfJs, operators: OperatorList, toView: (x: number, y: number) => [number, number]): { segments: Segment[]; imageArea: number } {
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
export function segmentsOfPath(path: ArrayLike<number>, point: (x: number, y: number) => [number, number], fill: boolean, stroke: boolean): Segment[] {
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

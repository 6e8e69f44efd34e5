/**
 * Ruling lines of a page image's tables: long runs of ink, kept when they lie on a grid of
 * crossing lines (../pdf/layout.ts finds the tables), and erased so the OCR engine sees cell
 * text only. ./image-prep.ts puts them together.
 */
import { findRuledTables, mergeRulings, type Segment } from "../pdf/layout.ts";
import { binarise, decodePage, type PageSource } from "./image-pixels.ts";

/**
 * Ruling lines: runs of ink at least `minLength` pixels long (gaps of up to `maxGap` bridged),
 * horizontal by rows and vertical by columns. Strokes of characters are shorter than a ruling.
 */
export function findRulings(ink: Uint8Array, width: number, height: number, minLength: number, maxGap = 3): Segment[] {
  const segments: Segment[] = [];
  const scan = (length: number, lines: number, at: (line: number, i: number) => number, emit: (line: number, from: number, to: number) => void) => {
    for (let line = 0; line < lines; line += 1) {
      let start = -1;
      let last = -1;
      for (let i = 0; i < length; i += 1) {
        if (ink[at(line, i)]) {
          if (start < 0 || i - last > maxGap + 1) {
            if (start >= 0 && last - start + 1 >= minLength) emit(line, start, last);
            start = i;
          }
          last = i;
        }
      }
      if (start >= 0 && last - start + 1 >= minLength) emit(line, start, last);
    }
  };
  scan(width, height, (y, x) => y * width + x, (y, x1, x2) => segments.push({ x1, y1: y, x2, y2: y }));
  scan(height, width, (x, y) => y * width + x, (x, y1, y2) => segments.push({ x1: x, y1, x2: x, y2 }));
  return segments;
}

/** Erases rulings from the ink mask (with a pixel of margin, for anti-aliased edges). */
export function eraseRulings(ink: Uint8Array, width: number, height: number, rulings: readonly Segment[]): void {
  paintRulings(ink, width, height, rulings, 1, 0);
}

/** Sets `value` on every pixel within `margin` pixels across each ruling. */
export function paintRulings(mask: Uint8Array, width: number, height: number, rulings: readonly Segment[], margin: number, value: 0 | 1): void {
  for (const s of rulings) {
    if (s.y1 === s.y2) {
      const [x1, x2] = [Math.max(0, s.x1 - margin + 1), Math.min(width - 1, s.x2 + margin - 1)];
      for (let y = Math.max(0, s.y1 - margin); y <= Math.min(height - 1, s.y1 + margin); y += 1) mask.fill(value, y * width + x1, y * width + x2 + 1);
    } else {
      const [y1, y2] = [Math.max(0, s.y1 - margin + 1), Math.min(height - 1, s.y2 + margin - 1)];
      for (let x = Math.max(0, s.x1 - margin); x <= Math.min(width - 1, s.x1 + margin); x += 1) {
        for (let y = y1; y <= y2; y += 1) mask[y * width + x] = value;
      }
    }
  }
}

/**
 * The candidate runs that lie on a table's grid: runs are merged into lines (in points, so the PDF
 * tolerances apply; a slightly tilted line arrives in pieces), lines inside a table that touch a
 * line of the other direction are kept (a character's stroke inside a cell touches no border),
 * and the runs that make up kept lines are returned.
 */
export function tableRulings(candidates: readonly Segment[], dpi: number): Segment[] {
  const k = 72 / dpi;
  const scaled = candidates.map((s) => ({ x1: s.x1 * k, y1: s.y1 * k, x2: s.x2 * k, y2: s.y2 * k }));
  const tables = findRuledTables(scaled);
  const inside = (x1: number, y1: number, x2: number, y2: number) =>
    tables.some((t) => x1 >= t.left - 3 && x2 <= t.right + 3 && y1 >= t.top - 3 && y2 <= t.bottom + 3);
  const { hs, vs } = mergeRulings(scaled);
  const touch = 2.5;
  const keptH = hs.filter((h) => inside(h.x1, h.y, h.x2, h.y) && vs.some((v) => v.x >= h.x1 - touch && v.x <= h.x2 + touch && h.y >= v.y1 - touch && h.y <= v.y2 + touch));
  const keptV = vs.filter((v) => inside(v.x, v.y1, v.x, v.y2) && hs.some((h) => v.x >= h.x1 - touch && v.x <= h.x2 + touch && h.y >= v.y1 - touch && h.y <= v.y2 + touch));
  return candidates.filter((_, i) => {
    const s = scaled[i]!;
    if (s.y1 === s.y2) return keptH.some((h) => Math.abs(h.y - s.y1) <= 2 && s.x1 >= h.x1 - 0.5 && s.x2 <= h.x2 + 0.5);
    return keptV.some((v) => Math.abs(v.x - s.x1) <= 2 && s.y1 >= v.y1 - 0.5 && s.y2 <= v.y2 + 0.5);
  });
}

/**
 * Whether a page image holds a ruled table (a grid of at least two rows and two columns), judged
 * cheaply at low resolution: used to OCR only the pages that hold the statistics tables.
 */
export async function pageHasTable(source: PageSource, dpi: number): Promise<boolean> {
  const grey = await decodePage(source);
  const ink = binarise(grey);
  const k = 72 / dpi;
  const runs = findRulings(ink, grey.width, grey.height, Math.max(8, Math.round((12 * dpi) / 72)), 2);
  const tables = findRuledTables(runs.map((r) => ({ x1: r.x1 * k, y1: r.y1 * k, x2: r.x2 * k, y2: r.y2 * k })));
  return tables.some((t) => {
    const { hs, vs } = mergeRulings(t.segments);
    return hs.length >= 3 && vs.length >= 3 && t.right - t.left > 144;
  });
}

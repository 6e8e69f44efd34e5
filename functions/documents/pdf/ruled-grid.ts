/** A ruled table -> its cell grid: grid lines from the rulings, missing borders as merged cells (rowspan/colspan). */
import type { BoundingBox, Cell } from "../model.ts";
import type { RuledTable, TextItem } from "./geometry.ts";
import { MIN_CELL, splitSegments } from "./rulings.ts";
import { groupLines, joinCellLines, joinLine } from "./text-lines.ts";

const COVER = 0.6; // share of a grid edge a ruling must cover to count as a border

/** Cluster positions closer than `gap` into their mean. */
function clusterPositions(values: number[], gap: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const v of sorted) {
    const last = out.at(-1);
    if (last && v - last[last.length - 1]! < gap) last.push(v);
    else out.push([v]);
  }
  return out.map((c) => c.reduce((s, v) => s + v, 0) / c.length);
}

function coverage(from: number, to: number, spans: readonly [number, number][]): number {
  let covered = 0;
  for (const [a, b] of spans) covered += Math.max(0, Math.min(to, b) - Math.max(from, a));
  return to > from ? covered / (to - from) : 1;
}

/**
 * The cell's box in page coordinates: a joined table's cell is moved back onto the page of the
 * part it was printed in (a cell spanning two parts has no single page and gets no box).
 */
function placeCell(cell: Cell, table: RuledTable, stacked: BoundingBox): void {
  if (!table.joined) {
    cell.box = stacked;
    return;
  }
  const parts = table.parts ?? [];
  const partOf = (y: number) => parts.findLast((p) => p.from <= y + MIN_CELL / 2);
  const part = partOf(stacked.top);
  if (!part || partOf(stacked.top + stacked.height - MIN_CELL) !== part) return;
  cell.box = { ...stacked, top: stacked.top - part.shift };
  cell.page = part.page;
}

/** Builds the cell grid of a ruled table; returns undefined if it is a single cell (a frame, not a table). */
export function gridOfRuledTable(table: RuledTable): Cell[][] | undefined {
  const { hs, vs } = splitSegments(table.segments);
  const xs = clusterPositions([...vs.map((v) => v.x), table.left, table.right], MIN_CELL);
  const ys = clusterPositions([...hs.map((h) => h.y), table.top, table.bottom], MIN_CELL);
  const rows = ys.length - 1;
  const cols = xs.length - 1;
  if (rows < 1 || cols < 1) return undefined;
  const near = (a: number, b: number) => Math.abs(a - b) < MIN_CELL;
  const parent = Array.from({ length: rows * cols }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  // The rulings on each grid line, found once per line rather than once per cell.
  const onColumnLine = xs.map((x) => vs.filter((v) => near(v.x, x)).map((v): [number, number] => [v.y1, v.y2]));
  const onRowLine = ys.map((y) => hs.filter((h) => near(h.y, y)).map((h): [number, number] => [h.x1, h.x2]));
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      if (c + 1 < cols && coverage(ys[r]!, ys[r + 1]!, onColumnLine[c + 1]!) < COVER) union(r * cols + c, r * cols + c + 1);
      if (r + 1 < rows && coverage(xs[c]!, xs[c + 1]!, onRowLine[r + 1]!) < COVER) union(r * cols + c, (r + 1) * cols + c);
    }
  }
  type Merged = { r0: number; c0: number; r1: number; c1: number; items: TextItem[] };
  const merged = new Map<number, Merged>();
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      const root = find(r * cols + c);
      const m = merged.get(root);
      if (!m) merged.set(root, { r0: r, c0: c, r1: r, c1: c, items: [] });
      else {
        m.r0 = Math.min(m.r0, r);
        m.c0 = Math.min(m.c0, c);
        m.r1 = Math.max(m.r1, r);
        m.c1 = Math.max(m.c1, c);
      }
    }
  }
  if (merged.size <= 1) return undefined;
  const index = (edges: readonly number[], v: number) => {
    let i = 0;
    while (i < edges.length - 2 && v >= edges[i + 1]!) i += 1;
    return i;
  };
  for (const item of table.items) {
    const cx = item.x + item.width / 2;
    const cy = item.y + item.height / 2;
    const m = merged.get(find(index(ys, cy) * cols + index(xs, cx)));
    m?.items.push(item);
  }
  // Grid rows or columns where no cell starts are artefacts of misaligned rulings: drop them from spans.
  const cells = [...merged.values()];
  const rowStarts = new Set(cells.map((m) => m.r0));
  const colStarts = new Set(cells.map((m) => m.c0));
  const countIn = (set: Set<number>, from: number, to: number) => {
    let n = 0;
    for (let i = from; i <= to; i += 1) if (set.has(i)) n += 1;
    return n;
  };
  const grid: Cell[][] = [];
  for (let r = 0; r < rows; r += 1) {
    if (!rowStarts.has(r)) continue;
    const row = cells
      .filter((m) => m.r0 === r)
      .sort((a, b) => a.c0 - b.c0)
      .map((m) => {
        const cell: Cell = { text: joinCellLines(groupLines(m.items).map(joinLine)) };
        const confidences = m.items.flatMap((i) => (i.confidence === undefined || i.text.trim() === "" ? [] : [i.confidence]));
        if (confidences.length > 0) cell.confidence = Math.min(...confidences);
        const rowSpan = countIn(rowStarts, m.r0, m.r1);
        const colSpan = countIn(colStarts, m.c0, m.c1);
        if (rowSpan > 1) cell.rowSpan = rowSpan;
        if (colSpan > 1) cell.colSpan = colSpan;
        placeCell(cell, table, { left: xs[m.c0]!, top: ys[m.r0]!, width: xs[m.c1 + 1]! - xs[m.c0]!, height: ys[m.r1 + 1]! - ys[m.r0]! });
        return cell;
      });
    grid.push(row);
  }
  return grid;
}

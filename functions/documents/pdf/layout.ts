/**
 * Page geometry -> blocks. Pure functions over positioned text items and ruling segments (top-down
 * coordinates in points), so they are tested without PDFs:
 * - ruled tables: the segments drawn as cell borders give the grid exactly; a missing border
 *   between two grid cells is a merge (rowspan/colspan);
 * - tables continuing across pages are joined by stacking their rulings;
 * - text outside tables becomes lines; runs of lines split by wide gaps become borderless tables.
 */
import type { Block, Cell } from "../model.ts";

export type TextItem = {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** OCR confidence of the word, 0..100. */
  confidence?: number;
};
export type Segment = { x1: number; y1: number; x2: number; y2: number };
export type PageGeometry = { width: number; height: number; items: TextItem[]; segments: Segment[] };

/** A table found by its rulings, kept geometric until the page order is final (so continuations can join). */
export type RuledTable = {
  kind: "ruled";
  top: number;
  bottom: number;
  left: number;
  right: number;
  segments: Segment[];
  items: TextItem[];
  /** Parts from later pages were stacked in (cell boxes would then not be page coordinates). */
  joined?: boolean;
};
export type LaidOutBlock = { top: number; block: Block } | { top: number; table: RuledTable };
export type LaidOutPage = { blocks: LaidOutBlock[] };

const SNAP = 2; // points: rulings closer than this are the same line
const MIN_CELL = 4; // points: grid lines closer than this are a double border, not a cell
const COVER = 0.6; // share of a grid edge a ruling must cover to count as a border

type H = { y: number; x1: number; x2: number };
type V = { x: number; y1: number; y2: number };

/** Rulings as merged horizontal and vertical lines (exported for scans, whose lines come in pieces). */
export function mergeRulings(segments: readonly Segment[]): { hs: { y: number; x1: number; x2: number }[]; vs: { x: number; y1: number; y2: number }[] } {
  return splitSegments(segments);
}

function splitSegments(segments: readonly Segment[]): { hs: H[]; vs: V[] } {
  const hs: H[] = [];
  const vs: V[] = [];
  for (const s of segments) {
    const x1 = Math.min(s.x1, s.x2);
    const x2 = Math.max(s.x1, s.x2);
    const y1 = Math.min(s.y1, s.y2);
    const y2 = Math.max(s.y1, s.y2);
    if (y2 - y1 <= SNAP && x2 - x1 > MIN_CELL) hs.push({ y: (y1 + y2) / 2, x1, x2 });
    else if (x2 - x1 <= SNAP && y2 - y1 > MIN_CELL) vs.push({ x: (x1 + x2) / 2, y1, y2 });
  }
  return { hs: mergeCollinear(hs), vs: mergeCollinear(vs.map((v) => ({ y: v.x, x1: v.y1, x2: v.y2 }))).map((m) => ({ x: m.y, y1: m.x1, y2: m.x2 })) };
}

/**
 * Joins collinear rulings that touch or overlap (a border drawn cell by cell becomes one line; the
 * pieces of a slightly tilted scanned line, a pixel apart, become one line too).
 */
function mergeCollinear(lines: H[]): H[] {
  const sorted = [...lines].sort((a, b) => a.y - b.y);
  const clusters: H[][] = [];
  for (const line of sorted) {
    const cluster = clusters.at(-1);
    if (cluster && line.y - cluster[0]!.y <= SNAP) cluster.push(line);
    else clusters.push([line]);
  }
  const out: H[] = [];
  for (const cluster of clusters) {
    const y = cluster.reduce((s, l) => s + l.y * (l.x2 - l.x1), 0) / Math.max(1e-9, cluster.reduce((s, l) => s + (l.x2 - l.x1), 0));
    const spans = cluster.map((l) => [l.x1, l.x2] as [number, number]).sort((a, b) => a[0] - b[0]);
    let current: [number, number] | undefined;
    for (const span of spans) {
      if (current && span[0] <= current[1] + SNAP) current[1] = Math.max(current[1], span[1]);
      else {
        if (current) out.push({ y, x1: current[0], x2: current[1] });
        current = [span[0], span[1]];
      }
    }
    if (current) out.push({ y, x1: current[0], x2: current[1] });
  }
  return out;
}

function crosses(h: H, v: V): boolean {
  return v.x >= h.x1 - SNAP && v.x <= h.x2 + SNAP && h.y >= v.y1 - SNAP && h.y <= v.y2 + SNAP;
}

/** Groups rulings into tables: connected sets of crossing lines with at least two of each direction. */
export function findRuledTables(segments: readonly Segment[]): { top: number; bottom: number; left: number; right: number; segments: Segment[] }[] {
  const { hs, vs } = splitSegments(segments);
  const parent = [...hs.map((_, i) => i), ...vs.map((_, i) => hs.length + i)];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  hs.forEach((h, i) =>
    vs.forEach((v, j) => {
      if (crosses(h, v)) parent[find(i)] = find(hs.length + j);
    }),
  );
  const groups = new Map<number, { hs: H[]; vs: V[] }>();
  hs.forEach((h, i) => {
    const g = groups.get(find(i)) ?? { hs: [], vs: [] };
    g.hs.push(h);
    groups.set(find(i), g);
  });
  vs.forEach((v, j) => {
    const g = groups.get(find(hs.length + j)) ?? { hs: [], vs: [] };
    g.vs.push(v);
    groups.set(find(hs.length + j), g);
  });
  const tables = [];
  for (const g of groups.values()) {
    if (g.hs.length < 2 || g.vs.length < 2) continue;
    const left = Math.min(...g.hs.map((h) => h.x1), ...g.vs.map((v) => v.x));
    const right = Math.max(...g.hs.map((h) => h.x2), ...g.vs.map((v) => v.x));
    const top = Math.min(...g.vs.map((v) => v.y1), ...g.hs.map((h) => h.y));
    const bottom = Math.max(...g.vs.map((v) => v.y2), ...g.hs.map((h) => h.y));
    // Smaller grids are strokes of large characters (a scanned title's 十 or 田), not tables.
    if (right - left < 40 || bottom - top < 12) continue;
    tables.push({
      top,
      bottom,
      left,
      right,
      segments: [...g.hs.map((h) => ({ x1: h.x1, y1: h.y, x2: h.x2, y2: h.y })), ...g.vs.map((v) => ({ x1: v.x, y1: v.y1, x2: v.x, y2: v.y2 }))],
    });
  }
  return tables.sort((a, b) => a.top - b.top);
}

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

const isCjk = (ch: string | undefined) => ch !== undefined && /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/.test(ch);

/** Joins items into one line of text: a space where the gap is wide, nothing where glyph runs abut. */
export function joinLine(items: readonly TextItem[]): string {
  const sorted = [...items].sort((a, b) => a.x - b.x);
  let text = "";
  let end = -Infinity;
  for (const item of sorted) {
    const gap = item.x - end;
    const size = Math.max(item.height, 1);
    // Chinese is written without spaces: a gap between two CJK characters is spacing, not a word break.
    const cjkPair = isCjk(text.at(-1)) && isCjk(item.text[0]);
    if (text !== "" && gap > size * (cjkPair ? 1.5 : 0.3) && !text.endsWith(" ") && !item.text.startsWith(" ")) text += " ";
    text += item.text;
    end = Math.max(end, item.x + item.width);
  }
  return text.trim();
}

/** Groups items into lines (by vertical overlap), top to bottom. */
export function groupLines(items: readonly TextItem[]): TextItem[][] {
  const sorted = [...items].filter((i) => i.text.trim() !== "").sort((a, b) => a.y + a.height / 2 - (b.y + b.height / 2));
  const lines: { top: number; bottom: number; items: TextItem[] }[] = [];
  for (const item of sorted) {
    const line = lines.at(-1);
    // Same line when the vertical extents overlap by half the smaller one (a flat 一 sits inside its line).
    const overlap = line ? Math.min(line.bottom, item.y + item.height) - Math.max(line.top, item.y) : -1;
    if (line && overlap >= Math.min(line.bottom - line.top, item.height) * 0.5) {
      line.items.push(item);
      line.top = Math.min(line.top, item.y);
      line.bottom = Math.max(line.bottom, item.y + item.height);
    } else lines.push({ top: item.y, bottom: item.y + item.height, items: [item] });
  }
  return lines.map((l) => l.items.sort((a, b) => a.x - b.x));
}

/** Joins a cell's lines: wrapped CJK text and wrapped numbers join directly, other words with a space. */
function joinCellLines(lines: readonly string[]): string {
  let text = "";
  for (const line of lines) {
    if (text === "") text = line;
    else if (isCjk(text.at(-1)) || isCjk(line[0]) || (/\d$/.test(text) && /^\d/.test(line))) text += line;
    else text += ` ${line}`;
  }
  return text;
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
  for (let r = 0; r < rows; r += 1) {
    for (let c = 0; c < cols; c += 1) {
      if (c + 1 < cols) {
        const spans = vs.filter((v) => near(v.x, xs[c + 1]!)).map((v): [number, number] => [v.y1, v.y2]);
        if (coverage(ys[r]!, ys[r + 1]!, spans) < COVER) union(r * cols + c, r * cols + c + 1);
      }
      if (r + 1 < rows) {
        const spans = hs.filter((h) => near(h.y, ys[r + 1]!)).map((h): [number, number] => [h.x1, h.x2]);
        if (coverage(xs[c]!, xs[c + 1]!, spans) < COVER) union(r * cols + c, (r + 1) * cols + c);
      }
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
        if (!table.joined) cell.box = { left: xs[m.c0]!, top: ys[m.r0]!, width: xs[m.c1 + 1]! - xs[m.c0]!, height: ys[m.r1 + 1]! - ys[m.r0]! };
        return cell;
      });
    grid.push(row);
  }
  return grid;
}

/** Lays out one page: ruled tables (kept geometric) and lines of the remaining text, top to bottom. */
export function layoutPage(page: PageGeometry): LaidOutPage {
  const tables: RuledTable[] = findRuledTables(page.segments).map((t) => ({ kind: "ruled", ...t, items: [] }));
  const free: TextItem[] = [];
  for (const item of page.items) {
    const cx = item.x + item.width / 2;
    const cy = item.y + item.height / 2;
    const table = tables.find((t) => cx >= t.left && cx <= t.right && cy >= t.top && cy <= t.bottom);
    if (table) table.items.push(item);
    else free.push(item);
  }
  const blocks: LaidOutBlock[] = tables.map((table) => ({ top: table.top, table }));
  blocks.push(...linesToBlocks(groupLines(free)));
  return { blocks: blocks.sort((a, b) => a.top - b.top) };
}

/** Splits a line into chunks at gaps wider than two character widths (columns of a borderless table). */
function chunksOf(line: readonly TextItem[]): TextItem[][] {
  const chunks: TextItem[][] = [];
  let end = -Infinity;
  for (const item of line) {
    const size = Math.max(item.height, 1);
    if (chunks.length === 0 || item.x - end > size * 2) chunks.push([item]);
    else chunks.at(-1)!.push(item);
    end = Math.max(end, item.x + item.width);
  }
  return chunks;
}

function linesToBlocks(lines: readonly TextItem[][]): LaidOutBlock[] {
  const out: LaidOutBlock[] = [];
  let run: { top: number; cells: string[] }[] = [];
  const flush = () => {
    if (run.length >= 2) out.push({ top: run[0]!.top, block: { kind: "table", rows: run.map((r) => r.cells.map((text) => ({ text }))) } });
    else for (const r of run) out.push({ top: r.top, block: { kind: "paragraph", text: r.cells.join(" ") } });
    run = [];
  };
  for (const line of lines) {
    const top = Math.min(...line.map((i) => i.y));
    const chunks = chunksOf(line).map(joinLine);
    if (chunks.length >= 2) run.push({ top, cells: chunks });
    else {
      flush();
      out.push({ top, block: { kind: "paragraph", text: chunks.join(" ") } });
    }
  }
  flush();
  return out;
}

const PAGE_FURNITURE = /^[\s\-—–·第页共页\d/]*$/;

function isFurniture(block: LaidOutBlock): boolean {
  return "block" in block && block.block.kind === "paragraph" && PAGE_FURNITURE.test(block.block.text);
}

/**
 * Joins tables that continue on the next page: the last table of a page (page numbers may follow)
 * and the first table of the next page (a running header may precede) with the same left and right
 * edges become one, the second part's rulings stacked under the first's. A table may run over
 * several pages.
 */
export function joinContinuedTables(pages: LaidOutPage[]): void {
  let carry: RuledTable | undefined;
  for (const page of pages) {
    const blocks = page.blocks;
    if (carry) {
      let first = 0;
      while (first < blocks.length && isFurniture(blocks[first]!)) first += 1;
      const b = blocks[first];
      if (b && "table" in b && Math.abs(carry.left - b.table.left) <= 3 && Math.abs(carry.right - b.table.right) <= 3) {
        const part = b.table;
        const dy = carry.bottom - part.top;
        carry.segments.push(...part.segments.map((s) => ({ ...s, y1: s.y1 + dy, y2: s.y2 + dy })));
        carry.items.push(...part.items.map((it) => ({ ...it, y: it.y + dy })));
        carry.bottom = part.bottom + dy;
        carry.joined = true;
        blocks.splice(first, 1);
      }
    }
    const content = blocks.filter((b) => !isFurniture(b));
    if (content.length === 0 && carry) continue;
    const last = content.at(-1);
    carry = last && "table" in last ? last.table : undefined;
  }
}

/** The final blocks of a laid-out page. */
export function blocksOf(page: LaidOutPage): Block[] {
  const blocks: Block[] = [];
  for (const b of page.blocks) {
    if ("block" in b) blocks.push(b.block);
    else {
      const grid = gridOfRuledTable(b.table);
      if (grid) blocks.push({ kind: "table", rows: grid });
      else for (const line of groupLines(b.table.items)) blocks.push({ kind: "paragraph", text: joinLine(line) });
    }
  }
  return blocks;
}

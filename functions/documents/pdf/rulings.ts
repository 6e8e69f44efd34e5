/** Ruling segments -> merged horizontal/vertical lines, and their grouping into ruled tables. */
import type { Segment } from "./geometry.ts";

export const SNAP = 2; // points: rulings closer than this are the same line
export const MIN_CELL = 4; // points: grid lines closer than this are a double border, not a cell

export type H = { y: number; x1: number; x2: number };
export type V = { x: number; y1: number; y2: number };

/** Rulings as merged horizontal and vertical lines (exported for scans, whose lines come in pieces). */
export function mergeRulings(segments: readonly Segment[]): { hs: { y: number; x1: number; x2: number }[]; vs: { x: number; y1: number; y2: number }[] } {
  return splitSegments(segments);
}

export function splitSegments(segments: readonly Segment[]): { hs: H[]; vs: V[] } {
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

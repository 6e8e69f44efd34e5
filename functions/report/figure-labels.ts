/**
 * Labels of printed rows matched to the template's rows where the printing is imperfect:
 * a label wrapped over two printed rows (across a page break), and a misprinted or shortened
 * label placed by the template's row order and its likeness to the template's label.
 */
import { bareLabel, type CellValue, compact, readCell } from "./normalise.ts";
import type { Row } from "./read-figures.ts";

/** Likeness of two labels, 0..1: twice their longest common subsequence over their lengths. */
export function labelLikeness(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return (2 * prev[b.length]!) / (a.length + b.length);
}

/** How alike a printed label must be to the template's label to be taken as it. */
export const LIKENESS_THRESHOLD = 0.6;

/**
 * The template row a printed label is taken as, among the rows its place in the table leaves
 * open: the likeliest above the threshold, or none when two are equally likely.
 */
export function likeliestRow<T extends { label: string }>(printed: string, candidates: readonly T[]): T | undefined {
  const bare = bareLabel(printed);
  let best: T | undefined;
  let bestScore = LIKENESS_THRESHOLD;
  let tie = false;
  for (const candidate of candidates) {
    const score = labelLikeness(bare, bareLabel(candidate.label));
    if (score > bestScore + 1e-9) {
      best = candidate;
      bestScore = score;
      tie = false;
    } else if (best && Math.abs(score - bestScore) <= 1e-9) tie = true;
  }
  return tie ? undefined : best;
}

/** A printed row of figures: where it stands in the document, its innermost label, its value cells, the row it names. */
export type PrintedRow<D> = { index: number; label: string; values: CellValue[]; def?: D };

/**
 * Places the printed rows whose labels name no template row (a misprint such as
 * `2.其他法律行政止公开`, a shortened label): between the rows placed before and after it, the
 * template leaves some rows open, and the one its label is likeliest to is taken (`fits` says
 * whether its values fit that row's columns). Each row so placed is passed to `guessed`.
 */
export function placeByOrder<D extends { key: string; label: string }>(
  printed: PrintedRow<D>[],
  defs: readonly D[],
  taken: Set<string>,
  fits: (row: PrintedRow<D>, def: D) => boolean,
  guessed: (row: PrintedRow<D>, def: D) => void,
): void {
  const placed = printed.filter((p) => p.def);
  if (placed.length === 0) return;
  for (const row of printed) {
    if (row.def || row.index < placed[0]!.index - 1 || row.index > placed.at(-1)!.index + 1) continue;
    const before = placed.filter((p) => p.index < row.index).at(-1);
    const after = placed.find((p) => p.index > row.index);
    // Beyond the placed rows, only a row right next to them belongs to the table.
    if ((!before && after!.index - row.index > 1) || (!after && row.index - before!.index > 1)) continue;
    const from = before ? defs.indexOf(before.def!) : -1;
    const to = after ? defs.indexOf(after.def!) : defs.length;
    const open = defs.filter((d, i) => i > from && i < to && !taken.has(d.key) && fits(row, d));
    const def = likeliestRow(row.label, open);
    if (!def) continue;
    row.def = def;
    taken.add(def.key);
    placed.push(row);
    placed.sort((x, y) => x.index - y.index);
    guessed(row, def);
  }
}

/** Page furniture between the parts of a table continued on the next page: `- 3 -`, `第3页`, `3/6`. */
const PAGE_FURNITURE = /^(?:[-—–]*\d+[-—–]*|第\d+页(?:共\d+页)?|\d+\/\d+)$/;

/** The innermost label of a row of labels without figures (a wrapped label's other part), else null. */
function labelOnly(cells: Row): string | null {
  const text = cells.map(compact).filter((c) => c !== "");
  if (text.length === 0 || text.some((c) => readCell(c).kind !== "text")) return null;
  return text.at(-1)!;
}

/** The row next to row `index` in a direction, across empty rows and page furniture; null at the end. */
export function adjacentRow(rows: readonly Row[], index: number, direction: "before" | "after"): number | null {
  const step = direction === "before" ? -1 : 1;
  for (let i = index + step, seen = 0; i >= 0 && i < rows.length && seen < 4; i += step, seen++) {
    const text = rows[i]!.map(compact).join("");
    if (text === "" || PAGE_FURNITURE.test(text)) continue;
    return i;
  }
  return null;
}

/**
 * The other part of a label wrapped over two printed rows: the label-only row just before
 * (`before`) or just after (`after`) row `index`, across page furniture.
 */
export function wrappedPart(rows: readonly Row[], index: number, direction: "before" | "after"): string | null {
  const i = adjacentRow(rows, index, direction);
  return i === null ? null : labelOnly(rows[i]!);
}

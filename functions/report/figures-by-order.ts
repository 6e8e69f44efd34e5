/**
 * Reading by order: where a table's cells were flattened into running text (a PDF text layer),
 * the numbers are assigned to cells in the template's row and column order, using the runs of
 * numbers between header words as layout evidence. Where the layout leaves the order open, the
 * reading that satisfies the template's identities is chosen and its cells are marked as
 * inferred. A reading the layout makes clear is never changed to satisfy an identity.
 */
import { isNumber, located, notePlace, type Placements, REVIEW_CELLS, reviewFromValues, toNumber, unitNamedIn } from "./figure-cells.ts";
import { compact, type CellValue, type MoneyUnit, readCell } from "./normalise.ts";
import type { FigureTable, UnitAssumption } from "./read-figures.ts";
import { APPLICANT_COLUMNS, applicationRowsOf, disclosureItemsOf, type Edition, REVIEW_COLUMNS, REVIEW_GROUPS, REVIEW_PARTS } from "./template.ts";

/** Consecutive numbers in the running text; a header word or label between them ends a run. */
type Run = CellValue[];

/** The cell and word a character offset of the running text falls in (see read-figures.ts). */
export type Locate = (offset: number) => { row: number; cell: number; word: number } | undefined;

/** The runs of numbers of `text`, which starts at `base` in the running text; each number remembers its place. */
function runsOf(text: string, base: number, locate?: Locate): Run[] {
  const runs: Run[] = [];
  let current: Run = [];
  for (const match of text.matchAll(/\S+/g)) {
    const value = readCell(match[0]);
    const from = locate?.(base + match.index);
    if (isNumber(value)) current.push(from ? located(value, from) : value);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The text between the first match of `start` and the first match of `end` after it. */
function sliceBetween(text: string, start: RegExp, end: RegExp, from = 0): { text: string; start: number; end: number } | null {
  const s = start.exec(text.slice(from));
  if (!s) return null;
  const begin = from + s.index;
  const rest = text.slice(begin + s[0].length);
  const e = end.exec(rest);
  const stop = e ? begin + s[0].length + e.index : Math.min(text.length, begin + 4000);
  return { text: text.slice(begin + s[0].length, stop), start: begin + s[0].length, end: stop };
}

const MARK_DISCLOSURE = /第二十条第\(一\)项/;
const MARK_APPLICATIONS = /收到和处理政府信息公开申请情况/;
const MARK_REVIEW = /四、[^0-9]{0,16}行政复议/;
const MARK_END = /五、|六、|$/;

/**
 * Fills an item's rows × columns from the number runs. A run whose length is a multiple of the
 * column count holds whole rows; otherwise, at the start of an item, a run whose length is a
 * multiple of the row count holds whole columns (headers printed in blocks, e.g.
 * `本年新 本年新 制作数量 公开数量 0 0 15 15 对外公开总数量 0 65`).
 */
function fillItemByOrder(runs: Run[], rowCount: number, colCount: number): CellValue[][] | null {
  const grid: (CellValue | undefined)[][] = Array.from({ length: rowCount }, () => Array<CellValue | undefined>(colCount));
  let rowsDone = 0;
  let colsDone = 0;
  while (rowsDone < rowCount && colsDone < colCount) {
    const run = runs[0];
    if (!run || run.length === 0) return null;
    if (colsDone === 0 && run.length >= colCount && (run.length % colCount === 0 || run.length > (rowCount - rowsDone) * colCount)) {
      const take = Math.min(run.length - (run.length % colCount), (rowCount - rowsDone) * colCount);
      for (let i = 0; i < take; i++) grid[rowsDone + Math.floor(i / colCount)]![i % colCount] = run[i];
      rowsDone += take / colCount;
      runs[0] = run.slice(take);
    } else if (rowsDone === 0 && run.length % rowCount === 0 && run.length / rowCount <= colCount - colsDone) {
      const cols = run.length / rowCount;
      for (let i = 0; i < run.length; i++) grid[Math.floor(i / cols)]![colsDone + (i % cols)] = run[i];
      colsDone += cols;
      runs[0] = [];
    } else {
      return null;
    }
    if (runs[0]!.length === 0) runs.shift();
  }
  return grid.map((row) => row.map((v) => v ?? { kind: "blank" }));
}

/** Where the numbers read by order were printed: the running text's locator and the placements it fills. */
export type OrderPlaces = { locate?: Locate; placements?: Placements };

export function disclosureByOrder(text: string, edition: Edition, assumptions: UnitAssumption[], places: OrderPlaces = {}): FigureTable | null {
  const section = sliceBetween(text, MARK_DISCLOSURE, MARK_APPLICATIONS);
  if (!section) return null;
  const runs = runsOf(section.text, section.start, places.locate);
  const unitText = /采购总金额\S{0,20}/.exec(compact(section.text));
  const feeText = /收费金额\S{0,20}/.exec(compact(section.text));
  const units: Record<string, MoneyUnit | undefined> = {
    procurement: unitText ? unitNamedIn(unitText[0].slice(5)) : undefined,
    fees: feeText ? unitNamedIn(feeText[0].slice(4)) : undefined,
  };
  const table: FigureTable = {};
  for (const { rows, columns } of disclosureItemsOf(edition)) {
    const grid = fillItemByOrder(runs, rows.length, columns.length);
    if (!grid) return null;
    rows.forEach((row, r) => {
      table[row.key] = Object.fromEntries(
        columns.map((col, c) => [col.key, toNumber(grid[r]![c]!, col, `${row.key}.${col.key}`, { headerUnit: units[row.key] }, assumptions)]),
      );
      columns.forEach((col, c) => notePlace(places.placements, `${row.key}.${col.key}`, grid[r]![c]));
    });
  }
  return table;
}

export function applicationsByOrder(text: string, edition: Edition, notes: string[], places: OrderPlaces = {}): FigureTable | null {
  const section = sliceBetween(text, MARK_APPLICATIONS, MARK_REVIEW, Math.max(0, text.search(MARK_DISCLOSURE)));
  if (!section) return null;
  const numbers = runsOf(section.text, section.start, places.locate).flat();
  const defs = applicationRowsOf(edition);
  const needed = defs.length * APPLICANT_COLUMNS.length;
  if (numbers.length < needed) return null;
  if (numbers.length > needed) notes.push(`applications: ${numbers.length} numbers where the template has ${needed} cells; the first ${needed} were read`);
  const table: FigureTable = {};
  defs.forEach((def, r) => {
    table[def.key] = Object.fromEntries(
      APPLICANT_COLUMNS.map((col, c) => {
        const v = numbers[r * APPLICANT_COLUMNS.length + c]!;
        notePlace(places.placements, `${def.key}.${col.key}`, v);
        return [col.key, isNumber(v) ? v.value : 0];
      }),
    );
  });
  return table;
}

const reviewHolds = (table: FigureTable): boolean =>
  REVIEW_GROUPS.every((g) => {
    const row = table[g.key]!;
    return Math.abs(REVIEW_PARTS.reduce((s, k) => s + row[k]!, 0) - row.total!) < 1e-9;
  });

/**
 * Review and litigation from flattened text. Vertical headers make a PDF text layer print a
 * group's 总计 after later groups' cells, so readings where totals come last are candidates.
 * A candidate must keep each group's four result cells inside one run of numbers (layout
 * evidence); among those, the one that satisfies every group's total is taken, unless the plain
 * reading already does.
 */
/** Records the place of each review cell: `order[cell]` is the stream position it was read from. */
function placeReview(places: OrderPlaces, stream: readonly CellValue[], order: (cell: number) => number): void {
  const columns = REVIEW_CELLS / REVIEW_GROUPS.length;
  REVIEW_GROUPS.forEach((group, g) =>
    REVIEW_COLUMNS.forEach((col, c) => notePlace(places.placements, `${group.key}.${col.key}`, stream[order(g * columns + c)])),
  );
}

export function reviewByOrder(text: string, inferred: string[], places: OrderPlaces = {}): FigureTable | null {
  const from = Math.max(0, text.search(MARK_DISCLOSURE));
  const section = sliceBetween(text, MARK_REVIEW, MARK_END, from);
  if (!section) return null;
  const runs = runsOf(section.text, section.start, places.locate);
  const stream = runs.flat().slice(0, REVIEW_CELLS);
  if (stream.length < REVIEW_CELLS) return null;
  const values = stream.map((v) => (isNumber(v) ? v.value : 0));
  const runOf: number[] = runs.flatMap((run, i) => run.map(() => i));
  const plain = reviewFromValues(values);
  const plainReading = (): FigureTable => {
    placeReview(places, stream, (cell) => cell);
    return plain;
  };
  if (reviewHolds(plain)) return plainReading();

  const groups = REVIEW_GROUPS.length;
  const parts = REVIEW_PARTS.length;
  const readings = new Map<string, { table: FigureTable; moved: number[]; order: number[] }>();
  for (let mask = 1; mask < 1 << groups; mask++) {
    const order: number[] = []; // template cell index for each stream position
    const deferred: number[] = [];
    let layoutOk = true;
    for (let g = 0; g < groups; g++) {
      const start = order.length;
      for (let p = 0; p < parts; p++) order.push(g * (parts + 1) + p);
      if (new Set(runOf.slice(start, start + parts)).size > 1) layoutOk = false;
      if (mask & (1 << g)) deferred.push(g * (parts + 1) + parts);
      else order.push(g * (parts + 1) + parts);
    }
    if (!layoutOk) continue;
    order.push(...deferred);
    const cellValues = Array<number>(REVIEW_CELLS);
    order.forEach((cell, pos) => (cellValues[cell] = values[pos]!));
    const table = reviewFromValues(cellValues);
    if (reviewHolds(table)) readings.set(JSON.stringify(cellValues), { table, moved: deferred, order });
  }
  if (readings.size !== 1) return plainReading();
  const [only] = readings.values();
  placeReview(places, stream, (cell) => only!.order.indexOf(cell));
  for (const cell of only!.moved) {
    const group = REVIEW_GROUPS[Math.floor(cell / (parts + 1))]!;
    inferred.push(`${group.key}.total`);
  }
  return only!.table;
}

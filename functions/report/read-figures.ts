/**
 * Places a report's figures into the template's cells.
 *
 * Two readings, both driven by the template:
 * - by rows: a printed row is label cells then value cells; the innermost label names the
 *   template row, and the values are fitted to the row's columns (blank cells are 0);
 * - by order: where a table's cells were flattened into running text (a PDF text layer), the
 *   numbers are assigned to cells in the template's row and column order, using the runs of
 *   numbers between header words as layout evidence. Where the layout leaves the order open,
 *   the reading that satisfies the template's identities is chosen and its cells are marked
 *   as inferred. A reading the layout makes clear is never changed to satisfy an identity.
 */
import { bareLabel, compact, type CellValue, MONEY_UNIT, type MoneyUnit, readCell, shiftDecimal } from "./normalise.ts";
import {
  APPLICANT_COLUMNS,
  type ApplicationRowDef,
  applicationRowsOf,
  type ColumnDef,
  disclosureItemsOf,
  type Edition,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  REVIEW_PARTS,
  type SectionKey,
} from "./template.ts";

export type Row = string[];
export type FigureTable = Record<string, Record<string, number>>;

/** `grid`: placed by grid position because the labels were unreadable (see read-grid.ts). */
export const LAYOUT = { ROWS: "rows", ORDER: "order", GRID: "grid", MISSING: "missing" } as const;
export type Layout = (typeof LAYOUT)[keyof typeof LAYOUT];

export type UnitAssumption = { cell: string; printed: number; recorded: number; label: string };

export type FigureReading = {
  activeDisclosure: FigureTable;
  applications: FigureTable;
  reviewLitigation: FigureTable;
  layout: Record<SectionKey, Layout>;
  /** Cells (`<row>.<column>`) whose place was chosen by an identity, not read from the layout. */
  inferredCells: string[];
  unitAssumptions: UnitAssumption[];
  notes: string[];
};

const isBlank = (v: CellValue): boolean => v.kind === "blank";
const isNumber = (v: CellValue): v is Extract<CellValue, { kind: "number" }> => v.kind === "number";

/** Splits a printed row into its label cells and the value cells after the last label. */
function splitRow(cells: readonly string[]): { labels: string[]; values: CellValue[] } {
  const read = cells.map(readCell);
  let last = -1;
  read.forEach((v, i) => {
    if (v.kind === "text") last = i;
  });
  return { labels: cells.slice(0, last + 1).filter((c) => compact(c) !== ""), values: read.slice(last + 1) };
}

/**
 * Fits a row's value cells to the `count` columns of its template row. Extra cells are the
 * layout's padding (a merged label exported as two cells, trailing separators): blanks are
 * dropped from the front, then from the back. Missing trailing cells are blank.
 */
function fitValues(values: readonly CellValue[], count: number): CellValue[] | null {
  let v = [...values];
  while (v.length > count && isBlank(v[0]!)) v.shift();
  while (v.length > count && isBlank(v[v.length - 1]!)) v.pop();
  if (v.length > count) {
    const numbers = v.filter(isNumber);
    if (numbers.length !== count) return null;
    v = numbers;
  }
  if (v.length < count) {
    if (!v.some(isNumber)) return null;
    v = [...v, ...Array.from({ length: count - v.length }, (): CellValue => ({ kind: "blank" }))];
  }
  return v;
}

type MoneyContext = { headerUnit?: MoneyUnit };

function toNumber(
  value: CellValue,
  column: ColumnDef,
  cell: string,
  money: MoneyContext,
  assumptions: UnitAssumption[],
): number {
  if (!isNumber(value)) return 0;
  if (!column.money) return value.value;
  const unit = value.unit ?? money.headerUnit;
  if (unit === MONEY_UNIT.WAN) return value.value;
  if (unit === MONEY_UNIT.YI) return shiftDecimal(value.raw, 4);
  const recorded = value.value / 10000;
  if (unit === undefined && value.value !== 0) assumptions.push({ cell, printed: value.value, recorded, label: column.label });
  return recorded;
}

/** The unit a money column's header names, e.g. `采购总金额（单位：万元，保留4位小数）`. */
function unitNamedIn(text: string): MoneyUnit | undefined {
  const m = /(?:单位[:：]?)?(亿元|万元|元)/.exec(text);
  if (!m) return undefined;
  return m[1] === "亿元" ? MONEY_UNIT.YI : m[1] === "万元" ? MONEY_UNIT.WAN : MONEY_UNIT.YUAN;
}

const MONEY_HEADERS: Record<string, string> = { procurement: "采购总金额", fees: "收费金额" };

function headerUnits(rows: readonly Row[]): Record<string, MoneyUnit | undefined> {
  const out: Record<string, MoneyUnit | undefined> = {};
  for (const [rowKey, header] of Object.entries(MONEY_HEADERS)) {
    for (const row of rows) {
      const cell = row.find((c) => compact(c).includes(header));
      if (cell !== undefined) {
        const after = compact(cell).slice(compact(cell).indexOf(header) + header.length);
        out[rowKey] = unitNamedIn(after);
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading by rows

function disclosureByRows(rows: readonly Row[], edition: Edition, assumptions: UnitAssumption[]): FigureTable {
  const units = headerUnits(rows);
  const table: FigureTable = {};
  const wanted = disclosureItemsOf(edition).flatMap(({ rows: defs, columns }) => defs.map((def) => ({ def, columns })));
  for (const cells of rows) {
    if (cells.length < 2) continue;
    const { labels, values } = splitRow(cells);
    const label = labels.at(-1);
    if (label === undefined || values.length === 0) continue;
    const name = compact(label);
    const match = wanted.find(({ def }) => def.variants.includes(name) || def.variants.includes(bareLabel(label)));
    if (!match || table[match.def.key]) continue;
    const fitted = fitValues(values, match.columns.length);
    if (!fitted) continue;
    const money = { headerUnit: units[match.def.key] };
    table[match.def.key] = Object.fromEntries(
      match.columns.map((col, i) => [col.key, toNumber(fitted[i]!, col, `${match.def.key}.${col.key}`, money, assumptions)]),
    );
  }
  return table;
}

function matchApplicationRow(labels: readonly string[], defs: readonly ApplicationRowDef[]): ApplicationRowDef | undefined {
  for (let i = labels.length - 1; i >= 0; i--) {
    const name = compact(labels[i]!);
    const bare = bareLabel(labels[i]!);
    const def = defs.find((d) => d.phrases.some((p) => name.includes(p)) || (d.exact ?? []).includes(bare));
    if (def) return def;
  }
  return undefined;
}

function applicationsByRows(rows: readonly Row[], edition: Edition): FigureTable {
  const defs = applicationRowsOf(edition);
  const table: FigureTable = {};
  for (const cells of rows) {
    if (cells.length < 2) continue;
    const { labels, values } = splitRow(cells);
    if (labels.length === 0) continue;
    if (values.length < APPLICANT_COLUMNS.length && !values.some(isNumber)) continue;
    const def = matchApplicationRow(labels, defs);
    if (!def || table[def.key]) continue;
    const fitted = fitValues(values, APPLICANT_COLUMNS.length);
    if (!fitted) continue;
    table[def.key] = Object.fromEntries(APPLICANT_COLUMNS.map((col, i) => [col.key, isNumber(fitted[i]!) ? (fitted[i] as { value: number }).value : 0]));
  }
  return table;
}

const REVIEW_CELLS = REVIEW_GROUPS.length * REVIEW_COLUMNS.length;

function reviewFromValues(values: readonly number[]): FigureTable {
  const table: FigureTable = {};
  REVIEW_GROUPS.forEach((group, g) => {
    table[group.key] = Object.fromEntries(REVIEW_COLUMNS.map((col, c) => [col.key, values[g * REVIEW_COLUMNS.length + c]!]));
  });
  return table;
}

function reviewByRows(rows: readonly Row[]): FigureTable | null {
  // The header row names both 行政复议 and 行政诉讼 in separate cells (prose headings that
  // name both are one cell); the values are the first all-number row within a few rows.
  for (let header = 0; header < rows.length; header++) {
    const cells = rows[header]!;
    if (cells.length < 2) continue;
    const joined = compact(cells.join(""));
    if (!joined.includes("行政复议") || !joined.includes("行政诉讼")) continue;
    for (const candidate of rows.slice(header + 1, header + 8)) {
      const read = candidate.map(readCell);
      // A row of blanks is a row of zeros when it is as wide as the table.
      if (read.some((v) => v.kind === "text") || (!read.some(isNumber) && read.length < REVIEW_CELLS)) continue;
      const fitted = fitValues(read, REVIEW_CELLS);
      if (fitted) return reviewFromValues(fitted.map((v) => (isNumber(v) ? v.value : 0)));
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Reading by order (flattened text)

type Token = { text: string; value: CellValue };
/** Consecutive numbers in the running text; a header word or label between them ends a run. */
type Run = CellValue[];

function runsOf(text: string): Run[] {
  const runs: Run[] = [];
  let current: Run = [];
  for (const word of text.split(/\s+/)) {
    if (word === "") continue;
    const token: Token = { text: word, value: readCell(word) };
    if (isNumber(token.value)) current.push(token.value);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The text between the first match of `start` and the first match of `end` after it. */
function sliceBetween(text: string, start: RegExp, end: RegExp, from = 0): { text: string; end: number } | null {
  const s = start.exec(text.slice(from));
  if (!s) return null;
  const begin = from + s.index;
  const rest = text.slice(begin + s[0].length);
  const e = end.exec(rest);
  const stop = e ? begin + s[0].length + e.index : Math.min(text.length, begin + 4000);
  return { text: text.slice(begin + s[0].length, stop), end: stop };
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

function disclosureByOrder(text: string, edition: Edition, assumptions: UnitAssumption[]): FigureTable | null {
  const section = sliceBetween(text, MARK_DISCLOSURE, MARK_APPLICATIONS);
  if (!section) return null;
  const runs = runsOf(section.text);
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
    });
  }
  return table;
}

function applicationsByOrder(text: string, edition: Edition, notes: string[]): FigureTable | null {
  const section = sliceBetween(text, MARK_APPLICATIONS, MARK_REVIEW, Math.max(0, text.search(MARK_DISCLOSURE)));
  if (!section) return null;
  const numbers = runsOf(section.text).flat();
  const defs = applicationRowsOf(edition);
  const needed = defs.length * APPLICANT_COLUMNS.length;
  if (numbers.length < needed) return null;
  if (numbers.length > needed) notes.push(`applications: ${numbers.length} numbers where the template has ${needed} cells; the first ${needed} were read`);
  const table: FigureTable = {};
  defs.forEach((def, r) => {
    table[def.key] = Object.fromEntries(
      APPLICANT_COLUMNS.map((col, c) => {
        const v = numbers[r * APPLICANT_COLUMNS.length + c]!;
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
function reviewByOrder(text: string, inferred: string[]): FigureTable | null {
  const from = Math.max(0, text.search(MARK_DISCLOSURE));
  const section = sliceBetween(text, MARK_REVIEW, MARK_END, from);
  if (!section) return null;
  const runs = runsOf(section.text);
  const stream = runs.flat().slice(0, REVIEW_CELLS);
  if (stream.length < REVIEW_CELLS) return null;
  const values = stream.map((v) => (isNumber(v) ? v.value : 0));
  const runOf: number[] = runs.flatMap((run, i) => run.map(() => i));
  const plain = reviewFromValues(values);
  if (reviewHolds(plain)) return plain;

  const groups = REVIEW_GROUPS.length;
  const parts = REVIEW_PARTS.length;
  const readings = new Map<string, { table: FigureTable; moved: number[] }>();
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
    if (reviewHolds(table)) readings.set(JSON.stringify(cellValues), { table, moved: deferred });
  }
  if (readings.size !== 1) return plain;
  const [only] = readings.values();
  for (const cell of only!.moved) {
    const group = REVIEW_GROUPS[Math.floor(cell / (parts + 1))]!;
    inferred.push(`${group.key}.total`);
  }
  return only!.table;
}

// ---------------------------------------------------------------------------

/** Reads the three tables of a report whose rows (cells normalised) and running text are given. */
export function readFigures(rows: readonly Row[], text: string, edition: Edition): FigureReading {
  const unitAssumptions: UnitAssumption[] = [];
  const inferredCells: string[] = [];
  const notes: string[] = [];
  const layout = {} as Record<SectionKey, Layout>;

  let activeDisclosure = disclosureByRows(rows, edition, unitAssumptions);
  layout.activeDisclosure = LAYOUT.ROWS;
  if (Object.keys(activeDisclosure).length === 0) {
    unitAssumptions.length = 0;
    activeDisclosure = disclosureByOrder(text, edition, unitAssumptions) ?? {};
    layout.activeDisclosure = Object.keys(activeDisclosure).length > 0 ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  let applications = applicationsByRows(rows, edition);
  layout.applications = LAYOUT.ROWS;
  if (Object.keys(applications).length === 0) {
    applications = applicationsByOrder(text, edition, notes) ?? {};
    layout.applications = Object.keys(applications).length > 0 ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  let reviewLitigation = reviewByRows(rows);
  layout.reviewLitigation = LAYOUT.ROWS;
  if (!reviewLitigation) {
    reviewLitigation = reviewByOrder(text, inferredCells);
    layout.reviewLitigation = reviewLitigation ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  return {
    activeDisclosure,
    applications,
    reviewLitigation: reviewLitigation ?? {},
    layout,
    inferredCells,
    unitAssumptions,
    notes,
  };
}

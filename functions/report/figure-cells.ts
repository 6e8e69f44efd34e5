/**
 * Cells of a printed table read for placement: label and value cells of a row, values fitted to
 * a template row's columns, money figures converted to 万元.
 */
import { compact, type CellValue, MONEY_UNIT, type MoneyUnit, readCell, shiftDecimal } from "./normalise.ts";
import type { BlankCells, FigureTable, LabelGuess, PrintedNothing, Row, UnitAssumption } from "./read-figures.ts";
import { type ColumnDef, REVIEW_COLUMNS, REVIEW_GROUPS, type SectionKey } from "./template.ts";

export const isBlank = (v: CellValue): boolean => v.kind === "blank";
export const isNumber = (v: CellValue): v is Extract<CellValue, { kind: "number" }> => v.kind === "number";

/**
 * Where a figure was read among the rows the reader was given: the row, the cell and, in running
 * text, the word's index within the cell. Keyed `row.column` like findings' cells.
 */
export type FigurePosition = { row: number; cell: number; word?: number };
export type Placements = Record<string, FigurePosition>;

/** A value read from a cell remembers the cell (and the row where it is known), carried through fitting. */
type Located = { from?: { row?: number; cell: number; word?: number } };

export function located<V extends CellValue>(value: V, from: NonNullable<Located["from"]>): V {
  (value as Located).from = from;
  return value;
}

/** The cells of a printed row read, each remembering its index. */
export const readRow = (cells: readonly string[]): CellValue[] => cells.map((c, i) => located(readCell(c), { cell: i }));

/** Records where the figure of `key` was read; a cell the fitting added (missing at the row's end) has no place and is not recorded. */
export function notePlace(placements: Placements | undefined, key: string, value: CellValue | undefined, row?: number): void {
  const from = (value as Located | undefined)?.from;
  const at = from?.row ?? row;
  if (!placements || !from || at === undefined) return;
  placements[key] = from.word === undefined ? { row: at, cell: from.cell } : { row: at, cell: from.cell, word: from.word };
}

/** Splits a printed row into its label cells and the value cells after the last label. */
export function splitRow(cells: readonly string[]): { labels: string[]; values: CellValue[] } {
  const read = readRow(cells);
  let last = -1;
  read.forEach((v, i) => {
    if (v.kind === "text") last = i;
  });
  return { labels: cells.slice(0, last + 1).filter((c) => compact(c) !== ""), values: read.slice(last + 1) };
}

/**
 * Fits a row's value cells to the `count` columns of its template row. Extra cells are the
 * layout's padding (a merged label exported as two cells, trailing separators): empty cells are
 * dropped from the front, then from the back, and only then cells printing a mark for nothing
 * (`规章 | — | 3 | 5 |` keeps its `—`). Missing trailing cells are blank.
 */
export function fitValues(values: readonly CellValue[], count: number): CellValue[] | null {
  let v = [...values];
  const empty = (c: CellValue) => c.kind === "blank" && c.printed === undefined;
  for (const padding of [empty, isBlank]) {
    while (v.length > count && padding(v[0]!)) v.shift();
    while (v.length > count && padding(v[v.length - 1]!)) v.pop();
  }
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

export type MoneyContext = { headerUnit?: MoneyUnit };

export function toNumber(
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
  const recorded = shiftDecimal(value.raw, -4);
  if (unit === undefined && value.value !== 0) assumptions.push({ cell, printed: value.value, recorded, label: column.label });
  return recorded;
}

/** The unit a money column's header names, e.g. `采购总金额（单位：万元，保留4位小数）`. */
export function unitNamedIn(text: string): MoneyUnit | undefined {
  const m = /(?:单位[:：]?)?(亿元|万元|元)/.exec(text);
  if (!m) return undefined;
  return m[1] === "亿元" ? MONEY_UNIT.YI : m[1] === "万元" ? MONEY_UNIT.WAN : MONEY_UNIT.YUAN;
}

const MONEY_HEADERS: Record<string, string> = { procurement: "采购总金额", fees: "收费金额" };

export function headerUnits(rows: readonly Row[]): Record<string, MoneyUnit | undefined> {
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

export const REVIEW_CELLS = REVIEW_GROUPS.length * REVIEW_COLUMNS.length;

export function reviewFromValues(values: readonly number[]): FigureTable {
  const table: FigureTable = {};
  REVIEW_GROUPS.forEach((group, g) => {
    table[group.key] = Object.fromEntries(REVIEW_COLUMNS.map((col, c) => [col.key, values[g * REVIEW_COLUMNS.length + c]!]));
  });
  return table;
}

/** What a reading noticed about cells: labels taken by likeness, marks printed for nothing, cells left blank. */
export type CellNotices = { guesses: LabelGuess[]; nothing: PrintedNothing[]; blank: BlankCells[] };
export const newNotices = (): CellNotices => ({ guesses: [], nothing: [], blank: [] });

/**
 * Records the cells of a placed row that print a mark for nothing (`/`, `—`, `-`, `无`) and those
 * left blank: both are 0.
 */
export function notePrintedNothing(
  notices: CellNotices,
  section: SectionKey,
  row: string,
  columns: readonly { key: string }[],
  values: readonly CellValue[],
): void {
  const marked = columns.flatMap((col, i) => {
    const v = values[i];
    return v?.kind === "blank" && v.printed !== undefined ? [{ column: col.key, printed: v.printed }] : [];
  });
  if (marked.length > 0) notices.nothing.push({ section, row, columns: marked.map((m) => m.column), printed: marked.map((m) => m.printed) });
  const blank = columns.filter((_, i) => values[i]?.kind === "blank" && values[i].printed === undefined).map((col) => col.key);
  if (blank.length > 0) notices.blank.push({ section, row, columns: blank });
}

/**
 * Reading by rows: a printed row is label cells then value cells; the innermost label names the
 * template row, and the values are fitted to the row's columns (blank cells are 0).
 */
import {
  type CellNotices,
  fitValues,
  headerUnits,
  isNumber,
  newNotices,
  notePlace,
  notePrintedNothing,
  type Placements,
  readRow,
  REVIEW_CELLS,
  reviewFromValues,
  splitRow,
  toNumber,
} from "./figure-cells.ts";
import { adjacentRow, placeByOrder, type PrintedRow, wrappedPart } from "./figure-labels.ts";
import { bareLabel, type CellValue, compact } from "./normalise.ts";
import type { FigureTable, Row, UnitAssumption } from "./read-figures.ts";
import {
  APPLICANT_COLUMNS,
  type ApplicationRowDef,
  disclosureItemsOf,
  type DisclosureRowDef,
  type Edition,
  recordedApplicationRowsOf,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  SECTION,
  subRowsOf,
} from "./template.ts";

const isEmpty = (values: readonly CellValue[]): boolean => values.every((v) => v.kind === "blank" && v.printed === undefined);

/**
 * Whether a row of empty cells is the other part of its neighbour's label, wrapped over two
 * printed rows (a row cut by a page break): the neighbour prints figures under a label that
 * names no row alone but does joined with this one. Otherwise an empty row is a row of zeros.
 */
function isWrappedPart(rows: readonly Row[], index: number, label: string, defs: readonly ApplicationRowDef[]): boolean {
  for (const direction of ["before", "after"] as const) {
    const n = adjacentRow(rows, index, direction);
    if (n === null) continue;
    const { labels, values } = splitRow(rows[n]!);
    if (labels.length === 0 || isEmpty(values) || matchApplicationRow(labels, defs)) continue;
    const joined = direction === "after" ? label + labels.at(-1)! : labels.at(-1)! + label;
    if (matchApplicationRow([joined], defs)) return true;
  }
  return false;
}

export function disclosureByRows(
  rows: readonly Row[],
  edition: Edition,
  assumptions: UnitAssumption[],
  notices: CellNotices = newNotices(),
  placements?: Placements,
): FigureTable {
  const units = headerUnits(rows);
  const items = disclosureItemsOf(edition);
  const defs = items.flatMap((item) => item.rows);
  const columnsOf = (def: DisclosureRowDef) => items.find((item) => item.rows.includes(def))!.columns;
  const printed: PrintedRow<DisclosureRowDef>[] = [];
  const taken = new Set<string>();
  rows.forEach((cells, index) => {
    if (cells.length < 2) return;
    const { labels, values } = splitRow(cells);
    const label = labels.at(-1);
    if (label === undefined || values.length === 0) return;
    const name = compact(label);
    const def = defs.find((d) => d.variants.includes(name) || d.variants.includes(bareLabel(label)));
    if (def && (taken.has(def.key) || !fitValues(values, columnsOf(def).length))) return;
    if (def) taken.add(def.key);
    printed.push({ index, label, values, ...(def ? { def } : {}) });
  });
  placeByOrder(
    printed,
    defs,
    taken,
    (row, def) => fitValues(row.values, columnsOf(def).length) !== null,
    (row, def) => notices.guesses.push({ section: SECTION.ACTIVE_DISCLOSURE, row: def.key, printed: row.label, columns: columnsOf(def).map((c) => c.key) }),
  );
  const table: FigureTable = {};
  for (const def of defs) {
    const row = printed.find((p) => p.def === def);
    if (!row) continue;
    const columns = columnsOf(def);
    const fitted = fitValues(row.values, columns.length)!;
    const money = { headerUnit: units[def.key] };
    table[def.key] = Object.fromEntries(columns.map((col, i) => [col.key, toNumber(fitted[i]!, col, `${def.key}.${col.key}`, money, assumptions)]));
    columns.forEach((col, i) => notePlace(placements, `${def.key}.${col.key}`, fitted[i], row.index));
    notePrintedNothing(notices, SECTION.ACTIVE_DISCLOSURE, def.key, columns, fitted);
  }
  return table;
}

/**
 * The row a printed row's labels name: the innermost label that names one decides. An outer
 * label naming a row that has sub-rows in this edition is their heading (（六）其他处理 before
 * `1.申请人…逾期不补正`), so the row is left to be placed by order.
 */
function matchApplicationRow(labels: readonly string[], defs: readonly ApplicationRowDef[]): ApplicationRowDef | undefined {
  for (let i = labels.length - 1; i >= 0; i--) {
    const name = compact(labels[i]!);
    const bare = bareLabel(labels[i]!);
    const def = defs.find((d) => d.phrases.some((p) => name.includes(p)) || (d.exact ?? []).includes(bare));
    if (def && i < labels.length - 1 && defs.some((d) => d.group === def.label)) return undefined;
    if (def) return def;
  }
  return undefined;
}

/** The row a printed row's labels name, joining the innermost label with its part wrapped onto a neighbouring row. */
function matchWrapped(rows: readonly Row[], index: number, labels: readonly string[], defs: readonly ApplicationRowDef[]): ApplicationRowDef | undefined {
  const direct = matchApplicationRow(labels, defs);
  if (direct) return direct;
  const inner = labels.at(-1)!;
  const before = wrappedPart(rows, index, "before");
  const after = wrappedPart(rows, index, "after");
  for (const joined of [before && before + inner, after && inner + after]) {
    const def = joined ? matchApplicationRow([joined], defs) : undefined;
    if (def) return def;
  }
  return undefined;
}

export function applicationsByRows(rows: readonly Row[], edition: Edition, notices: CellNotices = newNotices(), placements?: Placements): FigureTable {
  const defs = recordedApplicationRowsOf(edition);
  const printed: PrintedRow<ApplicationRowDef>[] = [];
  const taken = new Set<string>();
  rows.forEach((cells, index) => {
    if (cells.length < 2) return;
    const { labels, values } = splitRow(cells);
    if (labels.length === 0) return;
    if (values.length < APPLICANT_COLUMNS.length && !values.some(isNumber)) return;
    const fitted = fitValues(values, APPLICANT_COLUMNS.length);
    if (!fitted || (isEmpty(fitted) && isWrappedPart(rows, index, labels.at(-1)!, defs))) return;
    const def = matchWrapped(rows, index, labels, defs);
    if (def && taken.has(def.key)) return;
    if (def) taken.add(def.key);
    printed.push({ index, label: labels.at(-1)!, values: fitted, ...(def ? { def } : {}) });
  });
  placeByOrder(
    printed,
    defs,
    taken,
    () => true,
    (row, def) => notices.guesses.push({ section: SECTION.APPLICATIONS, row: def.key, printed: row.label, columns: APPLICANT_COLUMNS.map((c) => c.key) }),
  );
  const table: FigureTable = {};
  for (const { def, values, index } of printed.filter((p) => p.def).sort((a, b) => defs.indexOf(a.def!) - defs.indexOf(b.def!))) {
    // A one-row （六）其他处理 next to its own sub-rows is their heading, not a row of its own.
    if (def!.oneRowIn?.includes(edition) && subRowsOf(def!, edition).some((sub) => taken.has(sub.key))) continue;
    table[def!.key] = Object.fromEntries(APPLICANT_COLUMNS.map((col, i) => [col.key, isNumber(values[i]!) ? (values[i] as { value: number }).value : 0]));
    APPLICANT_COLUMNS.forEach((col, i) => notePlace(placements, `${def!.key}.${col.key}`, values[i], index));
    notePrintedNothing(notices, SECTION.APPLICATIONS, def!.key, APPLICANT_COLUMNS, values);
  }
  return table;
}

export function reviewByRows(rows: readonly Row[], notices: CellNotices = newNotices(), placements?: Placements): FigureTable | null {
  // The header row names both 行政复议 and 行政诉讼 in separate cells (prose headings that
  // name both are one cell); the values are the first all-number row within a few rows.
  for (let header = 0; header < rows.length; header++) {
    const cells = rows[header]!;
    if (cells.length < 2) continue;
    const joined = compact(cells.join(""));
    if (!joined.includes("行政复议") || !joined.includes("行政诉讼")) continue;
    for (let at = header + 1; at < Math.min(rows.length, header + 8); at++) {
      const read = readRow(rows[at]!);
      // A row of blanks is a row of zeros when it is as wide as the table.
      if (read.some((v) => v.kind === "text") || (!read.some(isNumber) && read.length < REVIEW_CELLS)) continue;
      const fitted = fitValues(read, REVIEW_CELLS);
      if (!fitted) continue;
      REVIEW_GROUPS.forEach((group, g) => {
        const cells = fitted.slice(g * REVIEW_COLUMNS.length, (g + 1) * REVIEW_COLUMNS.length);
        notePrintedNothing(notices, SECTION.REVIEW_LITIGATION, group.key, REVIEW_COLUMNS, cells);
        REVIEW_COLUMNS.forEach((col, c) => notePlace(placements, `${group.key}.${col.key}`, cells[c], at));
      });
      return reviewFromValues(fitted.map((v) => (isNumber(v) ? v.value : 0)));
    }
  }
  return null;
}

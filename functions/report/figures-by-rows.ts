/**
 * Reading by rows: a printed row is label cells then value cells; the innermost label names the
 * template row, and the values are fitted to the row's columns (blank cells are 0).
 */
import { fitValues, headerUnits, isNumber, REVIEW_CELLS, reviewFromValues, splitRow, toNumber } from "./figure-cells.ts";
import { bareLabel, compact, readCell } from "./normalise.ts";
import type { FigureTable, Row, UnitAssumption } from "./read-figures.ts";
import { APPLICANT_COLUMNS, type ApplicationRowDef, applicationRowsOf, disclosureItemsOf, type Edition } from "./template.ts";

export function disclosureByRows(rows: readonly Row[], edition: Edition, assumptions: UnitAssumption[]): FigureTable {
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

export function applicationsByRows(rows: readonly Row[], edition: Edition): FigureTable {
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

export function reviewByRows(rows: readonly Row[]): FigureTable | null {
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

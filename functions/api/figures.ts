/**
 * Every figure a record can hold, as flat column names derived from the template
 * (functions/report/template.ts): `activeDisclosure.rules.newlyMade`,
 * `applications.granted.total`, `applications.denied.stateSecret.total`,
 * `reviewLitigation.review.upheld`, … in template order, both editions together.
 *
 * Pure: no AWS SDK, no process.env.
 */
import {
  APPLICATION_ROWS,
  APPLICANT_COLUMNS,
  DISCLOSURE_ITEMS,
  EDITIONS,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
} from "../report/template.ts";
import type { ReportRecord } from "../report/record.ts";
import { columnName, rowLabel, tableName } from "../report/cell-names.ts";

/** A figure column: where it sits in a record (section, row, column) and its flat name. */
export type FigureColumn = { name: string; section: FigureSection; row: string; column: string };

/** The sections of a record that hold figures. */
type FigureSection = "activeDisclosure" | "applications" | "reviewLitigation";

function buildFigureColumns(): FigureColumn[] {
  const out: FigureColumn[] = [];
  const seen = new Set<string>();
  const add = (section: FigureSection, row: string, column: string) => {
    const name = `${section}.${row}.${column}`;
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, section, row, column });
  };
  for (const item of DISCLOSURE_ITEMS) {
    for (const row of item.rows) {
      for (const edition of EDITIONS) {
        if (!item.editions.includes(edition)) continue;
        if (edition === "2021" && row.key === "otherManagementServices") continue;
        for (const column of item.columns[edition]) add("activeDisclosure", row.key, column.key);
      }
    }
  }
  for (const row of APPLICATION_ROWS) for (const column of APPLICANT_COLUMNS) add("applications", row.key, column.key);
  for (const group of REVIEW_GROUPS) for (const column of REVIEW_COLUMNS) add("reviewLitigation", group.key, column.key);
  return out;
}

/** Every figure column, in template order. */
export const FIGURE_COLUMNS: readonly FigureColumn[] = buildFigureColumns();

/** The figure of `record` in `column`, or undefined where the record has no such cell. */
export function readFigure(record: ReportRecord | undefined, column: FigureColumn): number | undefined {
  const section: Partial<Record<string, Record<string, number> | undefined>> | undefined = record?.[column.section];
  const value = section?.[column.row]?.[column.column];
  return typeof value === "number" ? value : undefined;
}

/** A figure column's headers as the template prints them: its row and its column (with 万元 for money). */
export type FigureHeader = { table: string; row: string; column: string };

/** The labels of a section 二 column in the editions that print it: `处理决定数量／本年处理决定数量`. */
function disclosureColumnLabel(row: string, column: string): string {
  const labels = new Set<string>();
  let money = false;
  for (const edition of EDITIONS) {
    const def = DISCLOSURE_ITEMS.find((i) => i.editions.includes(edition) && i.rows.some((r) => r.key === row))?.columns[edition].find((c) => c.key === column);
    if (!def) continue;
    labels.add(def.label);
    money ||= def.money === true;
  }
  const label = [...labels].join("／") || column;
  return money && !label.includes("万元") ? `${label}（万元）` : label;
}

/** The headers of `column`: `{ table: "表三", row: "（七）总计", column: "自然人" }`. */
export function figureHeader(column: FigureColumn): FigureHeader {
  const table = tableName(column.section);
  const row = rowLabel(column.section, column.row);
  if (column.section === "activeDisclosure") {
    const item = DISCLOSURE_ITEMS.find((i) => i.rows.some((r) => r.key === column.row))?.item ?? "";
    return { table, row: `第二十条第${item}项 ${row}`, column: disclosureColumnLabel(column.row, column.column) };
  }
  return { table, row, column: columnName(column.section, column.row, column.column, "2019") };
}

/** One Chinese name for a figure column (CSV `?headers=zh`): `表三（七）总计·自然人`. */
export const figureHeaderName = (column: FigureColumn): string => {
  const h = figureHeader(column);
  return `${h.table}${h.row}·${h.column}`;
};

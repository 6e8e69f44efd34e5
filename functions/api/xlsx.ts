/**
 * The Excel export: a sheet of the reports, then one sheet per section of the template, one
 * row per report, headed by two frozen rows as the template prints them (the row, then the
 * column, 万元 on money), figures stored as numbers. Built with exceljs, loaded on first use so
 * the other routes do not carry it.
 *
 * Each sheet is described once (`SHEET_LAYOUTS`: headers, merges, widths, a report's values) and
 * laid out the same way on a workbook built in memory (`writeReportsXlsx`, the inline
 * `/export.xlsx`) and on exceljs's streaming writer (the export job, ../adapters/export-file.ts).
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { Workbook, Worksheet, WorksheetViewFrozen } from "exceljs";
import { SECTION_TITLES, type SectionKey } from "../report/template.ts";
import { META_COLUMNS, metaValues, type ExportRow } from "./export-rows.ts";
import { FIGURE_COLUMNS, figureHeader, readFigure, type FigureColumn } from "./figures.ts";

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The sheet of the reports' metadata. */
export const REPORTS_SHEET = "报告";

/** Each section's sheet: its title as printed (Excel allows 31 characters; these are shorter). */
export const SECTION_SHEETS: Record<SectionKey, string> = SECTION_TITLES;

/** Columns that name the report on every section's sheet, frozen at the left. */
const KEY_COLUMNS = ["机关", "年度", "编号"] as const;

const HEADER_FILL = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFEFEF" } } as const;

export type SheetValue = string | number | undefined;

/** One sheet: its frozen headers, merged header cells, column widths and a report's row. */
export type SheetLayout = {
  name: string;
  /** The section whose figures the sheet holds (none: the sheet of the reports). */
  section?: SectionKey;
  frozen: { xSplit: number; ySplit: number };
  headerRows: SheetValue[][];
  /** [top, left, bottom, right], 1-based. */
  merges: [number, number, number, number][];
  headerHeight?: number;
  widths: number[];
  valuesOf(row: ExportRow): SheetValue[];
};

function reportsLayout(): SheetLayout {
  return {
    name: REPORTS_SHEET,
    frozen: { xSplit: 0, ySplit: 1 },
    headerRows: [META_COLUMNS.map((c) => c.zh)],
    merges: [],
    widths: META_COLUMNS.map((_, i) => (i === 0 ? 20 : 14)),
    valuesOf: metaValues,
  };
}

function sectionLayout(section: SectionKey): SheetLayout {
  const columns: readonly FigureColumn[] = FIGURE_COLUMNS.filter((c) => c.section === section);
  const headers = columns.map(figureHeader);
  const merges: SheetLayout["merges"] = KEY_COLUMNS.map((_, i) => [1, i + 1, 2, i + 1]);
  // One merged cell over the columns of each printed row.
  let start = 0;
  for (let i = 1; i <= headers.length; i++) {
    if (i < headers.length && headers[i]!.row === headers[start]!.row) continue;
    if (i - start > 1) merges.push([1, KEY_COLUMNS.length + start + 1, 1, KEY_COLUMNS.length + i]);
    start = i;
  }
  return {
    name: SECTION_SHEETS[section],
    section,
    frozen: { xSplit: 2, ySplit: 2 },
    headerRows: [
      [...KEY_COLUMNS, ...headers.map((h) => h.row)],
      [...KEY_COLUMNS, ...headers.map((h) => h.column)],
    ],
    merges,
    headerHeight: 45,
    widths: [...KEY_COLUMNS, ...columns].map((_, i) => (i === 0 ? 24 : i === 2 ? 12 : 11)),
    valuesOf: (row) => [row.agency ?? undefined, row.year ?? undefined, row.id, ...columns.map((c) => readFigure(row.record, c))],
  };
}

/** The workbook's sheets in order: 报告, then 二、三、四. */
export const SHEET_LAYOUTS: readonly SheetLayout[] = [reportsLayout(), ...(Object.keys(SECTION_SHEETS) as SectionKey[]).map(sectionLayout)];

/** Adds `layout`'s sheet with its headers to `book` (a workbook in memory or exceljs's streaming writer). */
export function addLaidOutSheet(book: Pick<Workbook, "addWorksheet">, layout: SheetLayout): Worksheet {
  const views: Partial<WorksheetViewFrozen>[] = [{ state: "frozen", ...layout.frozen }];
  const sheet = book.addWorksheet(layout.name, { views });
  layout.widths.forEach((width, i) => (sheet.getColumn(i + 1).width = width));
  layout.headerRows.forEach((values, r) => {
    const row = sheet.addRow(values);
    row.font = { bold: true };
    row.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
    row.eachCell((cell) => (cell.fill = HEADER_FILL));
    if (layout.headerHeight) sheet.getRow(r + 1).height = layout.headerHeight;
  });
  for (const [top, left, bottom, right] of layout.merges) sheet.mergeCells(top, left, bottom, right);
  return sheet;
}

/**
 * The workbook of `rows` as the bytes of an .xlsx file.
 *
 * @example
 * const bytes = await writeReportsXlsx(reports.map(exportRowOf));
 */
export async function writeReportsXlsx(rows: readonly ExportRow[]): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  book.creator = "nianbao";
  for (const layout of SHEET_LAYOUTS) {
    const sheet = addLaidOutSheet(book, layout);
    for (const row of rows) sheet.addRow(layout.valuesOf(row));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * The Excel export: a sheet of the reports, then one sheet per section of the template, one
 * row per report, headed by two frozen rows as the template prints them (the row, then the
 * column, 万元 on money), figures stored as numbers. Built with exceljs, loaded on first use so
 * the other routes do not carry it.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { Workbook, Worksheet } from "exceljs";
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

function styleHeader(sheet: Worksheet, rows: number): void {
  for (let r = 1; r <= rows; r++) {
    const row = sheet.getRow(r);
    row.font = { bold: true };
    row.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
    row.eachCell((cell) => (cell.fill = HEADER_FILL));
  }
}

function addReportsSheet(book: Workbook, rows: readonly ExportRow[]): void {
  const sheet = book.addWorksheet(REPORTS_SHEET, { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
  sheet.addRow(META_COLUMNS.map((c) => c.zh));
  for (const row of rows) sheet.addRow(metaValues(row));
  sheet.columns.forEach((column, i) => (column.width = i === 0 ? 20 : 14));
  styleHeader(sheet, 1);
}

function addSectionSheet(book: Workbook, section: SectionKey, rows: readonly ExportRow[]): void {
  const columns: readonly FigureColumn[] = FIGURE_COLUMNS.filter((c) => c.section === section);
  const headers = columns.map(figureHeader);
  const sheet = book.addWorksheet(SECTION_SHEETS[section], { views: [{ state: "frozen", ySplit: 2, xSplit: 2 }] });
  sheet.addRow([...KEY_COLUMNS, ...headers.map((h) => h.row)]);
  sheet.addRow([...KEY_COLUMNS, ...headers.map((h) => h.column)]);
  KEY_COLUMNS.forEach((_, i) => sheet.mergeCells(1, i + 1, 2, i + 1));
  // One merged cell over the columns of each printed row.
  let start = 0;
  for (let i = 1; i <= headers.length; i++) {
    if (i < headers.length && headers[i]!.row === headers[start]!.row) continue;
    if (i - start > 1) sheet.mergeCells(1, KEY_COLUMNS.length + start + 1, 1, KEY_COLUMNS.length + i);
    start = i;
  }
  for (const row of rows) {
    sheet.addRow([row.agency ?? undefined, row.year ?? undefined, row.id, ...columns.map((c) => readFigure(row.record, c))]);
  }
  sheet.getRow(1).height = 45;
  sheet.getRow(2).height = 45;
  sheet.columns.forEach((column, i) => (column.width = i === 0 ? 24 : i === 2 ? 12 : 11));
  styleHeader(sheet, 2);
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
  addReportsSheet(book, rows);
  for (const section of Object.keys(SECTION_SHEETS) as SectionKey[]) addSectionSheet(book, section, rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Reading an Excel export back with exceljs, the library that wrote it, and checking its figures. */
import ExcelJS from "exceljs";
import { expect } from "vitest";
import type { StoredReport } from "../../functions/adapters/record-store.ts";
import { FIGURE_COLUMNS, figureHeader, readFigure } from "../../functions/api/figures.ts";
import { SECTION_SHEETS } from "../../functions/api/xlsx.ts";
import type { SectionKey } from "../../functions/report/template.ts";

/** The workbook of `bytes`, read by exceljs. */
export async function readWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return book;
}

/** Every figure of every record on its section's sheet, equal to the record's, stored as a number. */
export function expectFiguresOf(book: ExcelJS.Workbook, reports: readonly Pick<StoredReport, "reportId" | "agency" | "year" | "record">[]): void {
  for (const section of Object.keys(SECTION_SHEETS) as SectionKey[]) {
    const sheet = book.getWorksheet(SECTION_SHEETS[section])!;
    expect(sheet, section).toBeDefined();
    const columns = FIGURE_COLUMNS.filter((c) => c.section === section);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    columns.forEach((column, i) => {
      const header = figureHeader(column);
      expect(sheet.getCell(1, 4 + i).value, column.name).toBe(header.row);
      expect(sheet.getCell(2, 4 + i).value, column.name).toBe(header.column);
    });
    for (const report of reports) {
      const rowNumber = [...Array(sheet.rowCount).keys()].map((i) => i + 1).find((r) => sheet.getCell(r, 3).value === report.reportId);
      expect(rowNumber, `${report.agency} on ${section}`).toBeDefined();
      const row = sheet.getRow(rowNumber!);
      expect(row.getCell(1).value).toBe(report.agency);
      expect(row.getCell(2).value).toBe(report.year);
      columns.forEach((column, i) => {
        const figure = readFigure(report.record, column);
        const value = row.getCell(4 + i).value;
        expect(value ?? undefined, `${report.agency} ${column.name}`).toBe(figure);
        if (figure !== undefined) expect(typeof value).toBe("number");
      });
    }
  }
}


/**
 * The CSV export: one row per report, every figure flattened into its own column
 * (functions/api/figures.ts), UTF-8 with a byte-order mark so that Excel reads the
 * Chinese names correctly, CRLF line ends and RFC 4180 quoting.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { StoredReport } from "../adapters/record-store.ts";
import { exportRowOf, META_COLUMNS, metaValues, type ExportRow, type MetaColumn } from "./export-rows.ts";
import { FIGURE_COLUMNS, figureHeaderName, readFigure } from "./figures.ts";

/** Excel needs the BOM to read UTF-8. */
export const UTF8_BOM = "\uFEFF";

/** Columns before the figures. */
export const CSV_META_COLUMNS: readonly MetaColumn[] = META_COLUMNS.map((c) => c.key);

/** The header row's names, in order. */
export const CSV_COLUMNS: readonly string[] = [...CSV_META_COLUMNS, ...FIGURE_COLUMNS.map((c) => c.name)];

/** The header row in Chinese (`?headers=zh`): `机关`, `年度`, …, `表三（七）总计·自然人`, … */
export const CSV_COLUMNS_ZH: readonly string[] = [...META_COLUMNS.map((c) => c.zh), ...FIGURE_COLUMNS.map(figureHeaderName)];

/** Which header row: the keys (`applications.granted.total`) or the template's Chinese names. */
export type CsvHeaders = "keys" | "zh";

/** One CSV field, quoted when it holds a comma, quote or line break. */
export function quoteCsvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The fields of one row, in `CSV_COLUMNS` order. */
export function toCsvRow(row: ExportRow): (string | number | undefined)[] {
  return [...metaValues(row), ...FIGURE_COLUMNS.map((c) => readFigure(row.record, c))];
}

/** The whole CSV document of `rows`, with BOM and header row. */
export function formatRowsCsv(rows: Iterable<ExportRow>, headers: CsvHeaders = "keys"): string {
  const lines = [(headers === "zh" ? CSV_COLUMNS_ZH : CSV_COLUMNS).map(quoteCsvField).join(",")];
  for (const row of rows) lines.push(toCsvRow(row).map(quoteCsvField).join(","));
  return UTF8_BOM + lines.join("\r\n") + "\r\n";
}

/**
 * The whole CSV document of stored `reports`, with BOM and header row.
 *
 * @example
 * const csv = formatReportsCsv(reports); // "\uFEFFid,agency,year,…\r\n…"
 */
export function formatReportsCsv(reports: Iterable<StoredReport>, headers: CsvHeaders = "keys"): string {
  return formatRowsCsv([...reports].map(exportRowOf), headers);
}

/**
 * Parses CSV text (RFC 4180, optional BOM) into rows of fields: the export's own reader,
 * used by its tests and by anyone checking an export.
 */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * The CSV export: one row per report, every figure flattened into its own column
 * (functions/api/figures.ts), UTF-8 with a byte-order mark so that Excel reads the
 * Chinese names correctly, CRLF line ends and RFC 4180 quoting.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { StoredReport } from "../adapters/record-store.ts";
import { FIGURE_COLUMNS, readFigure } from "./figures.ts";

/** Excel needs the BOM to read UTF-8. */
export const UTF8_BOM = "\uFEFF";

/** Columns before the figures. */
export const CSV_META_COLUMNS = [
  "id",
  "agency",
  "year",
  "edition",
  "status",
  "parserVersion",
  "errorCount",
  "source",
] as const;

/** The header row's names, in order. */
export const CSV_COLUMNS: readonly string[] = [...CSV_META_COLUMNS, ...FIGURE_COLUMNS.map((c) => c.name)];

/** One CSV field, quoted when it holds a comma, quote or line break. */
export function quoteCsvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The fields of one report's row, in `CSV_COLUMNS` order. */
export function toCsvRow(report: StoredReport): (string | number | undefined)[] {
  const record = report.record;
  const findings = record?.findings ?? [];
  const meta: Record<(typeof CSV_META_COLUMNS)[number], string | number | undefined> = {
    id: report.reportId,
    agency: report.agency ?? record?.agency ?? undefined,
    year: report.year ?? record?.year,
    edition: report.edition ?? record?.edition,
    status: report.status,
    parserVersion: report.parserVersion,
    errorCount: record ? findings.filter((f) => f.severity === "error").length : undefined,
    source: report.sources[0]?.uri,
  };
  return [...CSV_META_COLUMNS.map((c) => meta[c]), ...FIGURE_COLUMNS.map((c) => readFigure(record, c))];
}

/**
 * The whole CSV document of `reports`, with BOM and header row.
 *
 * @example
 * const csv = formatReportsCsv(reports); // "\uFEFFid,agency,year,…\r\n…"
 */
export function formatReportsCsv(reports: Iterable<StoredReport>): string {
  const lines = [CSV_COLUMNS.map(quoteCsvField).join(",")];
  for (const report of reports) lines.push(toCsvRow(report).map(quoteCsvField).join(","));
  return UTF8_BOM + lines.join("\r\n") + "\r\n";
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

/**
 * Figures across reports for `GET /agencies/{id}/series` (one agency, year by year) and
 * `GET /compare` (reports side by side, the cells that differ marked). Figures are the flat
 * columns of ./figures.ts, so both editions line up cell by cell; a cell an edition does not
 * have is null.
 *
 * Pure: no AWS SDK, no process.env.
 */
import type { StoredReport } from "../adapters/record-store.ts";
import { FIGURE_COLUMNS, readFigure, type FigureColumn } from "./figures.ts";
import { STATUS } from "../shared/status.ts";

/** One report as a column of a series or comparison. */
export type ReportColumn = {
  id: string;
  agency: string | null;
  year: number | null;
  edition: string | null;
  status: string;
};

/** One figure across the reports: `values[i]` belongs to the i-th report (null: no such cell). */
export type FigureRow = FigureColumn & { values: (number | null)[] };

const toColumn = (report: StoredReport): ReportColumn => ({
  id: report.reportId,
  agency: report.agency ?? null,
  year: report.year ?? null,
  edition: report.edition ?? null,
  status: report.status,
});

/** The figures at least one of `reports` has, in template order. */
function figureRows(reports: readonly StoredReport[]): FigureRow[] {
  const rows: FigureRow[] = [];
  for (const column of FIGURE_COLUMNS) {
    const values = reports.map((r) => readFigure(r.record, column) ?? null);
    if (values.some((v) => v !== null)) rows.push({ ...column, values });
  }
  return rows;
}

/** Reports that have figures (not FAILED), earliest year first, then the latest update first. */
function withFigures(reports: readonly StoredReport[]): StoredReport[] {
  return reports
    .filter((r) => r.status !== STATUS.FAILED && r.record !== undefined)
    .sort((a, b) => (a.year ?? 0) - (b.year ?? 0) || (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

export type AgencySeries = {
  agencyKey: string;
  /** The names the reports print (one agency may be named with or without its city). */
  agencies: string[];
  reports: ReportColumn[];
  series: FigureRow[];
};

/**
 * Each figure of one agency by year.
 *
 * @example
 * buildAgencySeries("西湖区教育局", reports).series.find((s) => s.name === "applications.newReceived.total")
 * // { name, section, row, column, values: [19, 25] } for reports [2019, 2020]
 */
export function buildAgencySeries(agencyKey: string, reports: readonly StoredReport[]): AgencySeries {
  const ordered = withFigures(reports);
  return {
    agencyKey,
    agencies: [...new Set(ordered.map((r) => r.agency).filter((a): a is string => typeof a === "string"))],
    reports: ordered.map(toColumn),
    series: figureRows(ordered),
  };
}

export type Comparison = {
  reports: ReportColumn[];
  rows: (FigureRow & { differs: boolean })[];
  /** How many rows differ. */
  differing: number;
};

/**
 * Reports side by side: every figure any of them has, marked `differs` when the values are
 * not all the same (a cell one edition lacks counts as different).
 *
 * @example
 * buildComparison([a, b]).rows.filter((r) => r.differs).map((r) => r.name)
 */
export function buildComparison(reports: readonly StoredReport[]): Comparison {
  const rows = figureRows(reports).map((row) => ({ ...row, differs: new Set(row.values).size > 1 }));
  return { reports: reports.map(toColumn), rows, differing: rows.filter((r) => r.differs).length };
}

/** The report to show for an agency and year when there are several: the latest one with figures. */
export function pickReport(reports: readonly StoredReport[]): StoredReport | undefined {
  return withFigures(reports)[0];
}

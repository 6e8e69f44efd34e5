/**
 * Places a report's figures into the template's cells.
 *
 * Two readings, both driven by the template:
 * - by rows (figures-by-rows.ts): a printed row is label cells then value cells; the innermost
 *   label names the template row, and the values are fitted to the row's columns (blank cells are 0);
 * - by order (figures-by-order.ts): where a table's cells were flattened into running text (a PDF
 *   text layer), the numbers are assigned to cells in the template's row and column order, using
 *   the runs of numbers between header words as layout evidence. Where the layout leaves the
 *   order open, the reading that satisfies the template's identities is chosen and its cells are
 *   marked as inferred. A reading the layout makes clear is never changed to satisfy an identity.
 */
import { applicationsByOrder, disclosureByOrder, reviewByOrder } from "./figures-by-order.ts";
import { applicationsByRows, disclosureByRows, reviewByRows } from "./figures-by-rows.ts";
import type { Edition, SectionKey } from "./template.ts";

export type Row = string[];
export type FigureTable = Record<string, Record<string, number>>;

/** `grid`: placed by grid position because the labels were unreadable (see read-grid.ts). */
export const LAYOUT = { ROWS: "rows", ORDER: "order", GRID: "grid", MISSING: "missing" } as const;
export type Layout = (typeof LAYOUT)[keyof typeof LAYOUT];

export type UnitAssumption = { cell: string; printed: number; recorded: number; label: string };

export type FigureReading = {
  activeDisclosure: FigureTable;
  applications: FigureTable;
  reviewLitigation: FigureTable;
  layout: Record<SectionKey, Layout>;
  /** Cells (`<row>.<column>`) whose place was chosen by an identity, not read from the layout. */
  inferredCells: string[];
  unitAssumptions: UnitAssumption[];
  notes: string[];
};

/** Reads the three tables of a report whose rows (cells normalised) and running text are given. */
export function readFigures(rows: readonly Row[], text: string, edition: Edition): FigureReading {
  const unitAssumptions: UnitAssumption[] = [];
  const inferredCells: string[] = [];
  const notes: string[] = [];
  const layout = {} as Record<SectionKey, Layout>;

  let activeDisclosure = disclosureByRows(rows, edition, unitAssumptions);
  layout.activeDisclosure = LAYOUT.ROWS;
  if (Object.keys(activeDisclosure).length === 0) {
    unitAssumptions.length = 0;
    activeDisclosure = disclosureByOrder(text, edition, unitAssumptions) ?? {};
    layout.activeDisclosure = Object.keys(activeDisclosure).length > 0 ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  let applications = applicationsByRows(rows, edition);
  layout.applications = LAYOUT.ROWS;
  if (Object.keys(applications).length === 0) {
    applications = applicationsByOrder(text, edition, notes) ?? {};
    layout.applications = Object.keys(applications).length > 0 ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  let reviewLitigation = reviewByRows(rows);
  layout.reviewLitigation = LAYOUT.ROWS;
  if (!reviewLitigation) {
    reviewLitigation = reviewByOrder(text, inferredCells);
    layout.reviewLitigation = reviewLitigation ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  return {
    activeDisclosure,
    applications,
    reviewLitigation: reviewLitigation ?? {},
    layout,
    inferredCells,
    unitAssumptions,
    notes,
  };
}

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
import { newNotices, type Placements } from "./figure-cells.ts";
import { locatorOf } from "./figure-places.ts";
import { applicationsByRows, disclosureByRows, reviewByRows } from "./figures-by-rows.ts";
import type { Edition, SectionKey } from "./template.ts";

export type Row = string[];
export type FigureTable = Record<string, Record<string, number>>;

/** `grid`: placed by grid position because the labels were unreadable (see read-grid.ts). */
export const LAYOUT = { ROWS: "rows", ORDER: "order", GRID: "grid", MISSING: "missing" } as const;
export type Layout = (typeof LAYOUT)[keyof typeof LAYOUT];

export type UnitAssumption = { cell: string; printed: number; recorded: number; label: string };

/** A printed label the template does not spell, taken as a row by its place in the table and its likeness. */
export type LabelGuess = { section: SectionKey; row: string; printed: string; columns: string[] };

/** Cells of one row printed with a mark for nothing (`/`, `—`, `-`, `无`): recorded as 0. */
export type PrintedNothing = { section: SectionKey; row: string; columns: string[]; printed: string[] };

/** Cells of one row printed blank: recorded as 0 (counted by the `audit.blankCells` info). */
export type BlankCells = { section: SectionKey; row: string; columns: string[] };

export type FigureReading = {
  activeDisclosure: FigureTable;
  applications: FigureTable;
  reviewLitigation: FigureTable;
  layout: Record<SectionKey, Layout>;
  /** Cells (`<row>.<column>`) whose place was chosen by an identity, not read from the layout. */
  inferredCells: string[];
  unitAssumptions: UnitAssumption[];
  /** Rows placed by order and likeness of a label the template does not spell (a `table.labelFuzzy` warning). */
  labelGuesses?: LabelGuess[];
  /** Cells printed `/`, `—`, `-` or `无`, recorded as 0 (a `table.printedNothing` info). */
  printedNothing?: PrintedNothing[];
  /** Cells printed blank, recorded as 0. */
  blankCells?: BlankCells[];
  /** Where each figure (`<row>.<column>`) was read among the rows given; the record's `cellSources` are made from it. */
  placements?: Placements;
  notes: string[];
};

/** Reads the three tables of a report whose rows (cells normalised) and running text are given. */
export function readFigures(rows: readonly Row[], text: string, edition: Edition): FigureReading {
  const unitAssumptions: UnitAssumption[] = [];
  const inferredCells: string[] = [];
  const notes: string[] = [];
  const layout = {} as Record<SectionKey, Layout>;
  const notices = newNotices();
  const placements: Placements = {};
  const places = { locate: locatorOf(rows), placements };

  let activeDisclosure = disclosureByRows(rows, edition, unitAssumptions, notices, placements);
  layout.activeDisclosure = LAYOUT.ROWS;
  if (Object.keys(activeDisclosure).length === 0) {
    unitAssumptions.length = 0;
    activeDisclosure = disclosureByOrder(text, edition, unitAssumptions, places) ?? {};
    layout.activeDisclosure = Object.keys(activeDisclosure).length > 0 ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  let applications = applicationsByRows(rows, edition, notices, placements);
  layout.applications = LAYOUT.ROWS;
  if (Object.keys(applications).length === 0) {
    applications = applicationsByOrder(text, edition, notes, places) ?? {};
    layout.applications = Object.keys(applications).length > 0 ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  let reviewLitigation = reviewByRows(rows, notices, placements);
  layout.reviewLitigation = LAYOUT.ROWS;
  if (!reviewLitigation) {
    reviewLitigation = reviewByOrder(text, inferredCells, places);
    layout.reviewLitigation = reviewLitigation ? LAYOUT.ORDER : LAYOUT.MISSING;
  }

  return {
    activeDisclosure,
    applications,
    reviewLitigation: reviewLitigation ?? {},
    layout,
    inferredCells,
    unitAssumptions,
    // Notices of a table read by order are dropped with its failed reading by rows.
    labelGuesses: notices.guesses.filter((g) => layout[g.section] === LAYOUT.ROWS),
    printedNothing: notices.nothing.filter((n) => layout[n.section] === LAYOUT.ROWS),
    blankCells: notices.blank.filter((n) => layout[n.section] === LAYOUT.ROWS),
    placements,
    notes,
  };
}

/**
 * Reading a report whose labels are unreadable (Amazon Textract reads no Chinese: labels, titles
 * and headers come back as Latin garbage or empty, while the grids and the digits survive).
 *
 * The figures are placed by grid position against the template: in each table, the value region
 * is the columns right of the label columns (found from the rows themselves, spans resolved);
 * a figure row is a row whose value region holds only numbers and blanks. The template says how
 * many figure rows of which width each section prints per edition (section 二: one row per
 * disclosure row with its columns; section 三: one row of the applicant columns per application
 * row; section 四: the review cells), so the shape of the figure rows names the edition and
 * places every figure. Nothing is read from a label, and the record says so.
 */
import type { Cell, ExtractedDocument } from "../documents/model.ts";
import type { Finding } from "./validate.ts";
import { type CellValue, readCell } from "./normalise.ts";
import { type FigureReading, type FigureTable, LAYOUT, type UnitAssumption } from "./read-figures.ts";
import {
  APPLICANT_COLUMNS,
  applicationRowsOf,
  type ColumnDef,
  disclosureItemsOf,
  type Edition,
  EDITIONS,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  RULE,
  SECTION,
  SECTION_TITLES,
  SEVERITY,
} from "./template.ts";

/** The value cells of one table row, in column order. */
type FigureRow = { values: CellValue[]; hasNumber: boolean };

const isNumber = (v: CellValue): v is Extract<CellValue, { kind: "number" }> => v.kind === "number";
const isFigure = (v: CellValue): boolean => v.kind !== "text";

/**
 * A money figure under a header nobody could read: the unit is unknown. A figure of a million or
 * more is taken as yuan (no agency's procurement reaches 100亿元), a smaller one as 万元.
 */
const YUAN_FROM = 1_000_000;

/** Each cell of a table with the grid column it starts in (covered cells are not listed). */
function placeCells(rows: readonly Cell[][]): { col: number; value: CellValue }[][] {
  const covered: number[] = [];
  return rows.map((row) => {
    const out: { col: number; value: CellValue }[] = [];
    let col = 0;
    for (const cell of row) {
      while ((covered[col] ?? 0) > 0) col++;
      out.push({ col, value: readCell(cell.text) });
      const span = Math.max(1, cell.colSpan ?? 1);
      for (let k = 0; k < span; k++) covered[col + k] = Math.max(covered[col + k] ?? 0, Math.max(1, cell.rowSpan ?? 1));
      col += span;
    }
    for (let c = 0; c < covered.length; c++) if ((covered[c] ?? 0) > 0) covered[c]! -= 1;
    return out;
  });
}

/**
 * The first value column of a table. In each row with a number, the value region starts no
 * earlier than its trailing run of numbers and blanks (an empty label joins that run) and no later
 * than its first number; the column that the most rows allow is taken, the rightmost on a tie
 * (labels reach as far as the rows allow). A label read as a number, or a figure read as text,
 * disagrees in its own row only.
 */
function valueStart(placed: readonly { col: number; value: CellValue }[][]): number | null {
  const bounds: { from: number; to: number }[] = [];
  for (const row of placed) {
    let start = row.length;
    while (start > 0 && isFigure(row[start - 1]!.value)) start--;
    const first = row.findIndex((c, i) => i >= start && isNumber(c.value));
    if (first < 0) continue;
    bounds.push({ from: row[start]!.col, to: row[first]!.col });
  }
  let best: { col: number; rows: number } | null = null;
  for (const col of new Set(bounds.flatMap((b) => [b.from, b.to]))) {
    const rows = bounds.filter((b) => b.from <= col && col <= b.to).length;
    if (!best || rows > best.rows || (rows === best.rows && col > best.col)) best = { col, rows };
  }
  return best?.col ?? null;
}

/** Every figure row of the document's tables, in reading order. */
function figureRows(doc: ExtractedDocument): FigureRow[] {
  const out: FigureRow[] = [];
  for (const page of doc.pages) {
    for (const block of page.blocks) {
      if (block.kind !== "table") continue;
      const placed = placeCells(block.rows);
      const start = valueStart(placed);
      if (start === null) continue;
      for (const row of placed) {
        const values = row.filter((c) => c.col >= start).map((c) => c.value);
        if (values.length === 0 || !values.every(isFigure)) continue;
        out.push({ values, hasNumber: values.some(isNumber) });
      }
    }
  }
  return out;
}

/** The row's values fitted to `count` cells: padding blanks (a spanned or split cell) dropped. */
function fit(values: readonly CellValue[], count: number): CellValue[] | null {
  const v = [...values];
  while (v.length > count && v[0]!.kind === "blank") v.shift();
  while (v.length > count && v[v.length - 1]!.kind === "blank") v.pop();
  return v.length === count ? v : null;
}

const numberOf = (v: CellValue): number => (isNumber(v) ? v.value : 0);

/** Where each section's figure rows are, for one edition. */
type Placement = { disclosure: CellValue[][] | null; applications: CellValue[][] | null; review: CellValue[] | null };

function placeFor(rows: readonly FigureRow[], edition: Edition): Placement {
  const widths = disclosureItemsOf(edition).flatMap(({ rows: defs, columns }) => defs.map(() => columns.length));
  const appRows = applicationRowsOf(edition).length;
  const appWidth = APPLICANT_COLUMNS.length;
  const reviewCells = REVIEW_GROUPS.length * REVIEW_COLUMNS.length;

  // Section 三: a run of exactly the edition's number of rows as wide as the applicant columns.
  let apps: { start: number; end: number } | null = null;
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && rows[j]!.values.length === appWidth) j++;
    if (j - i === appRows) {
      apps = { start: i, end: j };
      break;
    }
    i = j > i ? j : i + 1;
  }

  // Section 二: the edition's disclosure rows, just before section 三 (or the first that fit without it).
  const fitsDisclosure = (window: readonly FigureRow[]): CellValue[][] | null => {
    if (window.length !== widths.length) return null;
    const out: CellValue[][] = [];
    for (const [i, row] of window.entries()) {
      const fitted = fit(row.values, widths[i]!);
      if (!fitted) return null;
      out.push(fitted);
    }
    return out;
  };
  let disclosure: CellValue[][] | null = null;
  let disclosureEnd = 0;
  const numbered = rows.map((row, index) => ({ row, index })).filter(({ row, index }) => row.hasNumber && index < (apps?.start ?? rows.length));
  if (apps) {
    disclosure = fitsDisclosure(numbered.slice(-widths.length).map(({ row }) => row));
    // A row printed all blank (all zeros) has no number: try again with the blank rows kept.
    disclosure ??= fitsDisclosure(rows.slice(Math.max(0, apps.start - widths.length), apps.start));
  } else {
    for (let i = 0; i + widths.length <= numbered.length && !disclosure; i++) {
      const window = numbered.slice(i, i + widths.length);
      disclosure = fitsDisclosure(window.map(({ row }) => row));
      if (disclosure) disclosureEnd = window.at(-1)!.index + 1;
    }
  }

  // Section 四: after section 三 (after section 二 without it), the first rows that together hold
  // exactly the review cells and a number (header rows read as nothing are skipped that way),
  // else one row of blanks that wide.
  let review: CellValue[] | null = null;
  if (apps || disclosure) {
    const after = rows.slice(apps ? apps.end : disclosureEnd);
    const windows: CellValue[][] = [];
    for (let i = 0; i < after.length; i++) {
      const cells: CellValue[] = [];
      for (let j = i; j < after.length && cells.length < reviewCells; j++) cells.push(...after[j]!.values);
      if (cells.length === reviewCells) windows.push(cells);
    }
    review = windows.find((w) => w.some(isNumber)) ?? after.find((r) => r.values.length === reviewCells)?.values ?? null;
  }
  return { disclosure, applications: apps ? rows.slice(apps.start, apps.end).map((r) => r.values) : null, review };
}

export type GridReading = { edition: Edition; reading: FigureReading; findings: Finding[] };

/**
 * Reads the figures of a document whose labels are unreadable, or returns null when its tables
 * do not have the shape of either edition of the template. Section 二 names the edition most
 * surely (each edition prints its own row widths), section 三 by its row count only, which a
 * damaged grid can match by chance: where the two disagree, section 二 wins and section 三 is
 * recorded as missing. Without section 三, sections 二 and 四 must both be found.
 */
export function readGrid(doc: ExtractedDocument): GridReading | null {
  const rows = figureRows(doc);
  const candidates = EDITIONS.map((edition) => ({ edition, placement: placeFor(rows, edition) }));
  const score = ({ placement: p }: { placement: Placement }) => (p.disclosure ? 2 : 0) + (p.applications ? 1 : 0);
  const ranked = [...candidates].sort((a, b) => score(b) - score(a));
  const best = ranked[0]!;
  if (score(best) === 0 || score(ranked[1]!) === score(best)) return null;
  const { edition, placement } = best;
  // Without section 三, section 二 alone must be backed by section 四 to call this a report.
  if (!placement.applications && !placement.review) return null;

  const unitAssumptions: UnitAssumption[] = [];
  const findings: Finding[] = [];
  const activeDisclosure: FigureTable = {};
  if (placement.disclosure) {
    const lines = disclosureItemsOf(edition).flatMap(({ rows: defs, columns }) => defs.map((def) => ({ def, columns })));
    lines.forEach(({ def, columns }, r) => {
      activeDisclosure[def.key] = Object.fromEntries(
        columns.map((col, c) => [col.key, moneyOrCount(placement.disclosure![r]![c]!, col, `${def.key}.${col.key}`, unitAssumptions, findings)]),
      );
    });
  }
  const applications: FigureTable = {};
  placement.applications?.forEach((values, r) => {
    const def = applicationRowsOf(edition)[r]!;
    applications[def.key] = Object.fromEntries(APPLICANT_COLUMNS.map((col, c) => [col.key, numberOf(values[c]!)]));
  });
  const reviewLitigation: FigureTable = {};
  if (placement.review) {
    REVIEW_GROUPS.forEach((group, g) => {
      reviewLitigation[group.key] = Object.fromEntries(REVIEW_COLUMNS.map((col, c) => [col.key, numberOf(placement.review![g * REVIEW_COLUMNS.length + c]!)]));
    });
  }

  const layout = {
    activeDisclosure: placement.disclosure ? LAYOUT.GRID : LAYOUT.MISSING,
    applications: placement.applications ? LAYOUT.GRID : LAYOUT.MISSING,
    reviewLitigation: placement.review ? LAYOUT.GRID : LAYOUT.MISSING,
  };
  const unread: Finding[] = [];
  for (const section of [SECTION.ACTIVE_DISCLOSURE, SECTION.APPLICATIONS, SECTION.REVIEW_LITIGATION]) {
    if (layout[section] !== LAYOUT.GRID) continue;
    unread.push({
      rule: RULE.LABELS_UNREAD,
      severity: SEVERITY.WARNING,
      message: `「${SECTION_TITLES[section]}」表格的文字无法识别，数字按模板的表格位置填入，请对照原件核对 (the table's labels could not be read; its figures were placed by their position in the template's grid and should be checked against the scan)`,
      cells: [],
      expected: null,
      actual: null,
    });
  }
  return {
    edition,
    reading: { activeDisclosure, applications, reviewLitigation, layout, inferredCells: [], unitAssumptions, notes: [] },
    findings: [...unread, ...findings],
  };
}

/** A section 二 figure; money is recorded in 万元, its unit decided by its size (see YUAN_FROM). */
function moneyOrCount(value: CellValue, column: ColumnDef, cell: string, assumptions: UnitAssumption[], findings: Finding[]): number {
  if (!isNumber(value)) return 0;
  if (!column.money || value.value === 0) return value.value;
  if (Math.abs(value.value) >= YUAN_FROM) {
    const recorded = value.value / 10000;
    assumptions.push({ cell, printed: value.value, recorded, label: column.label });
    return recorded;
  }
  findings.push({
    rule: RULE.LABELS_UNREAD,
    severity: SEVERITY.WARNING,
    message: `${column.label} ${value.value}: 表头单位无法识别，按数值大小视为万元 (the header's unit could not be read; taken as 万元 by its size)`,
    cells: [cell],
    expected: null,
    actual: value.value,
  });
  return value.value;
}

/** The year a report covers, from the first lines of a document whose words are unreadable. */
export function yearFromFirstLines(lines: readonly string[], edition: Edition): number | null {
  const head = lines.slice(0, 5).join("\n");
  const plausible = (years: number[]) => years.filter((y) => y >= 2008 && y <= 2099);
  const bounded = plausible([...head.matchAll(/(?<!\d)(20\d{2})(?!\d)/g)].map((m) => Number(m[1])));
  // Garbled characters next to the year may be digit-like: then every 4-digit window is a candidate.
  const windows = plausible([...head.matchAll(/(?=(20\d{2}))/g)].map((m) => Number(m[1])));
  const fits = (year: number) => (edition === "2021" ? year >= 2021 : year >= 2019 && year <= 2020);
  return bounded.find(fits) ?? windows.find(fits) ?? bounded[0] ?? windows[0] ?? null;
}

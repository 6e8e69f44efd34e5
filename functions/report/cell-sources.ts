/**
 * Provenance per figure (the record's `cellSources`): where each figure of the three tables was
 * read in the source document and how. The places come from the readers through the document
 * model (PDF and OCR cell boxes, text spans, table indices), never found again afterwards.
 */
import { type Cell, DOCUMENT_FORMAT, type ExtractedDocument, type TextSpan } from "../documents/model.ts";
import type { FigurePosition } from "./figure-cells.ts";
import { type FigureReading, LAYOUT, type Layout } from "./read-figures.ts";
import type { SectionKey } from "./template.ts";

/** How a figure was read: the table's layout, or `ocr` where its page was read by OCR. */
export type ReadVia = Exclude<Layout, "missing"> | "ocr";

export type CellSource = {
  via: ReadVia;
  /** PDFs and scans: the page (1-based) and the cell's box in page coordinates (points, top-down): [left, top, width, height]. */
  page?: number;
  box?: [number, number, number, number];
  /** HTML and DOCX: the table's index among the document's tables, the row's and the cell's (0-based, spanned cells not repeated). */
  table?: number;
  row?: number;
  col?: number;
  /** Text: the line (1-based) and the column range [start, end) the figure is printed in. */
  line?: number;
  span?: [number, number];
  /** OCR: the engine's confidence in the cell, 0..100. */
  confidence?: number;
  /** The figure's place was chosen by an identity, or the cell was not printed at all (read as 0). */
  inferred?: true;
};

/** A cell of the document as the parser's rows list them (a paragraph is a row of one cell). */
export type CellOrigin = {
  /** The page, for formats that have pages (PDF, images). */
  page?: number;
  cell: Cell;
  ocr: boolean;
  table?: { index: number; row: number; col: number };
};

const SECTIONS: readonly SectionKey[] = ["activeDisclosure", "applications", "reviewLitigation"];

const round = (n: number): number => Math.round(n * 10) / 10;

/** The column range of the `word`-th word of a text cell, where its text stands in the source line. */
function wordSpan(cell: Cell, word: number | undefined): TextSpan | undefined {
  if (!cell.span || word === undefined) return cell.span;
  const match = [...cell.text.matchAll(/\S+/g)][word];
  if (!match) return cell.span;
  const start = cell.span.start + match.index;
  return { line: cell.span.line, start, end: start + match[0].length };
}

function placed(origin: CellOrigin, word: number | undefined): Omit<CellSource, "via"> {
  const { cell, table } = origin;
  const span = wordSpan(cell, word);
  const page = cell.page ?? origin.page;
  return {
    ...(page === undefined ? {} : { page }),
    ...(cell.box ? { box: [round(cell.box.left), round(cell.box.top), round(cell.box.width), round(cell.box.height)] } : {}),
    // A box or a span says where; the table's indices are for sources with neither (HTML, DOCX).
    ...(table && !cell.box && !span ? { table: table.index, row: table.row, col: table.col } : {}),
    ...(span ? { line: span.line, span: [span.start, span.end] } : {}),
    ...(cell.confidence === undefined ? {} : { confidence: round(cell.confidence) }),
  };
}

/** `located`: the reading records places (all but the grid reading), so a figure without one was not printed. */
function sourceOf(layout: Layout, position: FigurePosition | undefined, origins: readonly (readonly CellOrigin[])[], inferred: boolean, located: boolean): CellSource {
  const origin = position ? origins[position.row]?.[position.cell] : undefined;
  const via: ReadVia = origin?.ocr ? "ocr" : layout === LAYOUT.MISSING ? LAYOUT.ROWS : layout;
  const source: CellSource = { via, ...(origin ? placed(origin, position!.word) : {}) };
  if (inferred || (located && !origin)) source.inferred = true;
  return source;
}

/** One compact entry per figure, keyed `<row>.<column>` as findings name cells. */
export function cellSourcesOf(reading: FigureReading, origins: readonly (readonly CellOrigin[])[]): Record<string, CellSource> {
  const inferred = new Set(reading.inferredCells);
  const out: Record<string, CellSource> = {};
  for (const section of SECTIONS) {
    for (const [row, columns] of Object.entries(reading[section])) {
      for (const column of Object.keys(columns)) {
        const key = `${row}.${column}`;
        out[key] = sourceOf(reading.layout[section], reading.placements?.[key], origins, inferred.has(key), reading.placements !== undefined);
      }
    }
  }
  return out;
}

/** The document's cells in the order the parser's rows list them. */
export function cellOrigins(doc: ExtractedDocument): CellOrigin[][] {
  const origins: CellOrigin[][] = [];
  let tables = 0;
  const paged = doc.format === DOCUMENT_FORMAT.PDF || doc.format === DOCUMENT_FORMAT.IMAGE;
  for (const { number, ocr: read, blocks } of doc.pages) {
    const ocr = read !== undefined;
    const page = paged ? { page: number } : {};
    for (const block of blocks) {
      if (block.kind === "paragraph") {
        origins.push([{ ...page, ocr, cell: { text: block.text, ...(block.span ? { span: block.span } : {}) } }]);
        continue;
      }
      const index = tables++;
      block.rows.forEach((cells, row) => origins.push(cells.map((cell, col) => ({ ...page, ocr, cell, table: { index, row, col } }))));
    }
  }
  return origins;
}

/**
 * The one intermediate form between extraction and the template mapper.
 *
 * Every reader (text, HTML, DOCX, PDF text layer, OCR) produces an `ExtractedDocument`:
 * pages of blocks, where a block is a paragraph of text or a table of cell rows.
 * A table row lists the cells the source has, in reading order: a cell covered by a
 * span from another row (HTML rowspan, DOCX vMerge continuation) is not repeated, the
 * way the report prints it. The mapper reads figures by their order against the template,
 * so it works where labels are unreadable (OCR, Textract).
 */
export type BoundingBox = { left: number; top: number; width: number; height: number };

export type Cell = {
  text: string;
  rowSpan?: number;
  colSpan?: number;
  /** 0..100, where the cell was read by OCR. */
  confidence?: number;
  box?: BoundingBox;
  /** The page the cell is printed on, where it is not its table's (a table continued across pages). */
  page?: number;
  /** Text sources: where the cell's text stands (1-based line, 0-based column range [start, end)). */
  span?: TextSpan;
};

export type TextSpan = { line: number; start: number; end: number };

export type Paragraph = { kind: "paragraph"; text: string; span?: TextSpan };
export type Table = { kind: "table"; rows: Cell[][] };
export type Block = Paragraph | Table;

export type Page = {
  number: number;
  blocks: Block[];
  /** Set where the page's content came from OCR; `size`: the page in points as the engine measured it (its boxes' frame). */
  ocr?: { engine: string; confidence?: number; size?: PageSize };
};

export type PageSize = { width: number; height: number };

export const DOCUMENT_FORMAT = {
  TEXT: "text",
  HTML: "html",
  DOCX: "docx",
  PDF: "pdf",
  IMAGE: "image",
} as const;
export type DocumentFormat = (typeof DOCUMENT_FORMAT)[keyof typeof DOCUMENT_FORMAT];

/**
 * What a web page says about itself: the article title and the source that government sites'
 * CMSs put in `<meta name="ArticleTitle">` / `<meta name="ContentSource">`, and the texts of its
 * `<h1>`/`<h2>` headings (which a long navigation menu may push far down the page). The page's
 * `<title>` is read as the first paragraph of the body.
 */
export type DocumentMetadata = { title?: string; publisher?: string; headings?: string[] };

export type ExtractedDocument = {
  format: DocumentFormat;
  pages: Page[];
  /** Set by readers of formats that carry it (HTML), for the report's identity. */
  metadata?: DocumentMetadata;
  /** Recoverable problems met while reading (shown to the user, never thrown). */
  warnings: string[];
  /** Set when pages or pictures were left unread because no OCR engine was given. */
  needsOcr?: boolean;
  /**
   * PDF pages (1-based) left unread for OCR, listed where the reader was asked to keep them
   * (`keepUnread`) rather than refuse a scan; `completeOcr` reads them and drops the list.
   */
  unreadPages?: number[];
};

/** Builds a table block from rows of plain strings. */
export function tableOf(rows: string[][]): Table {
  return { kind: "table", rows: rows.map((row) => row.map((text) => ({ text }))) };
}

/**
 * Reads the body of `word/document.xml` into blocks: paragraphs (text of `w:t` runs, `w:tab` as
 * a tab, `w:br`/`w:cr` as newlines) and tables (`w:tbl`/`w:tr`/`w:tc` with `w:gridSpan` and
 * `w:vMerge`), plus the pictures met on the way (`w:drawing`, VML `v:imagedata`), in document order.
 */
import type { SaxesTagNS } from "saxes";
import type { Block, Cell } from "../model.ts";
import { attr, parseXml } from "./xml.ts";

const WORD_NS = new Set([
  "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
  "http://purl.oclc.org/ooxml/wordprocessingml/main",
]);
const MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/** A picture in the body: its relationship id and displayed width (EMU, 914400 per inch) if known. */
export type BodyImage = { kind: "image"; relationshipId: string; widthEmu?: number; heightEmu?: number };
export type BodyItem = Block | BodyImage;

type CellBuilder = { paragraphs: string[]; gridSpan: number; vMerge?: "restart" | "continue"; hMerge?: "restart" | "continue" };
type RowBuilder = { cells: Cell[]; gridCol: number };
type TableBuilder = { rows: Cell[][]; row?: RowBuilder; cell?: CellBuilder; origins: Map<number, Cell> };

/** What the reader holds while walking document.xml. */
type BodyReader = {
  items: BodyItem[];
  tables: TableBuilder[];
  /** Paragraph text buffers; a text box (w:txbxContent) opens paragraphs inside a paragraph. */
  paragraphs: string[][];
  /** Paragraphs of text boxes, emitted after the paragraph that anchors them. */
  boxParagraphs: string[][];
  inText: boolean;
  inRun: number;
  skipDepth: number;
  extent: { cx?: number; cy?: number } | undefined;
};

/** Parses a document.xml string into body items; throws UnreadableDocumentError if the XML is unsafe or broken. */
export function readDocxBody(xml: string, partName = "word/document.xml"): BodyItem[] {
  const reader: BodyReader = { items: [], tables: [], paragraphs: [], boxParagraphs: [], inText: false, inRun: 0, skipDepth: 0, extent: undefined };
  parseXml(xml, partName, {
    open: (tag) => openElement(reader, tag),
    close: (tag) => closeElement(reader, tag),
    text(text) {
      if (reader.inText && reader.skipDepth === 0) reader.paragraphs.at(-1)?.push(text);
    },
  });
  while (reader.tables.length > 0) closeTable(reader);
  return reader.items;
}

function emitParagraph(reader: BodyReader, text: string): void {
  const table = reader.tables.at(-1);
  if (table?.cell) table.cell.paragraphs.push(text);
  // Empty paragraphs are spacing, not content.
  else if (text.trim() !== "") reader.items.push({ kind: "paragraph", text });
}

function closeTable(reader: BodyReader): void {
  const table = reader.tables.pop();
  if (!table) return;
  const block: Block = { kind: "table", rows: table.rows };
  const outer = reader.tables.at(-1);
  if (outer?.cell) {
    // A nested table becomes text in its outer cell: rows on lines, cells separated by tabs.
    for (const row of table.rows) outer.cell.paragraphs.push(row.map((c) => c.text).join("\t"));
  } else reader.items.push(block);
}

function closeCell(table: TableBuilder): void {
  const cell = table.cell;
  const row = table.row;
  table.cell = undefined;
  if (!cell || !row) return;
  const start = row.gridCol;
  row.gridCol += cell.gridSpan;
  const text = cell.paragraphs.join("\n").trim();
  if (cell.hMerge === "continue") {
    const previous = row.cells.at(-1);
    if (previous) {
      previous.colSpan = (previous.colSpan ?? 1) + cell.gridSpan;
      return;
    }
  }
  if (cell.vMerge === "continue") {
    const origin = table.origins.get(start);
    if (origin) {
      origin.rowSpan = (origin.rowSpan ?? 1) + 1;
      return;
    }
  }
  const out: Cell = { text };
  if (cell.gridSpan > 1) out.colSpan = cell.gridSpan;
  for (let c = start; c < start + cell.gridSpan; c += 1) {
    if (cell.vMerge === "restart" || cell.vMerge === "continue") table.origins.set(c, out);
    else table.origins.delete(c);
  }
  row.cells.push(out);
}

/** Handles an opening tag: skipped content, pictures, then the WordprocessingML elements. */
function openElement(reader: BodyReader, tag: SaxesTagNS): void {
  // saxes reports a close for every open, self-closing tags included, so depth counting is exact.
  if (reader.skipDepth > 0) {
    reader.skipDepth += 1;
    return;
  }
  // Alternate content: read the first choice, skip the fallback (it repeats the same content).
  if (tag.uri === MC_NS && tag.local === "Fallback") {
    reader.skipDepth = 1;
    return;
  }
  if (openPicture(reader, tag)) return;
  if (!WORD_NS.has(tag.uri)) return;
  if (openRunContent(reader, tag)) return;
  openTableElement(reader, tag);
}

/** A picture's extent (DrawingML), its image (`a:blip`) or a VML image; true if the tag was one of these. */
function openPicture(reader: BodyReader, tag: SaxesTagNS): boolean {
  if (tag.local === "extent" && tag.uri.includes("drawingml")) {
    reader.extent = { cx: Number(attr(tag, "cx")) || undefined, cy: Number(attr(tag, "cy")) || undefined };
    return true;
  }
  if (tag.local === "blip" && tag.uri.includes("drawingml")) {
    const id = attr(tag, "embed") ?? attr(tag, "link");
    if (id) reader.items.push({ kind: "image", relationshipId: id, widthEmu: reader.extent?.cx, heightEmu: reader.extent?.cy });
    return true;
  }
  if (tag.local === "imagedata" && tag.uri === "urn:schemas-microsoft-com:vml") {
    const id = attr(tag, "id");
    if (id) reader.items.push({ kind: "image", relationshipId: id });
    return true;
  }
  return false;
}

/** Paragraphs, runs and their text, tabs, breaks and skipped revisions; true if the tag was one of these. */
function openRunContent(reader: BodyReader, tag: SaxesTagNS): boolean {
  const paragraphs = reader.paragraphs;
  switch (tag.local) {
    case "p":
      paragraphs.push([]);
      return true;
    case "r":
      reader.inRun += 1;
      return true;
    case "t":
      reader.inText = reader.inRun > 0;
      return true;
    case "tab":
      if (reader.inRun > 0) paragraphs.at(-1)?.push("\t");
      return true;
    case "br":
    case "cr":
      if (reader.inRun > 0) paragraphs.at(-1)?.push("\n");
      return true;
    case "noBreakHyphen":
      if (reader.inRun > 0) paragraphs.at(-1)?.push("-");
      return true;
    case "del":
    case "instrText":
    case "delText":
      // Deleted revisions and field codes are not printed text.
      reader.skipDepth = 1;
      return true;
    default:
      return false;
  }
}

/** Tables, rows and cells with their grid spans and merges. */
function openTableElement(reader: BodyReader, tag: SaxesTagNS): void {
  const table = reader.tables.at(-1);
  switch (tag.local) {
    case "tbl":
      reader.tables.push({ rows: [], origins: new Map() });
      return;
    case "tr":
      if (table) table.row = { cells: [], gridCol: 0 };
      return;
    case "gridBefore":
      if (table?.row && !table.cell) table.row.gridCol += Number(attr(tag, "val")) || 0;
      return;
    case "tc":
      if (table?.row) table.cell = { paragraphs: [], gridSpan: 1 };
      return;
    case "gridSpan":
      if (table?.cell) table.cell.gridSpan = Math.max(1, Math.min(1000, Number(attr(tag, "val")) || 1));
      return;
    case "vMerge":
      if (table?.cell) table.cell.vMerge = attr(tag, "val") === "restart" ? "restart" : "continue";
      return;
    case "hMerge":
      if (table?.cell) table.cell.hMerge = attr(tag, "val") === "restart" ? "restart" : "continue";
      return;
    default:
      return;
  }
}

/** Handles a closing tag: ends skipped content, pictures, runs, paragraphs, cells, rows and tables. */
function closeElement(reader: BodyReader, tag: SaxesTagNS): void {
  if (reader.skipDepth > 0) {
    reader.skipDepth -= 1;
    return;
  }
  if (tag.local === "inline" || tag.local === "anchor") reader.extent = undefined;
  if (!WORD_NS.has(tag.uri)) return;
  const table = reader.tables.at(-1);
  switch (tag.local) {
    case "t":
      reader.inText = false;
      return;
    case "r":
      reader.inRun = Math.max(0, reader.inRun - 1);
      return;
    case "p":
      closeParagraph(reader);
      return;
    case "tc":
      if (table) closeCell(table);
      return;
    case "tr":
      if (table?.cell) closeCell(table);
      if (table?.row) {
        table.rows.push(table.row.cells);
        table.row = undefined;
      }
      return;
    case "tbl":
      closeTable(reader);
      return;
    default:
      return;
  }
}

/** A text box's paragraph is held back; a body paragraph is emitted, then the text boxes it anchors. */
function closeParagraph(reader: BodyReader): void {
  const parts = reader.paragraphs.pop();
  if (!parts) return;
  const text = parts.join("");
  if (reader.paragraphs.length > 0) reader.boxParagraphs.push([text]);
  else {
    emitParagraph(reader, text);
    for (const [boxText] of reader.boxParagraphs.splice(0)) if (boxText !== undefined) emitParagraph(reader, boxText);
  }
}

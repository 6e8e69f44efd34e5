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

/** Parses a document.xml string into body items; throws UnreadableDocumentError if the XML is unsafe or broken. */
export function readDocxBody(xml: string, partName = "word/document.xml"): BodyItem[] {
  const items: BodyItem[] = [];
  const tables: TableBuilder[] = [];
  // Paragraph text buffers; a text box (w:txbxContent) opens paragraphs inside a paragraph.
  const paragraphs: string[][] = [];
  // Paragraphs of text boxes, emitted after the paragraph that anchors them.
  const boxParagraphs: string[][] = [];
  let inText = false;
  let inRun = 0;
  let skipDepth = 0;
  let extent: { cx?: number; cy?: number } | undefined;

  const isWord = (tag: SaxesTagNS, local: string) => tag.local === local && WORD_NS.has(tag.uri);

  const emitParagraph = (text: string) => {
    const table = tables.at(-1);
    if (table?.cell) table.cell.paragraphs.push(text);
    // Empty paragraphs are spacing, not content.
    else if (text.trim() !== "") items.push({ kind: "paragraph", text });
  };

  const closeTable = () => {
    const table = tables.pop();
    if (!table) return;
    const block: Block = { kind: "table", rows: table.rows };
    const outer = tables.at(-1);
    if (outer?.cell) {
      // A nested table becomes text in its outer cell: rows on lines, cells separated by tabs.
      for (const row of table.rows) outer.cell.paragraphs.push(row.map((c) => c.text).join("\t"));
    } else items.push(block);
  };

  const closeCell = (table: TableBuilder) => {
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
  };

  parseXml(xml, partName, {
    open(tag) {
      // saxes reports a close for every open, self-closing tags included, so depth counting is exact.
      if (skipDepth > 0) {
        skipDepth += 1;
        return;
      }
      // Alternate content: read the first choice, skip the fallback (it repeats the same content).
      if (tag.uri === MC_NS && tag.local === "Fallback") {
        skipDepth = 1;
        return;
      }
      if (tag.local === "extent" && tag.uri.includes("drawingml")) {
        extent = { cx: Number(attr(tag, "cx")) || undefined, cy: Number(attr(tag, "cy")) || undefined };
        return;
      }
      if (tag.local === "blip" && tag.uri.includes("drawingml")) {
        const id = attr(tag, "embed") ?? attr(tag, "link");
        if (id) items.push({ kind: "image", relationshipId: id, widthEmu: extent?.cx, heightEmu: extent?.cy });
        return;
      }
      if (tag.local === "imagedata" && tag.uri === "urn:schemas-microsoft-com:vml") {
        const id = attr(tag, "id");
        if (id) items.push({ kind: "image", relationshipId: id });
        return;
      }
      if (!WORD_NS.has(tag.uri)) return;
      const table = tables.at(-1);
      switch (tag.local) {
        case "p":
          paragraphs.push([]);
          return;
        case "r":
          inRun += 1;
          return;
        case "t":
          inText = inRun > 0;
          return;
        case "tab":
          if (inRun > 0) paragraphs.at(-1)?.push("\t");
          return;
        case "br":
        case "cr":
          if (inRun > 0) paragraphs.at(-1)?.push("\n");
          return;
        case "noBreakHyphen":
          if (inRun > 0) paragraphs.at(-1)?.push("-");
          return;
        case "del":
        case "instrText":
        case "delText":
          // Deleted revisions and field codes are not printed text.
          skipDepth = 1;
          return;
        case "tbl":
          tables.push({ rows: [], origins: new Map() });
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
    },
    close(tag) {
      if (skipDepth > 0) {
        skipDepth -= 1;
        return;
      }
      if (tag.local === "inline" || tag.local === "anchor") extent = undefined;
      if (!WORD_NS.has(tag.uri)) return;
      const table = tables.at(-1);
      switch (tag.local) {
        case "t":
          inText = false;
          return;
        case "r":
          inRun = Math.max(0, inRun - 1);
          return;
        case "p": {
          const parts = paragraphs.pop();
          if (!parts) return;
          const text = parts.join("");
          if (paragraphs.length > 0) boxParagraphs.push([text]);
          else {
            emitParagraph(text);
            for (const [boxText] of boxParagraphs.splice(0)) if (boxText !== undefined) emitParagraph(boxText);
          }
          return;
        }
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
          closeTable();
          return;
        default:
          return;
      }
    },
    text(text) {
      if (inText && skipDepth === 0) paragraphs.at(-1)?.push(text);
    },
  });
  while (tables.length > 0) closeTable();
  return items;
}

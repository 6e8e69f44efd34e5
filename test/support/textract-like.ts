/**
 * "What Amazon Textract would return" for a document: Textract reads no Chinese, so every CJK
 * character (and CJK punctuation) comes back as one or two Latin/symbol characters, sometimes
 * digit-like (`1E/9#`, `(=)`), and now and then a label cell comes back empty. The table grids
 * with their spans and the ASCII digits are kept, as Textract keeps them.
 *
 * @example
 * const doc = textractLike(await extractDocument(seedHtml(seed), { fileName: "a.html" }), 7);
 */
import type { Cell, ExtractedDocument, Page } from "../../functions/documents/model.ts";

/** Characters Textract produces for ideographs it cannot read; a few are digit-like. */
const GARBAGE = "E#&*$=+I/()i!%:;,.-_'|lJTHhFfAa<>[]{}~^1974";
const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201f\u2026\u2014]/;

/** mulberry32: a small seeded generator, so a fixture is the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function garble(text: string, random: () => number): string {
  let out = "";
  for (const ch of text) {
    if (!CJK.test(ch)) {
      out += ch;
      continue;
    }
    const count = random() < 0.6 ? 1 : 2;
    for (let i = 0; i < count; i++) out += random() < 0.04 ? " " : GARBAGE[Math.floor(random() * GARBAGE.length)]!;
  }
  return out.replace(/\s+/g, " ").trim();
}

/** Text that holds Chinese is garbled; a cell of only Chinese is sometimes read as nothing. */
function readLikeTextract(text: string, random: () => number, emptyRate: number): string {
  if (!CJK.test(text)) return text;
  if (emptyRate > 0 && !/[0-9A-Za-z]/.test(text) && random() < emptyRate) return "";
  return garble(text, random);
}

export type TextractLikeOptions = {
  /** Share of label cells (Chinese only) that come back empty. @default 0.08 */
  emptyRate?: number;
  /**
   * Table rows per scanned page: a longer table is split over pages, each part its own TABLE
   * (Textract analyses page by page); a merged cell that crosses the break starts again, empty,
   * at the top of the next page. @default no split
   */
  pageRows?: number;
};

/** Splits a table's rows at row `at`; merged cells crossing the break are cut and restarted empty. */
export function splitTable(rows: readonly Cell[][], at: number): [Cell[][], Cell[][]] {
  // The grid column of each cell, and which cells' row spans cross the break.
  const covered: { until: number; cell: Cell }[] = [];
  const starts: number[][] = [];
  rows.forEach((row, r) => {
    let col = 0;
    starts.push(
      row.map((cell) => {
        while ((covered[col]?.until ?? -1) >= r) col++;
        const start = col;
        for (let k = 0; k < (cell.colSpan ?? 1); k++) covered[col + k] = { until: r + (cell.rowSpan ?? 1) - 1, cell };
        col += cell.colSpan ?? 1;
        return start;
      }),
    );
  });
  const first = rows.slice(0, at).map((row, r) => row.map((cell) => (r + (cell.rowSpan ?? 1) > at ? { ...cell, rowSpan: at - r } : cell)));
  const restarted: { col: number; cell: Cell }[] = [];
  rows.slice(0, at).forEach((row, r) =>
    row.forEach((cell, i) => {
      const left = r + (cell.rowSpan ?? 1) - at;
      if (left > 0) restarted.push({ col: starts[r]![i]!, cell: { text: "", ...(left > 1 ? { rowSpan: left } : {}), ...(cell.colSpan ? { colSpan: cell.colSpan } : {}) } });
    }),
  );
  const second = rows.slice(at).map((row) => [...row]);
  if (second[0]) {
    const top = [...restarted, ...second[0].map((cell, i) => ({ col: starts[at]![i]!, cell }))].sort((a, b) => a.col - b.col);
    second[0] = top.map((t) => t.cell);
  }
  return [first, second];
}

/** Pages as a scan prints them: a table longer than `pageRows` goes on over the next page. */
function splitPages(pages: readonly Page[], pageRows: number | undefined): Page[] {
  if (!pageRows) return [...pages];
  const out: Page[] = [];
  let current: Page = { number: 1, blocks: [] };
  for (const block of pages.flatMap((p) => p.blocks)) {
    if (block.kind !== "table") {
      current.blocks.push(block);
      continue;
    }
    let rows = block.rows;
    while (rows.length > pageRows) {
      const [head, rest] = splitTable(rows, pageRows);
      current.blocks.push({ kind: "table", rows: head });
      out.push(current);
      current = { number: current.number + 1, blocks: [] };
      rows = rest;
    }
    current.blocks.push({ kind: "table", rows });
  }
  out.push(current);
  return out;
}

/** The document as Textract would read its scan: same pages, grids and digits; Chinese garbled. */
export function textractLike(doc: ExtractedDocument, seed: number, options: TextractLikeOptions = {}): ExtractedDocument {
  const random = seededRandom(seed);
  const emptyRate = options.emptyRate ?? 0.08;
  const pages: Page[] = splitPages(doc.pages, options.pageRows).map((page) => ({
    number: page.number,
    blocks: page.blocks.map((block) =>
      block.kind === "paragraph"
        ? { kind: "paragraph" as const, text: readLikeTextract(block.text, random, 0) }
        : {
            kind: "table" as const,
            rows: block.rows.map((row) =>
              row.map((cell): Cell => {
                const out: Cell = { text: readLikeTextract(cell.text, random, emptyRate), confidence: Math.round((70 + random() * 29) * 10) / 10 };
                if (cell.rowSpan) out.rowSpan = cell.rowSpan;
                if (cell.colSpan) out.colSpan = cell.colSpan;
                return out;
              }),
            ),
          },
    ),
    ocr: { engine: "textract", confidence: 90 },
  }));
  return { format: "pdf", pages, warnings: [] };
}

/** A Textract block, as much of it as `blocksFromTextract` reads. */
export type TextractLikeBlock = {
  BlockType: "PAGE" | "LINE" | "WORD" | "TABLE" | "CELL" | "MERGED_CELL";
  Id: string;
  Page: number;
  Text?: string;
  Confidence?: number;
  RowIndex?: number;
  ColumnIndex?: number;
  RowSpan?: number;
  ColumnSpan?: number;
  Geometry?: { BoundingBox: { Top: number; Left: number; Width: number; Height: number } };
  Relationships?: { Type: "CHILD" | "MERGED_CELL"; Ids: string[] }[];
};

/**
 * The Block graph AnalyzeDocument / GetDocumentAnalysis would return for a (Textract-like)
 * document: one CELL per grid position, a MERGED_CELL over each spanned cell with its words in
 * the top-left member, LINEs of WORDs for paragraphs, in reading order top to bottom.
 */
export function textractBlocks(doc: ExtractedDocument): TextractLikeBlock[] {
  const out: TextractLikeBlock[] = [];
  let next = 0;
  const id = () => `b-${(next++).toString(16).padStart(8, "0")}`;
  const box = (top: number) => ({ BoundingBox: { Top: top, Left: 0.1, Width: 0.8, Height: 0.001 } });
  const words = (text: string, page: number, confidence: number): string[] =>
    text
      .split(/\s+/)
      .filter((w) => w !== "")
      .map((w) => {
        const wordId = id();
        out.push({ BlockType: "WORD", Id: wordId, Page: page, Text: w, Confidence: confidence });
        return wordId;
      });
  for (const page of doc.pages) {
    const pageBlock: TextractLikeBlock = { BlockType: "PAGE", Id: id(), Page: page.number, Relationships: [{ Type: "CHILD", Ids: [] }] };
    out.push(pageBlock);
    page.blocks.forEach((block, index) => {
      const top = (index + 1) / (page.blocks.length + 2);
      if (block.kind === "paragraph") {
        if (block.text.trim() === "") return;
        const line: TextractLikeBlock = { BlockType: "LINE", Id: id(), Page: page.number, Text: block.text, Confidence: 90, Geometry: box(top) };
        line.Relationships = [{ Type: "CHILD", Ids: words(block.text, page.number, 90) }];
        out.push(line);
        pageBlock.Relationships![0]!.Ids.push(line.Id);
        return;
      }
      const table: TextractLikeBlock = { BlockType: "TABLE", Id: id(), Page: page.number, Confidence: 95, Geometry: box(top), Relationships: [] };
      const cellIds: string[] = [];
      const mergedIds: string[] = [];
      const covered = new Set<string>();
      block.rows.forEach((row, r) => {
        let col = 0;
        for (const cell of row) {
          while (covered.has(`${r}:${col}`)) col++;
          const rowSpan = cell.rowSpan ?? 1;
          const colSpan = cell.colSpan ?? 1;
          const members: string[] = [];
          for (let dr = 0; dr < rowSpan; dr++) {
            for (let dc = 0; dc < colSpan; dc++) {
              covered.add(`${r + dr}:${col + dc}`);
              const member: TextractLikeBlock = { BlockType: "CELL", Id: id(), Page: page.number, RowIndex: r + dr + 1, ColumnIndex: col + dc + 1, RowSpan: 1, ColumnSpan: 1, Confidence: cell.confidence ?? 90 };
              if (dr === 0 && dc === 0 && cell.text !== "") member.Relationships = [{ Type: "CHILD", Ids: words(cell.text, page.number, cell.confidence ?? 90) }];
              out.push(member);
              cellIds.push(member.Id);
              members.push(member.Id);
            }
          }
          if (members.length > 1) {
            const merged: TextractLikeBlock = { BlockType: "MERGED_CELL", Id: id(), Page: page.number, RowIndex: r + 1, ColumnIndex: col + 1, RowSpan: rowSpan, ColumnSpan: colSpan, Confidence: cell.confidence ?? 90, Relationships: [{ Type: "CHILD", Ids: members }] };
            out.push(merged);
            mergedIds.push(merged.Id);
          }
          col += colSpan;
        }
      });
      table.Relationships = [{ Type: "CHILD", Ids: cellIds }, ...(mergedIds.length ? [{ Type: "MERGED_CELL" as const, Ids: mergedIds }] : [])];
      out.push(table);
      pageBlock.Relationships![0]!.Ids.push(table.Id);
    });
  }
  return out;
}

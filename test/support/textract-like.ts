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
};

/** The document as Textract would read its scan: same pages, grids and digits; Chinese garbled. */
export function textractLike(doc: ExtractedDocument, seed: number, options: TextractLikeOptions = {}): ExtractedDocument {
  const random = seededRandom(seed);
  const emptyRate = options.emptyRate ?? 0.08;
  const pages: Page[] = doc.pages.map((page) => ({
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

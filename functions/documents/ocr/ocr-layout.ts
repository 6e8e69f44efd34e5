/**
 * OCR words and the page's rulings -> blocks, through the same layout as PDF text layers
 * (ruled grids, lines, borderless tables). Coordinates are converted from pixels to points, so
 * the layout's tolerances mean the same on a scan as on a born-digital page.
 */
import type { Block, Cell, Table } from "../model.ts";
import { blocksOf, layoutPage, type Segment, type TextItem } from "../pdf/layout.ts";

export type OcrWord = { text: string; left: number; top: number; width: number; height: number; confidence: number };

const CJK = /[\u3400-\u9fff]/;
/** Characters OCR confuses with digits in a cell that holds only a number. */
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  O: "0", o: "0", "〇": "0", D: "0", Q: "0", "○": "0",
  l: "1", I: "1", "|": "1", "!": "1", "丨": "1", "]": "1", "[": "1",
  S: "5", s: "5", B: "8", Z: "2", z: "2", g: "9", q: "9",
};

/** Single characters that, alone in a cell, are a misread digit (no label is one of them). */
const LONE_LOOKALIKES: Readonly<Record<string, string>> = { 了: "7", 工: "1", 丁: "1", 口: "0", 〇: "0", 囗: "0" };

/** Repairs a cell that is a number misread with look-alike letters ("1O" -> "10", "一62" -> "-62"). */
export function repairNumberCell(text: string): string {
  const compact = text.replace(/\s+/g, "");
  const lone = LONE_LOOKALIKES[compact];
  if (lone) return lone;
  if (compact === "" || (CJK.test(compact) && !/^[一—–-]/.test(compact))) return text;
  const mapped = compact
    .replace(/^[一—–]/, "-")
    .split("")
    .map((ch) => DIGIT_LOOKALIKES[ch] ?? ch)
    .join("");
  const digits = (compact.match(/\d/g) ?? []).length;
  const body = compact.replace(/^[-一—–]/, "");
  // Short cells ("o", "l0") are figures in a figure column; longer ones need half their characters to be digits.
  return /^-?\d+(?:\.\d+)?$/.test(mapped) && (body.length <= 2 || digits >= Math.ceil(body.length / 2)) ? mapped : text;
}

/** Speckles read as punctuation: tiny, unsure, and neither CJK nor digits. */
function isNoise(word: OcrWord, medianHeight: number): boolean {
  if (word.text.trim() === "") return true;
  if (/[\u3400-\u9fff0-9]/.test(word.text)) return word.confidence < 10 && word.height < medianHeight * 0.4;
  return word.confidence < 60 || word.height < medianHeight * 0.35;
}

/** Builds blocks from OCR words and rulings measured in pixels of a `dpi` image, table cells repaired. */
export function blocksFromOcr(
  words: readonly OcrWord[],
  rulings: readonly Segment[],
  dpi: number,
  size: { width: number; height: number },
  correctLabel: (text: string) => string,
): Block[] {
  return repairTables(layoutOcr(words, rulings, dpi, size), correctLabel);
}

/** Lays OCR words out on the rulings (pixels of a `dpi` image) as blocks, cells as read. */
export function layoutOcr(words: readonly OcrWord[], rulings: readonly Segment[], dpi: number, size: { width: number; height: number }): Block[] {
  const k = 72 / dpi;
  const heights = words.map((w) => w.height).sort((a, b) => a - b);
  const medianHeight = heights[Math.floor(heights.length / 2)] ?? 0;
  const items: TextItem[] = words
    .filter((w) => !isNoise(w, medianHeight))
    .map((w) => ({ text: w.text, x: w.left * k, y: w.top * k, width: w.width * k, height: w.height * k, confidence: w.confidence }));
  const segments = rulings.map((s) => ({ x1: s.x1 * k, y1: s.y1 * k, x2: s.x2 * k, y2: s.y2 * k }));
  return blocksOf(layoutPage({ width: size.width * k, height: size.height * k, items, segments }));
}

/** Table cells repaired: look-alike letters in figures, labels corrected to the template's, lone specks dropped. */
export function repairTables(blocks: readonly Block[], correctLabel: (text: string) => string): Block[] {
  return blocks.map((b) => (b.kind === "table" ? { ...b, rows: b.rows.map((row) => row.map((cell) => repairCell(cell, correctLabel))) } : b));
}

/** A label has at least two CJK characters (a lone one, or 〇, may be a misread figure; 万元 follows a figure). */
const LABEL = /[\u3400-\u9fff].*[\u3400-\u9fff]/;
/** A figure or nothing, as a value cell holds it (a money unit or count word may follow). */
const VALUE = /^(?:[-+]?\d[\d,]*(?:\.\d+)?(?:\(?(?:亿元|万元|元|亿|万)\)?|件|个|项|次|宗|条|人次|人)?|-+|—+|–+|\/|无|)$/;

/** Whether a cell's reading is a figure (with a money unit or count word) or nothing printed. */
export function readsAsValue(text: string): boolean {
  return VALUE.test(text.replace(/\s+/g, ""));
}

/**
 * The value cells of a table as its grid shows them: in each row, the cells right of its last
 * label, where the row has a label and at least half of those cells already read as a figure or
 * blank (a header row's cells are all labels; a header misread as one character is not a row of
 * figures). The template's tables print every figure this way, right of its row's labels.
 */
export function valueCells(table: Table): Cell[] {
  return table.rows.flatMap((row) => {
    const lastLabel = row.findLastIndex((cell) => LABEL.test(cell.text) && !readsAsValue(cell.text));
    if (lastLabel < 0) return [];
    const values = row.slice(lastLabel + 1);
    const read = values.filter((cell) => readsAsValue(cell.text)).length;
    return values.length > 0 && read * 2 >= values.length ? values : [];
  });
}

/** No template label is a single character: a lone character in a cell is a speck read as text. */
const LONE_CJK = /^[\u3400-\u9fff]$/;

function repairCell(cell: Cell, correctLabel: (text: string) => string): Cell {
  const corrected = correctLabel(repairNumberCell(cell.text));
  const text = LONE_CJK.test(corrected.replace(/\s+/g, "")) ? "" : corrected;
  return text === cell.text ? cell : { ...cell, text };
}

/** Parses Tesseract's TSV output into words (level 5 rows). */
export function parseTesseractTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  for (const line of tsv.split("\n")) {
    const f = line.split("\t");
    if (f[0] !== "5" || f.length < 12) continue;
    const text = f.slice(11).join("\t").trim();
    if (text === "") continue;
    words.push({ left: Number(f[6]), top: Number(f[7]), width: Number(f[8]), height: Number(f[9]), confidence: Number(f[10]), text });
  }
  return words;
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** Picks, per cell, the better of two readings of the same cell. */
function betterCell(a: Cell, b: Cell): Cell {
  const at = a.text.replace(/\s+/g, "");
  const bt = b.text.replace(/\s+/g, "");
  if (at === bt) return a;
  if (NUMBER.test(at) !== NUMBER.test(bt)) {
    // A number against text: the number wins unless the other reading is a longer label.
    const [num, other] = NUMBER.test(at) ? [a, b] : [b, a];
    return CJK.test(other.text) && other.text.replace(/\s+/g, "").length > 2 ? other : num;
  }
  if (at === "" || bt === "") return at === "" ? b : a;
  return (b.confidence ?? 0) > (a.confidence ?? 0) ? b : a;
}

/**
 * Merges two OCR readings of one page laid on the same rulings: the first reading's blocks, with
 * each table cell taken from whichever reading read it better. Tables whose shapes differ keep
 * the first reading.
 */
export function mergeReadings(first: Block[], second: Block[]): Block[] {
  const others = second.filter((b) => b.kind === "table");
  let t = 0;
  return first.map((block) => {
    if (block.kind !== "table") return block;
    const other = others[t];
    t += 1;
    if (!other || other.kind !== "table" || other.rows.length !== block.rows.length || other.rows.some((r, i) => r.length !== block.rows[i]!.length)) return block;
    return { ...block, rows: block.rows.map((row, i) => row.map((cell, j) => betterCell(cell, other.rows[i]![j]!))) };
  });
}

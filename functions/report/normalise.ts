/**
 * Text normalisation, applied to every piece of text before any label is matched:
 * pinyin annotations removed, traditional → simplified, full-width → half-width.
 */
// The traditional-to-simplified half of opencc-js: a tenth of the full package to load.
import * as OpenCC from "opencc-js/t2cn";
import type { DictGroup } from "opencc-js/core";

/**
 * The converter's tries take ~20 ms of CPU to build, more than the rest of a text report's parse,
 * so they are built on the first text that has a character some dictionary entry starts with.
 * Text without one is returned as it is: no entry can match anywhere in it, so the converter
 * would return it unchanged.
 */
let converter: ((text: string) => string) | undefined;

/**
 * Every code point a key of the converter's dictionaries (the `t2s` chains it runs) starts with;
 * undefined (always convert) if the package's data is not in the form this reads.
 */
function dictionaryEntryStarts(): Set<number> | undefined {
  const config = OpenCC.Locale.configs.t2s as { normalizationChain?: readonly DictGroup[]; conversionChain: readonly DictGroup[]; segmentation?: unknown } | undefined;
  if (!config || config.segmentation !== undefined) return undefined;
  const dicts = [...(config.normalizationChain ?? []), ...config.conversionChain].flat();
  const starts = new Set<number>();
  for (const dict of dicts) {
    if (typeof dict !== "string") return undefined;
    for (const key of dict.split("|")) starts.add(key.codePointAt(0) ?? 0);
  }
  return starts;
}

let entryStarts: Set<number> | undefined | null = null;

/** Whether the converter could change `text` (false: no dictionary entry starts with any of its characters). */
export function mayConvert(text: string): boolean {
  if (entryStarts === null) entryStarts = dictionaryEntryStarts();
  if (entryStarts === undefined) return true;
  for (const ch of text) if (entryStarts.has(ch.codePointAt(0) ?? 0)) return true;
  return false;
}

function toSimplified(text: string): string {
  if (converter === undefined && !mayConvert(text)) return text;
  const convert = converter ?? OpenCC.Converter({ from: "t", to: "cn" });
  converter = convert;
  return convert(text);
}

/** Pinyin after a Chinese character, as some web pages print it: `頁(yè)`, `申請(qǐng)`. */
const PINYIN_ANNOTATION = /(?<=[\u3400-\u9fff])\((?:[a-z\u00e0-\u00fc\u0101-\u01dc\u0251\u0261]{1,7})\)/g;

/**
 * Characters that exist only in traditional script and are frequent in these reports.
 * Conversion (a trie walk over the whole text) is skipped when none is present.
 */
const TRADITIONAL_HINT = /[開號報請計與區們這為會來對時產發實間關業體處總規務復訴結轉見據條辦選單數義類圍內權權機構讓護療認識應當績經濟稅費標準項參評審議辦營壽麼]/;

/** Full-width ASCII forms (！ to ～) and the ideographic space. */
function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
}

/** Normalises a piece of report text (a line, a cell or a whole document). */
export function normaliseText(text: string): string {
  let out = text.replace(/\r\n?/g, "\n").replace(/[\u200b\ufeff\u00a0]/g, (ch) => (ch === "\u00a0" ? " " : ""));
  if (out.includes("(")) out = out.replace(PINYIN_ANNOTATION, "");
  if (TRADITIONAL_HINT.test(out)) out = toSimplified(out);
  out = toHalfWidth(out);
  // Pinyin may also follow full-width brackets converted above.
  if (out.includes("(")) out = out.replace(PINYIN_ANNOTATION, "");
  return out;
}

/** Traditional script to simplified, whatever the text (a search query has too few characters for the hint). */
export function simplify(text: string): string {
  return toSimplified(text);
}

/** A label without white space, for comparisons (`自 然 人` → `自然人`). */
export function compact(text: string): string {
  return text.replace(/\s+/g, "");
}

/** A label without its numbering (`1.`, `(三)`, `三、`) and without white space. */
export function bareLabel(text: string): string {
  return compact(text)
    .replace(/^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、．])+/, "")
    .replace(/^(?:\([一二三四五六七八九十]+\))/, "");
}

export type CellValue =
  /** `printed`: the mark a report printed for nothing (`/`, `—`, `-`, `无`); absent for an empty cell. */
  | { kind: "blank"; printed?: string }
  | { kind: "number"; value: number; unit?: MoneyUnit; raw: string }
  | { kind: "text"; text: string };

export const MONEY_UNIT = { YI: "亿元", WAN: "万元", YUAN: "元" } as const;
export type MoneyUnit = (typeof MONEY_UNIT)[keyof typeof MONEY_UNIT];

const BLANK = /^(?:|-+|—+|–+|―+|\/|无|空|\.{1,3}|…|_+)$/;
/**
 * A figure: sign, digits, a money unit (`7730.28万元`, `7730.28(万元)`) or a count word (`550件`, `12项`).
 * A minus may be printed as `−` (U+2212), `﹣` or `–` (`−62` is a negative change).
 */
const NUMBER = /^([-+]?\d+(?:\.\d+)?)(?:\(?(亿元|万元|元|亿|万)\)?|件|个|项|次|宗|条|人次|人)?$/;
const MINUS = /^[\u2212\ufe63\u2013](?=\d)/;

/**
 * Cells read so far: the readers try each row for several sections, so one report reads its few
 * distinct cell texts over and over (seed 002: 1,060 reads of 74 texts). Kept small; a copy is returned.
 */
const readCells = new Map<string, CellValue>();
const MAX_READ_CELLS = 4096;

/** Reads one table cell: a number (with a money unit if printed), a blank, or text. */
export function readCell(text: string): CellValue {
  let value = readCells.get(text);
  if (value === undefined) {
    if (readCells.size >= MAX_READ_CELLS) readCells.clear();
    value = readCellAfresh(text);
    readCells.set(text, value);
  }
  return { ...value };
}

function readCellAfresh(text: string): CellValue {
  const t = compact(text)
    .replace(/(?<=\d),(?=\d{3}(?:\D|$))/g, "")
    .replace(MINUS, "-");
  if (BLANK.test(t)) return t === "" ? { kind: "blank" } : { kind: "blank", printed: t };
  const m = NUMBER.exec(t);
  if (m?.[1] !== undefined) {
    const unit = m[2] === undefined ? undefined : m[2].startsWith("亿") ? MONEY_UNIT.YI : m[2].startsWith("万") ? MONEY_UNIT.WAN : MONEY_UNIT.YUAN;
    return unit ? { kind: "number", value: Number(m[1]), unit, raw: m[1] } : { kind: "number", value: Number(m[1]), raw: m[1] };
  }
  return { kind: "text", text: t };
}

/** Whether a cell holds a figure or nothing (as opposed to a label). */
export function isValueCell(text: string): boolean {
  return readCell(text).kind !== "text";
}

/**
 * Shifts a decimal string by `places` powers of ten without floating-point error
 * (`1.67` 亿元 is exactly `16700` 万元).
 */
export function shiftDecimal(raw: string, places: number): number {
  const negative = raw.startsWith("-");
  const [intPart = "0", fracPart = ""] = raw.replace(/^[-+]/, "").split(".");
  let digits = intPart + fracPart;
  let point = intPart.length + places;
  if (point > digits.length) digits = digits.padEnd(point, "0");
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  }
  const text = `${digits.slice(0, point) || "0"}.${digits.slice(point) || "0"}`;
  return (negative ? -1 : 1) * Number(text);
}

/**
 * Text reuse year over year: how much of this year's prose (sections 一, 五, 六) is found in the
 * same body's report of the year before.
 *
 * The measure is character n-gram shingles (w-shingling), the standard one for near-duplicate
 * Chinese text, which has no word breaks: a character of this year's text counts as reused when a
 * run of SHINGLE_CHARS characters covering it also occurs anywhere in last year's three sections.
 * White space and punctuation are not compared; a run of digits compares as one digit-run, so a
 * sentence copied with this year's figures put in (`受理申请21件` → `受理申请95件`) counts as
 * copied. The template's fixed wording (its section titles, row and column labels) is masked out
 * of both texts first, so that printing the titles the template requires is not counted as reuse.
 */
import * as z from "zod";
import { compact } from "./normalise.ts";
import { PROSE_SECTIONS, TEXT_SECTIONS, type SectionTexts, type TextSectionKey } from "./prose.ts";
import { APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS, disclosureItemsOf } from "./template.ts";

/** Characters per shingle: long enough that common phrases (`政府信息公开`, 6) alone do not count. */
export const SHINGLE_CHARS = 8;

export const SectionReuse = z.object({
  /** Share of the section's compared characters found in last year's text, 0..1. */
  share: z.number().min(0).max(1),
  /** Characters compared (white space, punctuation and the template's wording left out). */
  chars: z.number().int().min(0),
  /** The reused passages as `[start, end)` offsets into this year's `sectionTexts` of the section. */
  spans: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type SectionReuse = z.infer<typeof SectionReuse>;

export const TextReuse = z.object({
  previousReportId: z.string(),
  previousYear: z.number().int(),
  /** Share of all compared characters of the three sections found in last year's text, 0..1. */
  overall: z.number().min(0).max(1),
  sections: z.object(Object.fromEntries(TEXT_SECTIONS.map((k) => [k, SectionReuse.nullable()])) as Record<TextSectionKey, z.ZodNullable<typeof SectionReuse>>),
  method: z.string(),
});
export type TextReuse = z.infer<typeof TextReuse>;

/** The measure in words, for the people who read the reports (shown with the share). */
export const REUSE_METHOD = `按连续 ${SHINGLE_CHARS} 字片段比对（不计空白和标点，数字不论大小，模板固定用语不计）`;

/** Wording the template prints beyond its labels (the notes in its headers and row labels). */
const TEMPLATE_NOTES = [
  "区分处理的，只计这一情形，不计其他情形",
  "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和",
  "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
  "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
  "本年新收政府信息公开申请数量",
  "上年结转政府信息公开申请数量",
  "结转下年度继续办理",
];

/** The template's fixed wording: section titles, row labels and groups, column labels, notes. */
const TEMPLATE_WORDING: readonly string[] = [
  ...new Set(
    [
      ...TEMPLATE_NOTES,
      ...PROSE_SECTIONS.flatMap((s) => s.titles),
      ...APPLICATION_ROWS.flatMap((r) => [r.label, r.group ?? ""]),
      ...APPLICANT_COLUMNS.map((c) => c.label),
      ...REVIEW_GROUPS.map((g) => g.label),
      ...REVIEW_COLUMNS.map((c) => c.label),
      ...(["2019", "2021"] as const).flatMap((e) => disclosureItemsOf(e).flatMap((i) => [...i.rows.map((r) => r.label), ...i.columns.map((c) => c.label)])),
    ]
      .map((label) => compact(label).replace(/^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|（[一二三四五六七八九十]+）|\d+\.)/, ""))
      .filter((label) => label.length >= 4),
  ),
].sort((a, b) => b.length - a.length);

/** Characters that are compared: not white space, not punctuation or symbols. */
const COMPARED = /[\p{L}\p{N}]/u;

/** A text as compared: letters and digit runs (each run one `#`), punctuation and white space dropped. */
const unitString = (text: string): string => [...text].filter((ch) => COMPARED.test(ch)).join("").replace(/\d+/g, "#");

const WORDING_UNITS = TEMPLATE_WORDING.map(unitString).filter((u) => u.length >= 4);

/**
 * A text as runs of compared units, each unit with its offset in the text. The template's wording
 * breaks the runs (a shingle never spans it), so it is neither counted nor bridged.
 */
function unitsOf(text: string): { units: string[]; offsets: number[]; runs: [number, number][] } {
  const units: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (!COMPARED.test(ch)) continue;
    const digit = /\d/.test(ch);
    if (digit && units.length > 0 && units.at(-1) === "#" && /^\d+$/.test(text.slice(offsets.at(-1)!, i + 1))) continue;
    units.push(digit ? "#" : ch);
    offsets.push(i);
  }
  const joined = units.join("");
  const masked = new Array<boolean>(units.length).fill(false);
  for (const phrase of WORDING_UNITS) {
    for (let at = joined.indexOf(phrase); at >= 0; at = joined.indexOf(phrase, at + phrase.length)) masked.fill(true, at, at + phrase.length);
  }
  const runs: [number, number][] = [];
  masked.forEach((isMasked, i) => {
    if (isMasked) return;
    const last = runs.at(-1);
    if (last && last[1] === i) last[1] = i + 1;
    else runs.push([i, i + 1]);
  });
  return { units, offsets, runs };
}

/** The shingles of a text, each with the index of its first unit. */
function shinglesOf(text: string): { shingle: string; at: number }[] {
  const { units, runs } = unitsOf(text);
  return runs.flatMap(([from, to]) =>
    Array.from({ length: Math.max(0, to - from - SHINGLE_CHARS + 1) }, (_, k) => ({ shingle: units.slice(from + k, from + k + SHINGLE_CHARS).join(""), at: from + k })),
  );
}

/** One section of this year against the shingles of last year's text. */
function sectionReuse(text: string, previous: ReadonlySet<string>): SectionReuse {
  const { units, offsets, runs } = unitsOf(text);
  const compared = runs.reduce((n, [from, to]) => n + to - from, 0);
  const covered = new Array<boolean>(units.length).fill(false);
  for (const { shingle, at } of shinglesOf(text)) if (previous.has(shingle)) covered.fill(true, at, at + SHINGLE_CHARS);
  const spans: [number, number][] = [];
  covered.forEach((isCovered, i) => {
    if (!isCovered) return;
    const start = offsets[i]!;
    const end = units[i] === "#" ? digitRunEnd(text, start) : start + 1;
    const last = spans.at(-1);
    // Units next to each other (only white space or punctuation between) are one passage.
    if (last && covered[i - 1]) last[1] = end;
    else spans.push([start, end]);
  });
  const reused = covered.filter(Boolean).length;
  return { share: compared > 0 ? round(reused / compared) : 0, chars: compared, spans };
}

const digitRunEnd = (text: string, start: number): number => {
  let end = start;
  while (/\d/.test(text[end] ?? "")) end++;
  return end;
};

const round = (share: number): number => Math.round(share * 10000) / 10000;

/**
 * This year's sections against last year's: per section and overall (weighted by the characters
 * compared). Null when this year's report has none of the three sections.
 *
 * @example
 * const reuse = measureTextReuse(record2023.sectionTexts, record2024.sectionTexts);
 * reuse?.overall; // 0.42
 */
export function measureTextReuse(previous: SectionTexts, current: SectionTexts): Pick<TextReuse, "overall" | "sections" | "method"> | null {
  if (TEXT_SECTIONS.every((k) => !current[k])) return null;
  const before = new Set(TEXT_SECTIONS.flatMap((k) => shinglesOf(previous[k] ?? "").map((s) => s.shingle)));
  const sections = Object.fromEntries(TEXT_SECTIONS.map((k) => [k, current[k] ? sectionReuse(current[k], before) : null])) as TextReuse["sections"];
  const measured = Object.values(sections).filter((s): s is SectionReuse => s !== null);
  const chars = measured.reduce((n, s) => n + s.chars, 0);
  const reused = measured.reduce((n, s) => n + s.share * s.chars, 0);
  return { overall: chars > 0 ? round(reused / chars) : 0, sections, method: REUSE_METHOD };
}

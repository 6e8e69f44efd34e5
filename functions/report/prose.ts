/**
 * The report's prose by the template's six sections (一 总体情况 … 六 其他需要报告的事项), and the
 * headings that open them.
 *
 * A heading is found by the template's title (`五、存在的主要问题及改进情况`, with or without its
 * number), else by its number and a word of the title (`五、下一步工作思路` is section 五). Headings
 * on lines of their own and headings run into the text (a web page flattened into one paragraph)
 * are both found. Page numbers (`- 3 -`) are dropped; a PDF's wrapped lines are joined.
 */
import { compact } from "./normalise.ts";

export const PROSE_SECTIONS = [
  { no: 1, key: "overview", title: "总体情况", titles: ["总体情况"], words: /总体情况|概述|概况/ },
  { no: 2, key: "activeDisclosure", title: "主动公开政府信息情况", titles: ["主动公开政府信息情况"], words: /主动公开/ },
  { no: 3, key: "applications", title: "收到和处理政府信息公开申请情况", titles: ["收到和处理政府信息公开申请情况"], words: /收到和处理|依申请/ },
  {
    no: 4,
    key: "reviewLitigation",
    title: "政府信息公开行政复议、行政诉讼情况",
    titles: ["政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议、提起行政诉讼情况"],
    words: /行政复议|行政诉讼/,
  },
  {
    no: 5,
    key: "problems",
    title: "存在的主要问题及改进情况",
    titles: ["存在的主要问题及改进情况", "政府信息公开工作存在的主要问题及改进情况"],
    words: /问题|改进|下一步/,
  },
  { no: 6, key: "other", title: "其他需要报告的事项", titles: ["其他需要报告的事项"], words: /其他需要报告|其他事项/ },
] as const;

export type ProseSection = (typeof PROSE_SECTIONS)[number];
export type ProseSectionKey = ProseSection["key"];

/** The sections whose text is kept with the record (the prose ones; 二–四 are tables). */
export const TEXT_SECTIONS = ["overview", "problems", "other"] as const;
export type TextSectionKey = (typeof TEXT_SECTIONS)[number];
export type SectionTexts = Record<TextSectionKey, string | null>;

/** A record keeps at most this much of one section's text (a DynamoDB item holds 400 kB). */
export const MAX_SECTION_CHARS = 6000;

const NUMERALS = "一二三四五六七八九十";
/** The numbering systems of headings: `一、`, `(一)`, `1、`/`1.`, `第一部分`. */
const MARKER = /^(?:([一二三四五六七八九十]{1,2})[、.]|\(([一二三四五六七八九十]{1,2})\)|([1-9])[、.](?!\d)|第([一二三四五六七八九十]{1,2})部分)/;
export type NumberingStyle = "一、" | "(一)" | "1、" | "第一部分";

export type Heading = {
  /** The section it opens. */
  section: ProseSectionKey;
  /** The heading as printed (marker and title). */
  text: string;
  /** Its number (一 = 1), null when printed without one. */
  number: number | null;
  style: NumberingStyle | null;
  /** Offsets in the joined prose: the heading's start and the end of its title. */
  start: number;
  end: number;
};

export type Prose = {
  /** The prose of the report joined (lines of a paragraph joined, page numbers dropped). */
  text: string;
  /** The headings of the template's sections found, in the order printed. */
  headings: Heading[];
  /** Each section's text (after its heading, up to the next section's heading); null when not found. */
  sections: Record<ProseSectionKey, string | null>;
  /** Top-level headings printed on lines of their own (`一、…`), whichever section they open. */
  lineHeadings: { text: string; number: number }[];
};

export const numeralValue = (numeral: string): number => {
  if (/^[1-9]$/.test(numeral)) return Number(numeral);
  if (numeral === "十") return 10;
  if (numeral.startsWith("十")) return 10 + NUMERALS.indexOf(numeral[1]!) + 1;
  return NUMERALS.indexOf(numeral[0]!) + 1;
};

function markerOf(text: string): { number: number; style: NumberingStyle; length: number } | null {
  const m = MARKER.exec(text);
  if (!m) return null;
  const [numeral, style] = m[1]
    ? [m[1], "一、" as const]
    : m[2]
      ? [m[2], "(一)" as const]
      : m[3]
        ? [m[3], "1、" as const]
        : [m[4]!, "第一部分" as const];
  return { number: numeralValue(numeral), style, length: m[0].length };
}

const PAGE_NUMBER = /^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?[-—–\s]*$/;

/** Lines of prose: one paragraph per line, page numbers dropped, a PDF's wrapped lines kept as lines. */
function proseLines(paragraphs: readonly string[]): string[] {
  return paragraphs.map((p) => p.trim()).filter((p) => p !== "" && !PAGE_NUMBER.test(p));
}

/** Where a line or a run of text could start a heading: at a line's start or after white space. */
const starts = (text: string, at: number) => at === 0 || /\s/.test(text[at - 1]!);

/** The title a heading prints: up to the end of its line, white space or a full stop. */
function titleAt(text: string, at: number): string {
  const m = /^[^\n\s。:,;]{1,40}/.exec(text.slice(at));
  return m ? m[0] : "";
}

/** The first heading of `section` from `from` on: its title as the template prints it, else its number and a word of the title. */
function findHeading(text: string, section: ProseSection, from: number): Heading | null {
  let best: Heading | null = null;
  for (const title of section.titles) {
    for (let at = text.indexOf(title, from); at >= 0; at = text.indexOf(title, at + 1)) {
      // The title may follow a marker (`五、`, `(五)`, `第五部分`) or stand alone at a line's start.
      const before = text.slice(Math.max(from, at - 6), at);
      const marked = /(?:[一二三四五六七八九十]{1,2}[、.]|\([一二三四五六七八九十]{1,2}\)|[1-9][、.]|第[一二三四五六七八九十]{1,2}部分)\s*$/.exec(before);
      const start = marked ? at - marked[0].length : at;
      if (!starts(text, start)) continue;
      // `(一)主动公开政府信息情况` inside section 一 is a sub-heading, not section 二; `三、其他需要报告的事项` is section 六 misnumbered.
      const marker = marked ? markerOf(marked[0]) : null;
      if (marker && marker.number !== section.no && (marker.style === "(一)" || marker.style === "1、")) continue;
      if (!best || start < best.start) best = headingAt(text, section, start, at + title.length);
      break;
    }
  }
  if (best) return best;
  const numbered = new RegExp(`(?:^|(?<=\\s))(?:${NUMERALS[section.no - 1]}[、.]|第${NUMERALS[section.no - 1]}部分)`, "g");
  numbered.lastIndex = from;
  for (let m = numbered.exec(text); m; m = numbered.exec(text)) {
    const title = titleAt(text, m.index + m[0].length);
    if (section.words.test(title) && title.length <= 30) return headingAt(text, section, m.index, m.index + m[0].length + title.length);
  }
  return null;
}

function headingAt(text: string, section: ProseSection, start: number, end: number): Heading {
  const printed = text.slice(start, end);
  const marker = markerOf(printed);
  return { section: section.key, text: printed, number: marker?.number ?? null, style: marker?.style ?? null, start, end };
}

/** Top-level headings on lines of their own: `一、总体情况`, not a sentence (`一是…`, a line ending in `。`). */
function lineHeadingsOf(lines: readonly string[]): { text: string; number: number }[] {
  return lines.flatMap((line) => {
    const m = /^([一二三四五六七八九十]{1,2})、(.{2,30})$/.exec(compact(line));
    if (!m || /[。;:,]$/.test(m[2]!) || /[。]/.test(m[2]!)) return [];
    return [{ text: compact(line), number: numeralValue(m[1]!) }];
  });
}

/**
 * The prose of a report by the template's sections.
 *
 * @example
 * const prose = readProse(["一、总体情况", "2023年，…", "五、存在的主要问题及改进情况", "无。"]);
 * prose.sections.problems; // "无。"
 */
export function readProse(paragraphs: readonly string[]): Prose {
  const lines = proseLines(paragraphs);
  const text = lines.join("\n");
  const headings: Heading[] = [];
  let from = 0;
  for (const section of PROSE_SECTIONS) {
    const heading = findHeading(text, section, from);
    if (!heading) continue;
    headings.push(heading);
    from = heading.end;
  }
  const sections = Object.fromEntries(PROSE_SECTIONS.map((s) => [s.key, null])) as Record<ProseSectionKey, string | null>;
  headings.forEach((heading, i) => {
    const end = headings[i + 1]?.start ?? text.length;
    sections[heading.section] = joinWrapped(text.slice(heading.end, end));
  });
  return { text, headings, sections, lineHeadings: lineHeadingsOf(lines) };
}

/**
 * A section's text with a PDF's wrapped lines joined (a line break inside a sentence goes) and
 * paragraph breaks kept where a line ends a sentence.
 */
function joinWrapped(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .reduce((out, line) => (out === "" ? line : /[。:;!?]$/.test(out) ? `${out}\n${line}` : `${out}${line}`), "")
    .trim();
}

/** The section texts a record keeps (bounded), for the text reuse of the next year. */
export function sectionTextsOf(prose: Prose): SectionTexts {
  return Object.fromEntries(TEXT_SECTIONS.map((key) => [key, prose.sections[key]?.slice(0, MAX_SECTION_CHARS) ?? null])) as SectionTexts;
}

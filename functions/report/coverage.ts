/**
 * Coverage (issue 14): which of the bodies expected to publish in a region did publish a year's
 * report. Expected are the registry's bodies within the region (seen in any year) and the
 * people's government of every division at county level and above within it; where an office
 * imported its own list of bodies (./body-list.ts), that list instead, for the divisions it covers.
 *
 * Pure: the registry's bodies and the imported lists come in as values.
 */
import { levelOf, type BodyLevel, type BodyRegion } from "./body.ts";
import { codePrefix, divisionByCode, divisionChildren, divisionsWithin, type DivisionNode } from "./division-tree.ts";
import { agencyIdOf } from "./region.ts";

/** What coverage needs of a registered body (functions/adapters/agency-registry.ts `Body`). */
export type RegisteredBody = { id: string; name: string; region: BodyRegion | null; reports: { year: number; reportId: string }[] };
/** An imported list as stored: its scope (code prefix) and bodies. */
export type ExpectedList = { scope: string; importedAt: string; bodies: { agencyId: string; agency: string; region: BodyRegion }[] };

export type CoverageQuery = { year: number; region: string; level?: BodyLevel };
type Entry = { agencyId: string; agency: string; region: BodyRegion };
export type DivisionCount = { code: string; name: string; own: boolean; expected: number; published: number; missing: number };
export type Coverage = {
  year: number;
  region: string;
  counts: { expected: number; published: number; missing: number };
  published: (Entry & { reportId: string })[];
  /** `years`: the years a missing body did publish; `reports`: those reports, for links. */
  missing: (Entry & { years: number[]; reports: { year: number; reportId: string }[] })[];
  /** The region's own level (`own`) and each division directly under it. */
  divisions: DivisionCount[];
  /** The imported lists used, by scope. */
  lists: { scope: string; importedAt: string; bodies: number }[];
};

const GOVERNMENT = "人民政府";

/** The 人民政府 of every division at county level and above whose code starts with `prefix`. */
export function governmentsWithin(prefix: string): Entry[] {
  return divisionsWithin(prefix).map((d) => {
    const agency = `${d.name}${GOVERNMENT}`;
    return { agencyId: agencyIdOf(agency, d.region)!, agency, region: d.region };
  });
}

const overlaps = (scope: string, prefix: string) => scope.startsWith(prefix) || prefix.startsWith(scope);

/** The expected bodies of `prefix`, by agencyId (a registered body's name wins over the government's). */
export function expectedBodies(prefix: string, registered: readonly RegisteredBody[], lists: readonly ExpectedList[]): Map<string, Entry> {
  const used = lists.filter((l) => overlaps(l.scope, prefix));
  // The deepest imported list holding a code governs it.
  const governing = (code: string) => used.filter((l) => code.startsWith(l.scope)).sort((a, b) => b.scope.length - a.scope.length)[0];
  const out = new Map<string, Entry>();
  for (const list of used) {
    for (const b of list.bodies) if (b.region.code.startsWith(prefix) && governing(b.region.code) === list) out.set(b.agencyId, b);
  }
  for (const g of governmentsWithin(prefix)) if (!governing(g.region.code)) out.set(g.agencyId, g);
  for (const b of registered) {
    if (!b.region?.code.startsWith(prefix) || governing(b.region.code)) continue;
    out.set(b.id, { agencyId: b.id, agency: b.name, region: b.region });
  }
  return out;
}

const byRegionThenName = (a: Entry, b: Entry) => a.region.code.localeCompare(b.region.code) || a.agency.localeCompare(b.agency, "zh-CN");

/** The region's own level and the divisions directly under it, each with its counts. */
function divisionCounts(prefix: string, published: readonly Entry[], missing: readonly Entry[]): DivisionCount[] {
  const own = prefix.length === 2 || prefix.length === 4 ? divisionByCode(prefix.padEnd(6, "0")) : divisionByCode(prefix);
  const rows: { node: DivisionNode; own: boolean; holds: (code: string) => boolean }[] = [];
  if (own) rows.push({ node: own, own: true, holds: (code) => code === own.code });
  if (prefix.length < 6) {
    for (const child of divisionChildren(prefix || undefined)) {
      const childPrefix = codePrefix(child.code);
      rows.push({ node: child, own: false, holds: (code) => code.startsWith(childPrefix) });
    }
  }
  return rows
    .map(({ node, own, holds }) => {
      const p = published.filter((b) => holds(b.region.code)).length;
      const m = missing.filter((b) => holds(b.region.code)).length;
      return { code: node.code, name: node.name, own, expected: p + m, published: p, missing: m };
    })
    .filter((row) => row.own || row.expected > 0);
}

/** Coverage of one year in one region (a GB/T 2260 code prefix), optionally of one level of government. */
export function computeCoverage(query: CoverageQuery, registered: readonly RegisteredBody[], lists: readonly ExpectedList[]): Coverage {
  const byId = new Map(registered.map((b) => [b.id, b]));
  const expected = [...expectedBodies(query.region, registered, lists).values()]
    .filter((b) => !query.level || levelOf(b.agency, b.region) === query.level)
    .sort(byRegionThenName);
  const published: Coverage["published"] = [];
  const missing: Coverage["missing"] = [];
  for (const body of expected) {
    const reports = byId.get(body.agencyId)?.reports ?? [];
    const report = reports.find((r) => r.year === query.year);
    if (report) published.push({ ...body, reportId: report.reportId });
    else missing.push({ ...body, years: [...new Set(reports.map((r) => r.year))].sort((a, b) => a - b), reports: [...reports] });
  }
  return {
    year: query.year,
    region: query.region,
    counts: { expected: expected.length, published: published.length, missing: missing.length },
    published,
    missing,
    divisions: divisionCounts(query.region, published, missing),
    lists: lists.filter((l) => overlaps(l.scope, query.region)).map((l) => ({ scope: l.scope, importedAt: l.importedAt, bodies: l.bodies.length })),
  };
}

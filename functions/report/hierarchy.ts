/**
 * Hierarchy (issue 14): a people's government's report that says it summarises its subordinate
 * bodies (`全市共受理…`, `汇总`) is compared, figure by figure over sections 二–四, with the sum of
 * its subordinates' reports of that year, when every one of them is in the registry for that
 * year: a `hierarchy.sum` warning per differing cell, naming the bodies summed.
 *
 * Subordinates of a government at division D: the other expected bodies of D itself (its
 * departments, from the registry or the imported list, ./coverage.ts) and the 人民政府 of each
 * division directly under D (their reports summarise their own departments in turn).
 *
 * Pure: the expected bodies and the records come in as values.
 */
import { BODY_KIND, kindOf, type BodyRegion } from "./body.ts";
import { cellName } from "./cell-names.ts";
import { governmentsWithin } from "./coverage.ts";
import { divisionByCode, divisionChildren } from "./division-tree.ts";
import type { Finding, ReportRecord } from "./record.ts";
import { SECTION, type SectionKey } from "./template.ts";

export const HIERARCHY_SUM = "hierarchy.sum";

/** Words by which a report speaks for its whole area, or says it summarises. */
const SUMMARY_CLAIM = /(?:全省|全市|全区|全县|全旗|全州|全盟)(?:各级行政机关|各地各部门|各部门|各单位)?(?:共|累计|合计)?(?:受理|收到|新收|办理|主动公开)|汇总(?:了|形成|编制|全(?:省|市|区|县))/;

/** Whether a report of `agency` says it summarises its area's bodies (only a 人民政府 speaks for its area). */
export function claimsSummary(agency: string | null, text: string): boolean {
  if (!agency || kindOf(agency) !== BODY_KIND.GOVERNMENT) return false;
  return SUMMARY_CLAIM.test(text.replace(/\s+/g, ""));
}

type Entry = { agencyId: string; agency: string; region: BodyRegion };

/** The bodies whose reports a summary by `summary` (a government at its region) adds up. */
export function subordinatesOf(summary: { agencyId: string; region: BodyRegion }, expected: ReadonlyMap<string, Entry>): Entry[] {
  const code = summary.region.code;
  const childGovernments = new Set(divisionChildren(code).flatMap((d) => governmentsWithin(d.code).filter((g) => g.region.code === d.code).map((g) => g.agencyId)));
  return [...expected.values()].filter((b) => b.agencyId !== summary.agencyId && (b.region.code === code || childGovernments.has(b.agencyId)));
}

export type SummedReport = { agency: string; record: ReportRecord };
type Figures = Record<string, Record<string, number> | undefined>;

const SECTIONS: readonly SectionKey[] = [SECTION.ACTIVE_DISCLOSURE, SECTION.APPLICATIONS, SECTION.REVIEW_LITIGATION];
const NAMED = 10;
/** Money cells are sums of decimals: compare to the fourth decimal of 万元. */
const same = (a: number, b: number) => Math.abs(a - b) < 1e-4;

function bodiesNamed(parts: readonly SummedReport[]): string {
  const names = parts.map((p) => p.agency);
  return names.length > NAMED ? `${names.slice(0, NAMED).join("、")}等 ${names.length} 个机关` : names.join("、");
}

/**
 * Each cell of sections 二–四 the summary prints against the sum of `parts` (a cell a part
 * omits counts 0). No findings without parts, or when a part is of another edition or year.
 */
export function checkHierarchy(summary: ReportRecord, parts: readonly SummedReport[]): Finding[] {
  if (parts.length === 0 || parts.some((p) => p.record.edition !== summary.edition || p.record.year !== summary.year)) return [];
  const who = bodiesNamed(parts);
  const findings: Finding[] = [];
  for (const section of SECTIONS) {
    const own = summary[section] as Figures;
    for (const [row, columns] of Object.entries(own)) {
      for (const [column, actual] of Object.entries(columns ?? {})) {
        const expected = parts.reduce((sum, p) => sum + ((p.record[section] as Figures)[row]?.[column] ?? 0), 0);
        if (same(expected, actual)) continue;
        const rounded = Math.round(expected * 1e4) / 1e4;
        findings.push({
          rule: HIERARCHY_SUM,
          severity: "warning",
          message: `${cellName(section, `${row}.${column}`, summary.edition)}：本报告为 ${actual}，所属 ${parts.length} 个机关（${who}）的报告相加为 ${rounded}`,
          cells: [`${row}.${column}`],
          expected: rounded,
          actual,
        });
      }
    }
  }
  return findings;
}

/**
 * The government whose summary a body's report is one part of: a department's own government;
 * a government's, the one of the division above (a municipality's county: the municipality).
 */
export function parentGovernmentOf(agency: string, region: BodyRegion): Entry | null {
  const division = divisionByCode(region.code);
  if (!division) return null;
  let code: string | null = region.code;
  if (kindOf(agency) === BODY_KIND.GOVERNMENT) {
    const city = `${region.code.slice(0, 4)}00`;
    const province = `${region.code.slice(0, 2)}0000`;
    code = division.level === "county" ? (divisionByCode(city)?.level === "city" ? city : province) : division.level === "city" ? province : null;
  }
  return code ? (governmentsWithin(code).find((g) => g.region.code === code) ?? null) : null;
}

/**
 * Checks between two reports of one agency for consecutive years, and the agency key that
 * matches them.
 */
import { normaliseText } from "./normalise.ts";
import type { ReportRecord } from "./record.ts";
import { APPLICANT_COLUMNS, RULE } from "./template.ts";
import type { Finding } from "./validate.ts";

/**
 * A stable key for an agency across years: simplified, without white space and without the
 * province or city in front of a district or county (`杭州市西湖区教育局` and `西湖区教育局`
 * are one agency; a report names itself either way).
 */
export function agencyKeyOf(name: string): string {
  let key = normaliseText(name).replace(/\s+/g, "");
  key = key.replace(/^[\u4e00-\u9fff]{2,7}?(?:省|自治区)(?=[\u4e00-\u9fff]{2,})/, "");
  key = key.replace(/^[\u4e00-\u9fff]{2,5}?市(?=[\u4e00-\u9fff]{1,6}?(?:区|县|旗))/, "");
  return key;
}

type Figures = Record<string, Record<string, number> | undefined>;
export type ReportRef = { id: string; record: ReportRecord };

/** Findings of a cross-year rule carry the other report's id and year. */
export type CrossYearFinding = Finding & { related: { reportId: string; year: number } };

/**
 * `carriedOver` of year Y equals `carriedForward` of year Y−1 in every column, and, in the
 * 2021 edition, `inForce(Y) = inForce(Y−1) + issued(Y) − repealed(Y)` for rules and normative
 * documents. Returns the findings for each of the two reports (one per broken column).
 */
export function checkCrossYear(previous: ReportRef, current: ReportRef): { previous: CrossYearFinding[]; current: CrossYearFinding[] } {
  const out = { previous: [] as CrossYearFinding[], current: [] as CrossYearFinding[] };
  if (current.record.year !== previous.record.year + 1) return out;
  const add = (finding: Finding): void => {
    out.current.push({ ...finding, related: { reportId: previous.id, year: previous.record.year } });
    out.previous.push({ ...finding, related: { reportId: current.id, year: current.record.year } });
  };
  const prevApps = previous.record.applications as Figures;
  const currApps = current.record.applications as Figures;
  const forward = prevApps.carriedForward;
  const over = currApps.carriedOver;
  if (forward && over) {
    for (const { key: col } of APPLICANT_COLUMNS) {
      const expected = forward[col] ?? 0;
      const actual = over[col] ?? 0;
      if (expected === actual) continue;
      add({
        rule: RULE.CROSS_YEAR_CARRY_OVER,
        severity: "warning",
        message: `${current.record.year}年「二、上年结转」${col} is ${actual}, but ${previous.record.year}年「四、结转下年度继续办理」is ${expected}`,
        cells: [`carriedOver.${col}`, `carriedForward.${col}`],
        expected,
        actual,
      });
    }
  }
  if (current.record.edition === "2021") {
    const prevAd = previous.record.activeDisclosure as Figures;
    const currAd = current.record.activeDisclosure as Figures;
    for (const row of ["rules", "normativeDocuments"]) {
      const before = prevAd[row]?.inForce;
      const now = currAd[row];
      if (before === undefined || now?.inForce === undefined || now.issued === undefined || now.repealed === undefined) continue;
      const expected = before + now.issued - now.repealed;
      if (expected === now.inForce) continue;
      add({
        rule: RULE.CROSS_YEAR_IN_FORCE,
        severity: "warning",
        message: `${row}: 现行有效件数 ${now.inForce} in ${current.record.year}, but ${before} (${previous.record.year}) + ${now.issued} issued − ${now.repealed} repealed = ${expected}`,
        cells: [`${row}.inForce`],
        expected,
        actual: now.inForce,
      });
    }
  }
  return out;
}

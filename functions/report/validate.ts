/**
 * The template's identities as findings. Findings report; they never change a figure.
 */
import type { FigureReading, FigureTable } from "./read-figures.ts";
import type { Finding } from "./record.ts";
import {
  APPLICANT_COLUMNS,
  APPLICANT_PARTS,
  applicationRowsOf,
  type Edition,
  REVIEW_GROUPS,
  REVIEW_PARTS,
  RULE,
  SECTION_TITLES,
  SEVERITY,
  type SectionKey,
  type Severity,
} from "./template.ts";

/** A finding is defined once, as the record's zod schema (./record.ts). */
export type { Finding };

const differs = (a: number, b: number): boolean => Math.abs(a - b) > 1e-9;
const sum = (values: number[]): number => values.reduce((s, v) => s + v, 0);

/**
 * A row whose `total` must equal the sum of its `parts`: the finding when it does not.
 * Both the applications rows and the review/litigation groups state such an identity.
 */
function rowTotalFinding(rule: string, row: string, cols: Record<string, number>, parts: readonly string[], describe: (actual: number, expected: number) => string): Finding | null {
  const expected = sum(parts.map((k) => cols[k] ?? 0));
  const actual = cols.total ?? 0;
  if (!differs(expected, actual)) return null;
  return { rule, severity: SEVERITY.ERROR, message: describe(actual, expected), cells: [`${row}.total`], expected, actual };
}

/** In each row, `total` = the sum of the six applicant columns. */
export function checkRowTotals(applications: FigureTable): Finding[] {
  return Object.entries(applications).flatMap(([row, cols]) =>
    rowTotalFinding(RULE.ROW_TOTAL, row, cols, APPLICANT_PARTS, (actual, expected) => `${row}: 总计 is ${actual}, but the applicant columns add up to ${expected}`) ?? [],
  );
}

/** （七）总计 = the sum of the result rows, and 一+二 = 三（七）总计+四, in every column. */
export function checkResults(applications: FigureTable, edition: Edition): Finding[] {
  const findings: Finding[] = [];
  const resultRows = applicationRowsOf(edition).filter((r) => r.result && applications[r.key]);
  const total = applications.resultsTotal;
  for (const { key: col } of APPLICANT_COLUMNS) {
    if (total && resultRows.length > 0) {
      const expected = sum(resultRows.map((r) => applications[r.key]![col] ?? 0));
      const actual = total[col] ?? 0;
      if (differs(expected, actual)) {
        findings.push({
          rule: RULE.RESULTS_TOTAL,
          severity: SEVERITY.ERROR,
          message: `（七）总计 is ${actual} in column ${col}, but its rows add up to ${expected}`,
          cells: [`resultsTotal.${col}`],
          expected,
          actual,
        });
      }
    }
    const { newReceived, carriedOver, carriedForward } = applications;
    if (newReceived && carriedOver && total && carriedForward) {
      const expected = (newReceived[col] ?? 0) + (carriedOver[col] ?? 0);
      const actual = (total[col] ?? 0) + (carriedForward[col] ?? 0);
      if (differs(expected, actual)) {
        findings.push({
          rule: RULE.BALANCE,
          severity: SEVERITY.ERROR,
          message: `column ${col}: 一+二 = ${expected}, but 三（七）总计+四 = ${actual}`,
          cells: [`newReceived.${col}`, `carriedOver.${col}`, `resultsTotal.${col}`, `carriedForward.${col}`],
          expected,
          actual,
        });
      }
    }
  }
  return findings;
}

/** In each review/litigation group, 总计 = the sum of the other four. */
export function checkReviewTotals(reviewLitigation: FigureTable): Finding[] {
  return REVIEW_GROUPS.flatMap(({ key: group, label }) => {
    const cols = reviewLitigation[group];
    if (!cols) return [];
    return rowTotalFinding(RULE.REVIEW_TOTAL, group, cols, REVIEW_PARTS, (actual, expected) => `${label}: 总计 is ${actual}, but its four results add up to ${expected}`) ?? [];
  });
}

/** Every finding the contract's rules raise on a reading. */
export function validateFigures(reading: FigureReading, edition: Edition): Finding[] {
  const findings: Finding[] = [];
  for (const section of Object.keys(reading.layout) as SectionKey[]) {
    if (reading.layout[section] === "missing") {
      findings.push({
        rule: RULE.TABLE_MISSING,
        severity: SEVERITY.ERROR,
        message: `未找到表格「${SECTION_TITLES[section]}」 (the table of this section was not found)`,
        cells: [],
        expected: null,
        actual: null,
      });
    }
  }
  findings.push(...checkRowTotals(reading.applications));
  findings.push(...checkResults(reading.applications, edition));
  findings.push(...checkReviewTotals(reading.reviewLitigation));
  for (const a of reading.unitAssumptions) {
    findings.push({
      rule: RULE.UNIT_ASSUMED,
      severity: SEVERITY.INFO,
      message: `${a.label} ${a.printed} is printed under a header that names no unit; taken as yuan and recorded as ${a.recorded} 万元`,
      cells: [a.cell],
      expected: null,
      actual: a.printed,
    });
  }
  for (const cell of reading.inferredCells) {
    findings.push({
      rule: RULE.CELL_INFERRED,
      severity: SEVERITY.WARNING,
      message: `${cell}: the text does not say which cell this figure belongs to; placed where the template's identities hold`,
      cells: [cell],
      expected: null,
      actual: null,
    });
  }
  return findings;
}

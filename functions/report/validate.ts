/**
 * The template's identities as findings. Findings report; they never change a figure.
 */
import { cellName, columnName, rowLabel, rowName, sectionOfCell, tableName } from "./cell-names.ts";
import type { FigureReading, FigureTable } from "./read-figures.ts";
import type { Finding } from "./record.ts";
import {
  APPLICANT_COLUMNS,
  APPLICANT_PARTS,
  type Edition,
  REVIEW_GROUPS,
  recordedApplicationRowsOf,
  REVIEW_PARTS,
  RULE,
  SECTION,
  SECTION_TITLES,
  SEVERITY,
  type SectionKey,
  type Severity,
  subRowsOf,
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
    rowTotalFinding(RULE.ROW_TOTAL, row, cols, APPLICANT_PARTS, (actual, expected) => `${rowName(SECTION.APPLICATIONS, row)}·总计：印 ${actual}，六类申请人相加为 ${expected}`) ?? [],
  );
}

/**
 * The result rows a reading holds: a one-row form (（六）其他处理 printed as one row in a 2021
 * report) counts unless its sub-rows were read too.
 */
function resultRowsRead(applications: FigureTable, edition: Edition) {
  return recordedApplicationRowsOf(edition).filter(
    (r) => r.result && applications[r.key] && !(r.oneRowIn?.includes(edition) && subRowsOf(r, edition).some((sub) => applications[sub.key])),
  );
}

/** （七）总计 = the sum of the result rows, and 一+二 = 三（七）总计+四, in every column. */
export function checkResults(applications: FigureTable, edition: Edition): Finding[] {
  const findings: Finding[] = [];
  const resultRows = resultRowsRead(applications, edition);
  const total = applications.resultsTotal;
  for (const { key: col, label } of APPLICANT_COLUMNS) {
    if (total && resultRows.length > 0) {
      const expected = sum(resultRows.map((r) => applications[r.key]![col] ?? 0));
      const actual = total[col] ?? 0;
      if (differs(expected, actual)) {
        findings.push({
          rule: RULE.RESULTS_TOTAL,
          severity: SEVERITY.ERROR,
          message: `${rowName(SECTION.APPLICATIONS, "resultsTotal")}·${label}：印 ${actual}，各项办理结果相加为 ${expected}`,
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
          message: `表三${label}列：一、本年新收加二、上年结转为 ${expected}，而三（七）总计加四、结转下年度继续办理为 ${actual}`,
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
  return REVIEW_GROUPS.flatMap(({ key: group }) => {
    const cols = reviewLitigation[group];
    if (!cols) return [];
    return rowTotalFinding(RULE.REVIEW_TOTAL, group, cols, REVIEW_PARTS, (actual, expected) => `${rowName(SECTION.REVIEW_LITIGATION, group)}·总计：印 ${actual}，各项相加为 ${expected}`) ?? [];
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
        message: `未找到表格「${SECTION_TITLES[section]}」`,
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
      message: `${cellName(SECTION.ACTIVE_DISCLOSURE, a.cell, edition)}：印 ${a.printed}，表头未注明单位，按元计，记为 ${a.recorded} 万元`,
      cells: [a.cell],
      expected: null,
      actual: a.printed,
    });
  }
  for (const cell of reading.inferredCells) {
    findings.push({
      rule: RULE.CELL_INFERRED,
      severity: SEVERITY.WARNING,
      message: `${cellName(sectionOfCell(cell), cell, edition)}：文本未表明此数属于哪一格，按模板的勾稽关系放置`,
      cells: [cell],
      expected: null,
      actual: null,
    });
  }
  findings.push(...layoutFindings(reading, edition));
  return findings;
}

/** What the reader noticed about the printed table: labels taken by likeness, marks printed for nothing. */
function layoutFindings(reading: FigureReading, edition: Edition): Finding[] {
  const guesses = (reading.labelGuesses ?? []).map(
    (g): Finding => ({
      rule: RULE.LABEL_FUZZY,
      severity: SEVERITY.WARNING,
      message: `${tableName(g.section)}印有行名「${g.printed}」，模板中没有此行名；按模板的行序和相近的行名，取作「${rowLabel(g.section, g.row)}」`,
      cells: g.columns.map((c) => `${g.row}.${c}`),
      expected: null,
      actual: null,
    }),
  );
  const nothing = (reading.printedNothing ?? []).map(
    (n): Finding => ({
      rule: RULE.PRINTED_NOTHING,
      severity: SEVERITY.INFO,
      message: `${rowName(n.section, n.row)}·${n.columns.map((c, i) => `${columnName(n.section, n.row, c, edition)}印「${n.printed[i]}」`).join("、")}，表示无，记为 0`,
      cells: n.columns.map((c) => `${n.row}.${c}`),
      expected: null,
      actual: null,
    }),
  );
  return [...guesses, ...nothing];
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../functions/report/index.ts";
import { APPLICANT_PARTS, REVIEW_GROUPS, REVIEW_PARTS } from "../../functions/report/template.ts";
import { type Figures, renderText, TEXT_LAYOUTS } from "../fixtures/render-text.ts";
import { consistentFigures } from "./arbitraries.ts";

const errorsOf = (findings: { rule: string; severity: string; cells: string[]; expected: number | null; actual: number | null }[]) =>
  findings
    .filter((f) => f.severity === "error")
    .map((f) => ({ rule: f.rule, cells: [...f.cells].sort(), expected: f.expected, actual: f.actual }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

const clone = (f: Figures): Figures => structuredClone(f);

describe.each(TEXT_LAYOUTS)("a consistent record rendered as %s", (layout) => {
  it("parses back to the same figures with no error finding", () => {
    fc.assert(
      fc.property(consistentFigures, (figures) => {
        // Act
        const { record, status } = parseReportText(renderText(figures, layout));
        // Assess
        expect(record.edition).toBe(figures.edition);
        expect(record.year).toBe(figures.year);
        expect(record.agency).toBe(figures.agency);
        expect(record.activeDisclosure).toEqual(figures.activeDisclosure);
        expect(record.applications).toEqual(figures.applications);
        expect(record.reviewLitigation).toEqual(figures.reviewLitigation);
        expect(errorsOf(record.findings)).toEqual([]);
        expect(status).toBe("VALID");
        // The flattened layout is read by the order of its numbers, the others by labelled rows.
        const how = layout === "flattened" ? "order" : "rows";
        expect(record.layout).toEqual({ activeDisclosure: how, applications: how, reviewLitigation: how });
      }),
      { numRuns: 60 },
    );
  });

  it("reports a planted error in a review group's total", () => {
    fc.assert(
      fc.property(consistentFigures, fc.constantFrom(...REVIEW_GROUPS.map((g) => g.key)), fc.integer({ min: 1, max: 9 }), (figures, group, delta) => {
        // Prepare
        const planted = clone(figures);
        const row = planted.reviewLitigation[group]!;
        row.total = row.total! + delta;
        // Act
        const { record, status } = parseReportText(renderText(planted, layout));
        // Assess
        expect(record.reviewLitigation).toEqual(planted.reviewLitigation);
        const expected = REVIEW_PARTS.reduce((s, k) => s + row[k]!, 0);
        expect(errorsOf(record.findings)).toEqual([{ rule: "reviewLitigation.total", cells: [`${group}.total`], expected, actual: expected + delta }]);
        expect(status).toBe("NEEDS_REVIEW");
      }),
      { numRuns: 40 },
    );
  });

  it("reports a planted error in （七）总计 under every rule it breaks", () => {
    fc.assert(
      fc.property(consistentFigures, fc.integer({ min: 1, max: 9 }), (figures, delta) => {
        // Prepare: the printed grand total is off; the rows are right
        const planted = clone(figures);
        const total = planted.applications.resultsTotal!;
        const printed = total.total! + delta;
        total.total = printed;
        const sumOfParts = APPLICANT_PARTS.reduce((s, k) => s + total[k]!, 0);
        const inflow = planted.applications.newReceived!.total! + planted.applications.carriedOver!.total!;
        // Act
        const { record } = parseReportText(renderText(planted, layout));
        // Assess
        expect(record.applications).toEqual(planted.applications);
        expect(errorsOf(record.findings)).toEqual(
          errorsOf([
            { rule: "applications.rowTotal", severity: "error", cells: ["resultsTotal.total"], expected: sumOfParts, actual: printed },
            { rule: "applications.resultsTotal", severity: "error", cells: ["resultsTotal.total"], expected: sumOfParts, actual: printed },
            {
              rule: "applications.balance",
              severity: "error",
              cells: ["newReceived.total", "carriedOver.total", "resultsTotal.total", "carriedForward.total"],
              expected: inflow,
              actual: printed + planted.applications.carriedForward!.total!,
            },
          ]),
        );
      }),
      { numRuns: 40 },
    );
  });
});

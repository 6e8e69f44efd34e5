import { describe, expect, it } from "vitest";
import { summariseReports } from "../../../functions/api/stats.ts";
import { loadSeedReports } from "./seed-reports.ts";

describe("summariseReports", () => {
  const stats = summariseReports(loadSeedReports());

  it("counts reports by status and those with error findings", () => {
    expect(stats.reportCount).toBe(5);
    expect(stats.byStatus).toEqual({ VALID: 3, NEEDS_REVIEW: 2, FAILED: 0 });
    expect(stats.reportsWithErrors).toBe(2);
  });

  it("sums applications by row and applicant type as printed", () => {
    expect(stats.applications.newReceived?.total).toBe(166);
    expect(stats.applications.granted?.total).toBe(102);
    expect(stats.applications["unavailable.notHeld"]?.total).toBe(42);
    // （七）总计 as printed: 0 + 0 + 0 + 23 + 124, not the 19 the 西湖区 rows add up to.
    expect(stats.applications.resultsTotal?.total).toBe(147);
  });

  it("computes outcome shares from the result rows", () => {
    const counts = Object.fromEntries(stats.outcomes.map((o) => [o.key, o.count]));
    expect(counts).toEqual({ granted: 102, partiallyGranted: 4, denied: 10, unavailable: 50, notProcessed: 2, otherHandling: 1 });
    expect(stats.outcomes.find((o) => o.key === "granted")?.share).toBeCloseTo(102 / 169, 10);
    expect(stats.outcomes.reduce((a, o) => a + o.share, 0)).toBeCloseTo(1, 10);
  });

  it("sums review and litigation groups", () => {
    expect(stats.reviewLitigation.review?.total).toBe(2);
    expect(stats.reviewLitigation.litigationDirect).toMatchObject({ upheld: 1, pending: 2, total: 3 });
    expect(stats.reviewLitigation.litigationAfterReview?.total).toBe(1);
  });

  it("breaks outcomes down by year", () => {
    expect(stats.byYear.map((y) => [y.year, y.reportCount, y.outcomes.granted])).toEqual([
      [2019, 2, 95],
      [2020, 2, 7],
      [2022, 1, 0],
    ]);
  });

  it("counts a failed report by status only", () => {
    const failed = summariseReports([
      { reportId: "f".repeat(64), status: "FAILED", parserVersion: "t", sources: [], createdAt: "", updatedAt: "" },
    ]);
    expect(failed.byStatus.FAILED).toBe(1);
    expect(failed.outcomes.every((o) => o.count === 0 && o.share === 0)).toBe(true);
  });
});

describe("summariseReports: indicators and text reuse", () => {
  it("computes the indicators from the sums (sum of numerators over sum of denominators), not as a mean of ratios", () => {
    const stats = summariseReports(loadSeedReports());
    // granted 102 + partiallyGranted 4 over the printed （七）总计 147; review corrected 0 over total 2.
    expect(stats.indicators.disclosureRate).toMatchObject({ numerator: 106, denominator: 147, value: Math.round((106 / 147) * 10000) / 10000 });
    expect(stats.indicators.disclosureRate.formula).toBe("公开率 =（予以公开 + 部分公开）÷（七）总计");
    expect(stats.indicators.reviewCorrectionRate).toMatchObject({ numerator: 0, denominator: 2, value: 0 });
  });

  it("gives the distribution of textReuse.overall over the reports that have one", () => {
    const [a, b, c, ...rest] = loadSeedReports();
    const withReuse = (report: typeof a, overall: number) => ({ ...report!, textReuse: { previousReportId: "x", previousYear: 2018, overall, sections: { overview: null, problems: null, other: null }, method: "m" } });
    const stats = summariseReports([withReuse(a, 0.05), withReuse(b, 0.55), withReuse(c, 1), ...rest]);
    expect(stats.textReuse).toMatchObject({ measured: 3, sum: 1.6, mean: 0.5333 });
    expect(stats.textReuse.bins.map((bin) => bin.count)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(summariseReports(loadSeedReports()).textReuse).toMatchObject({ measured: 0, mean: null });
  });
});

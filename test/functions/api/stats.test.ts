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

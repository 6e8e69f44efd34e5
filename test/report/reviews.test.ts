/**
 * Reviews as pure functions (functions/report/reviews.ts) on seed 000's record: a misread
 * revalidates, a misprint changes no figure, a later verdict on a corrected cell starts from the
 * printed reading, applying is idempotent, and a newer parser's reading ends or disputes a correction.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../functions/report/index.ts";
import { addReview, applyReviews, carryReviews, ReviewError, reviewRecord, type ReviewRequest } from "../../functions/report/reviews.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const seed = SEEDS.find((s) => s.startsWith("000"))!;
const { record } = parseReportText(readFileSync(join(SEEDS_DIR, `${seed}.txt`), "utf8"));
const AT = "2026-12-01T12:00:00.000Z";
const misread: ReviewRequest = { cell: "resultsTotal.naturalPerson", rule: "applications.resultsTotal", verdict: "misread", value: 19, reason: "原文印 19", reviewer: "甲" };
const errorsOn = (r: typeof record, cell: string) => r.findings.filter((f) => f.severity === "error" && f.cells.includes(cell));

describe("reviews", () => {
  it("revalidates a misread with the page's figure, idempotently", () => {
    const reviewed = reviewRecord(record, {}, misread, AT, "text");
    expect(errorsOn(record, "resultsTotal.naturalPerson")).toHaveLength(2);
    expect(errorsOn(reviewed.record, "resultsTotal.naturalPerson")).toEqual([]);
    expect(reviewed.record.applications.resultsTotal!.naturalPerson).toBe(19);
    expect(reviewed.reviews["resultsTotal.naturalPerson"]).toMatchObject({ read: 0, value: 19, readBy: record.parserVersion, reader: "rows", format: "text", at: AT });
    expect(applyReviews(reviewed.record, reviewed.reviews)).toEqual(reviewed.record);
    // Every finding the review does not touch is kept; the corrected row's printed 总计 of 0 now breaks its own identity.
    const untouched = (r: typeof record) => r.findings.filter((f) => !f.cells.includes("resultsTotal.naturalPerson") && f.rule !== "applications.rowTotal");
    expect(untouched(reviewed.record)).toEqual(untouched(record));
    expect(reviewed.record.findings.filter((f) => f.rule === "applications.rowTotal")).toEqual([
      expect.objectContaining({ cells: ["resultsTotal.total"], expected: 19, actual: 0 }),
    ]);
    expect(record.findings.some((f) => f.rule === "applications.rowTotal")).toBe(false);
  });

  it("keeps the printed figure for a misprint, and a misprint after a correction gets the reading back", () => {
    const confirmed = reviewRecord(record, {}, { ...misread, verdict: "misprint", value: undefined }, AT, "text");
    expect(confirmed.record).toEqual(record);
    const corrected = reviewRecord(record, {}, misread, AT, "text");
    const undone = reviewRecord(corrected.record, corrected.reviews, { ...misread, verdict: "misprint", value: undefined }, AT, "text");
    expect(undone.record.applications).toEqual(record.applications);
    expect(undone.reviews["resultsTotal.naturalPerson"]).toMatchObject({ verdict: "misprint", read: 0 });
  });

  it("refuses an unknown cell, an unknown finding, a misread without a figure or with the figure read", () => {
    const refused = (request: ReviewRequest) => {
      try {
        addReview(record, {}, request, AT, "text");
      } catch (error) {
        return error instanceof ReviewError ? [error.parameter, /[\u4e00-\u9fff]/.test(error.message)] : error;
      }
      return "accepted";
    };
    expect(refused({ ...misread, cell: "nowhere.total" })).toEqual(["cell", true]);
    expect(refused({ ...misread, rule: "reviewLitigation.total" })).toEqual(["rule", true]);
    expect(refused({ ...misread, verdict: "misprint", cell: "granted.total" })).toEqual(["rule", true]);
    expect(refused({ ...misread, value: undefined })).toEqual(["value", true]);
    expect(refused({ ...misread, value: 0 })).toEqual(["value", true]);
  });

  it("ends a correction a newer parser's reading agrees with and disputes one it does not", () => {
    const { reviews } = reviewRecord(record, {}, misread, AT, "text");
    const newer = { ...record, parserVersion: "9.0.0" };
    const disputed = carryReviews(newer, reviews);
    expect(disputed["resultsTotal.naturalPerson"]).toMatchObject({ read: 0, readBy: "9.0.0", disputedBy: "9.0.0", value: 19 });
    const shown = applyReviews(newer, disputed);
    expect(shown.findings.filter((f) => f.rule === "review.correctionDisputed")).toEqual([expect.objectContaining({ cells: ["resultsTotal.naturalPerson"], expected: 19, actual: 0 })]);
    const readRight = { ...newer, applications: { ...newer.applications, resultsTotal: { ...newer.applications.resultsTotal!, naturalPerson: 19 } } };
    const agreed = carryReviews(readRight, reviews);
    expect(agreed["resultsTotal.naturalPerson"]).toMatchObject({ agreedBy: "9.0.0", read: 0 });
    expect(applyReviews(readRight, agreed).findings.some((f) => f.rule === "review.correctionDisputed")).toBe(false);
    // The same version's reading is not a new reading.
    expect(carryReviews(record, reviews)).toEqual(reviews);
  });

  it("checks the prose again after a correction: a stated figure the corrected cell now contradicts is a warning, one it agrees with again is not", () => {
    // Seed 000 says 予以公开4件 and its table agrees: the sentence is kept with the record, no finding.
    const stated = record.statedFigures!.find((s) => s.cells.includes("granted.total"))!;
    expect(stated).toMatchObject({ rule: "narrative.mismatch", stated: 4 });
    const narrative = (r: typeof record) => r.findings.filter((f) => f.rule === "narrative.mismatch");
    expect(narrative(record)).toEqual([]);
    const toFive: ReviewRequest = { cell: "granted.total", rule: "applications.resultsTotal", verdict: "misread", value: 5, reason: "原文印 5", reviewer: "甲" };

    const corrected = reviewRecord(record, {}, toFive, AT, "text");
    const undone = reviewRecord(corrected.record, corrected.reviews, { ...toFive, verdict: "misprint", value: undefined }, AT, "text");

    expect(narrative(corrected.record)).toEqual([expect.objectContaining({ cells: ["granted.total"], expected: 5, actual: 4, sentence: stated.sentence, severity: "warning" })]);
    expect(narrative(corrected.record)[0]!.message).toBe(`正文「${stated.sentence}」称予以公开 4 件，而表中为 5 件`);
    expect(applyReviews(corrected.record, corrected.reviews)).toEqual(corrected.record);
    expect(narrative(undone.record)).toEqual([]);
    expect(undone.record.findings).toEqual(record.findings);
  });

  it("checks the prose again for a record stored before the stated figures were kept, from its narrative findings", () => {
    const toFive: ReviewRequest = { cell: "granted.total", rule: "applications.resultsTotal", verdict: "misread", value: 5, reason: "原文印 5", reviewer: "甲" };
    const corrected = reviewRecord(record, {}, toFive, AT, "text");
    const { statedFigures: _, ...older } = corrected.record;
    const stillWrong = applyReviews(older as typeof record, corrected.reviews);
    const undone = reviewRecord(older as typeof record, corrected.reviews, { ...toFive, verdict: "misprint", value: undefined }, AT, "text");
    expect(stillWrong.findings).toEqual(corrected.record.findings);
    expect(stillWrong.findings.filter((f) => f.rule === "narrative.mismatch")).toHaveLength(1);
    expect(undone.record.findings.filter((f) => f.rule === "narrative.mismatch")).toEqual([]);
  });
});

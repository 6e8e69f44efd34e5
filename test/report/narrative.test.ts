import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../functions/report/index.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const seed = (name: string): string => readFileSync(join(SEEDS_DIR, `${name}.txt`), "utf8");
const narrativeFindings = (text: string) => parseReportText(text).record.findings.filter((f) => f.rule === "narrative.mismatch");

describe("narrative vs tables", () => {
  it.each(SEEDS)("finds no disagreement in seed %s as published", (name) => {
    expect(narrativeFindings(seed(name))).toEqual([]);
  });

  it("flags seed 000 when its sentence says 20 applications were received", () => {
    // Prepare: the seed is traditional script with pinyin, as published
    const original = seed("000_da3b4a7bec10951f");
    const edited = original.replace("申請(qǐng)19件", "申請(qǐng)20件");
    expect(edited).not.toBe(original);
    // Act
    const findings = narrativeFindings(edited);
    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "warning", cells: ["newReceived.total"], expected: 19, actual: 20 });
    expect(findings[0]!.sentence).toContain("申请20件");
  });

  it("compares a stated outcome with the sum of its rows", () => {
    const edited = seed("000_da3b4a7bec10951f").replace("不予公開(kāi)6件", "不予公開(kāi)7件");
    const findings = narrativeFindings(edited);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.cells).toEqual([
      "denied.stateSecret.total",
      "denied.lawProhibited.total",
      "denied.safetyStability.total",
      "denied.thirdPartyRights.total",
      "denied.internalAffairs.total",
      "denied.processInformation.total",
      "denied.enforcementFiles.total",
      "denied.administrativeQuery.total",
    ]);
    expect(findings[0]).toMatchObject({ expected: 6, actual: 7 });
  });

  it("does not compare a district-wide count of normative documents with the table (seed 004)", () => {
    const text = seed("004_3c5ccc28fdec33c7");
    expect(text).toMatch(/全区发布规范性文件\s*57\s*件/);
    expect(parseReportText(text).record.activeDisclosure.normativeDocuments).toMatchObject({ newlyMade: 15 });
    expect(narrativeFindings(text)).toEqual([]);
  });

  it("skips a sentence about another year", () => {
    const edited = seed("000_da3b4a7bec10951f").replace("2019年,全區(qū)共接收", "2018年,全區(qū)共接收");
    expect(edited).toContain("2018年,全區(qū)共接收");
    expect(narrativeFindings(edited)).toEqual([]);
  });

  it("checks reviews and lawsuits stated in the prose (seed 003)", () => {
    const edited = seed("003_d18ac2812112a4c0").replace("发生2起", "发生3起");
    const findings = narrativeFindings(edited);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ cells: ["litigationDirect.total", "litigationAfterReview.total"], expected: 2, actual: 3 });
  });

  it("reads 予以公开及部分公开 as one figure for both outcomes (granted 4 + partially granted 1 in seed 000)", () => {
    // Prepare: a real page printed the two outcomes as one figure, and raised a false mismatch
    const original = seed("000_da3b4a7bec10951f");
    const joined = original.replace("予以公開(kāi)4件,部分公開(kāi)1件", "予以公開(kāi)及部分公開(kāi)5件");
    expect(joined).not.toBe(original);
    // Act / Assess
    expect(narrativeFindings(joined)).toEqual([]);
  });

  it("reads 予以公开（含部分公开） the same way", () => {
    const joined = seed("000_da3b4a7bec10951f").replace("予以公開(kāi)4件,部分公開(kāi)1件", "予以公開(kāi)（含部分公開(kāi)）5件");
    expect(narrativeFindings(joined)).toEqual([]);
    const wrong = seed("000_da3b4a7bec10951f").replace("予以公開(kāi)4件,部分公開(kāi)1件", "予以公開(kāi)（含部分公開(kāi)）4件");
    expect(narrativeFindings(wrong)).toMatchObject([{ expected: 5, actual: 4 }]);
  });

  it("flags 予以公开及部分公开 against the sum of both rows", () => {
    const joined = seed("000_da3b4a7bec10951f").replace("予以公開(kāi)4件,部分公開(kāi)1件", "予以公開(kāi)和部分公開(kāi)6件");
    const findings = narrativeFindings(joined);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ expected: 5, actual: 6 });
    expect(findings[0]!.cells).toContain("granted.total");
    expect(findings[0]!.cells).toContain("partiallyGranted.total");
  });
});

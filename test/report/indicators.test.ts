import { describe, expect, it } from "vitest";
import { indicatorsOf } from "../../functions/report/indicators.ts";
import { parseReportText } from "../../functions/report/index.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

describe("indicatorsOf", () => {
  it("gives seed 003's disclosure rate (予以公开 7 + 部分公开 0) / （七）总计 23 and its review correction rate 0 / 2, with the formulas", () => {
    const { record } = parseReportText(readFileSync(join(SEEDS_DIR, `${SEEDS.find((s) => s.startsWith("003"))}.txt`), "utf8"));
    expect(indicatorsOf(record)).toEqual({
      disclosureRate: { value: 0.3043, numerator: 7, denominator: 23, formula: "公开率 =（予以公开 + 部分公开）÷（七）总计" },
      reviewCorrectionRate: { value: 0, numerator: 0, denominator: 2, formula: "行政复议纠错率 = 结果纠正 ÷ 总计（行政复议）" },
    });
  });

  it("is null, not 0 or NaN, where the denominator is 0", () => {
    const rates = indicatorsOf({ applications: { granted: { total: 3 }, resultsTotal: { total: 0 } }, reviewLitigation: {} });
    expect(rates.disclosureRate).toMatchObject({ value: null, numerator: 3, denominator: 0 });
    expect(rates.reviewCorrectionRate).toMatchObject({ value: null, numerator: 0, denominator: 0 });
  });
});

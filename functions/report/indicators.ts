/**
 * Indicators of a report, or of many (from summed figures): each a ratio with its numerator,
 * denominator and the formula in the template's words, so wherever it is shown the formula is too.
 * Over many reports an indicator is the sum of the numerators over the sum of the denominators
 * (never a mean of ratios), so it can be kept from running sums.
 */
type Columns = Record<string, number | undefined>;
type Figures = Record<string, Columns | undefined>;

export type Indicator = {
  /** numerator / denominator, null when the denominator is 0. */
  value: number | null;
  numerator: number;
  denominator: number;
  formula: string;
};

export type Indicators = { disclosureRate: Indicator; reviewCorrectionRate: Indicator };

export const INDICATOR_FORMULAS = {
  disclosureRate: "公开率 =（予以公开 + 部分公开）÷（七）总计",
  reviewCorrectionRate: "行政复议纠错率 = 结果纠正 ÷ 总计（行政复议）",
} as const;

const ratio = (numerator: number, denominator: number, formula: string): Indicator => ({
  value: denominator > 0 ? Math.round((numerator / denominator) * 10000) / 10000 : null,
  numerator,
  denominator,
  formula,
});

/**
 * The indicators of table 三's `total` column and table 四's 行政复议 group: one report's figures,
 * or figures summed over many (GET /stats).
 *
 * @example
 * indicatorsOf(record).disclosureRate; // { value: 0.4286, numerator: 9, denominator: 21, formula: "公开率 = …" }
 */
export function indicatorsOf(figures: { applications?: unknown; reviewLitigation?: unknown }): Indicators {
  const apps = (figures.applications ?? {}) as Figures;
  const review = ((figures.reviewLitigation ?? {}) as Figures).review ?? {};
  const total = (row: string) => apps[row]?.total ?? 0;
  return {
    disclosureRate: ratio(total("granted") + total("partiallyGranted"), total("resultsTotal"), INDICATOR_FORMULAS.disclosureRate),
    reviewCorrectionRate: ratio(review.corrected ?? 0, review.total ?? 0, INDICATOR_FORMULAS.reviewCorrectionRate),
  };
}

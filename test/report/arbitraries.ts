/**
 * Random records of both editions whose figures satisfy every identity of the template.
 */
import fc from "fast-check";
import {
  APPLICANT_PARTS,
  applicationRowsOf,
  disclosureItemsOf,
  EDITIONS,
  type Edition,
  REVIEW_GROUPS,
  REVIEW_PARTS,
} from "../../functions/report/template.ts";
import type { Figures } from "../fixtures/render-text.ts";

const small = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 41, max: 3000 }) });

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const withTotal = (parts: number[], keys: readonly string[]): Record<string, number> => ({
  ...Object.fromEntries(keys.map((k, i) => [k, parts[i]!])),
  total: sum(parts),
});

function figuresOf(edition: Edition, seed: () => number, money: () => number): Omit<Figures, "agency" | "year"> {
  const activeDisclosure: Record<string, Record<string, number>> = {};
  for (const { rows, columns } of disclosureItemsOf(edition)) {
    for (const row of rows) {
      activeDisclosure[row.key] = Object.fromEntries(
        columns.map((c) => [c.key, c.money ? money() : c.signed ? seed() - 20 : seed()]),
      );
    }
  }
  const applications: Record<string, Record<string, number>> = {};
  const rows = applicationRowsOf(edition);
  const parts = (): number[] => APPLICANT_PARTS.map(() => (seed() % 3 === 0 ? seed() : 0));
  for (const row of rows.filter((r) => r.result)) applications[row.key] = withTotal(parts(), APPLICANT_PARTS);
  const results = APPLICANT_PARTS.map((k) => sum(rows.filter((r) => r.result).map((r) => applications[r.key]![k]!)));
  const carriedForward = parts();
  const carriedOver = APPLICANT_PARTS.map((_, i) => Math.min(seed() % 4, results[i]! + carriedForward[i]!));
  const newReceived = APPLICANT_PARTS.map((_, i) => results[i]! + carriedForward[i]! - carriedOver[i]!);
  applications.newReceived = withTotal(newReceived, APPLICANT_PARTS);
  applications.carriedOver = withTotal(carriedOver, APPLICANT_PARTS);
  applications.resultsTotal = withTotal(results, APPLICANT_PARTS);
  applications.carriedForward = withTotal(carriedForward, APPLICANT_PARTS);
  const ordered = Object.fromEntries(rows.map((r) => [r.key, applications[r.key]!]));
  const reviewLitigation = Object.fromEntries(REVIEW_GROUPS.map((g) => [g.key, withTotal(REVIEW_PARTS.map(() => seed() % 3), REVIEW_PARTS)]));
  return { edition, activeDisclosure, applications: ordered, reviewLitigation };
}

const AGENCIES = ["西湖区教育局", "华龙区人民政府", "乌海市财政局", "杭州市卫生健康委员会", "合肥市瑶海区住房和城乡建设局"];

/** A record whose figures satisfy the template's identities. */
export const consistentFigures: fc.Arbitrary<Figures> = fc
  .record({
    edition: fc.constantFrom(...EDITIONS),
    agency: fc.constantFrom(...AGENCIES),
    yearOffset: fc.integer({ min: 0, max: 4 }),
    numbers: fc.array(small, { minLength: 400, maxLength: 400 }),
    amounts: fc.array(fc.integer({ min: 0, max: 9_999_999 }), { minLength: 4, maxLength: 4 }),
  })
  .map(({ edition, agency, yearOffset, numbers, amounts }) => {
    let i = 0;
    let m = 0;
    const seed = (): number => numbers[i++ % numbers.length]!;
    const money = (): number => amounts[m++ % amounts.length]! / 100; // 万元 with two decimals
    const year = (edition === "2019" ? 2019 : 2021) + (edition === "2019" ? yearOffset % 2 : yearOffset);
    return { agency, year, ...figuresOf(edition, seed, money) };
  });

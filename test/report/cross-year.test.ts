import { describe, expect, it } from "vitest";
import { agencyKeyOf, checkCrossYear } from "../../functions/report/cross-year.ts";
import { parseReportText } from "../../functions/report/index.ts";
import { renderText } from "../fixtures/render-text.ts";
import type { Figures } from "../fixtures/render-text.ts";
import fc from "fast-check";
import { consistentFigures } from "./arbitraries.ts";

/** Two consistent reports of one agency for consecutive years; the second's 上年结转 matches the first's 结转下年度. */
function pair(seed: number): [Figures, Figures] {
  const [a, b] = fc.sample(consistentFigures.filter((f) => f.edition === "2021"), { numRuns: 2, seed });
  const first: Figures = { ...structuredClone(a!), agency: "乌海市教育局", year: 2022 };
  const second: Figures = { ...structuredClone(b!), agency: "乌海市教育局", year: 2023 };
  // Make year 2 agree with year 1 on carry-over and on documents in force, keeping year 2 consistent.
  const forward = first.applications.carriedForward!;
  const over = second.applications.carriedOver!;
  const received = second.applications.newReceived!;
  for (const col of Object.keys(forward)) {
    received[col] = received[col]! + over[col]! - forward[col]!;
    over[col] = forward[col]!;
  }
  for (const row of ["rules", "normativeDocuments"]) {
    const now = second.activeDisclosure[row]!;
    now.inForce = first.activeDisclosure[row]!.inForce! + now.issued! - now.repealed!;
  }
  return [first, second];
}

const parse = (f: Figures, id: string) => ({ id, record: parseReportText(renderText(f, "pipes")).record });

describe("checkCrossYear", () => {
  it("finds nothing when year two carries over what year one carried forward", () => {
    for (const seed of [1, 2, 3]) {
      const [first, second] = pair(seed);
      const result = checkCrossYear(parse(first, "a"), parse(second, "b"));
      expect(result).toEqual({ previous: [], current: [] });
    }
  });

  it("reports one finding per broken column, on both records, naming the other report", () => {
    const [first, second] = pair(7);
    second.applications.carriedOver!.naturalPerson! += 2;
    second.applications.carriedOver!.total! += 2;
    second.applications.newReceived!.naturalPerson! -= 2;
    second.applications.newReceived!.total! -= 2;
    const result = checkCrossYear(parse(first, "a"), parse(second, "b"));
    expect(result.current.map((f) => f.cells[0]).sort()).toEqual(["carriedOver.naturalPerson", "carriedOver.total"]);
    expect(result.current.every((f) => f.related.reportId === "a" && f.related.year === 2022)).toBe(true);
    expect(result.previous.every((f) => f.related.reportId === "b" && f.related.year === 2023)).toBe(true);
    expect(result.previous).toHaveLength(2);
    const total = result.current.find((f) => f.cells[0] === "carriedOver.total")!;
    expect(total.actual! - total.expected!).toBe(2);
  });

  it("checks documents in force in the 2021 edition", () => {
    const [first, second] = pair(11);
    second.activeDisclosure.rules!.inForce! += 1;
    const result = checkCrossYear(parse(first, "a"), parse(second, "b"));
    expect(result.current.filter((f) => f.rule === "crossYear.inForce").map((f) => f.cells)).toEqual([["rules.inForce"]]);
  });

  it("compares only consecutive years", () => {
    const [first, second] = pair(5);
    second.year = 2024;
    second.applications.carriedOver!.total! += 5;
    expect(checkCrossYear(parse(first, "a"), parse(second, "b"))).toEqual({ previous: [], current: [] });
  });
});

describe("agencyKeyOf", () => {
  it("matches a district body with and without its city", () => {
    expect(agencyKeyOf("杭州市西湖区教育局")).toBe(agencyKeyOf("西湖区教育局"));
    expect(agencyKeyOf("西湖區教育局")).toBe("西湖区教育局");
  });

  it("keeps the city of a city-level body", () => {
    expect(agencyKeyOf("乌海市教育局")).toBe("乌海市教育局");
    expect(agencyKeyOf("乌海市教育局")).not.toBe(agencyKeyOf("杭州市教育局"));
  });
});

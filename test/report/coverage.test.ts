/** Coverage from the registry, the division data and imported lists (pure; the stack test is test/web/coverage.test.ts). */
import { describe, expect, it } from "vitest";
import { computeCoverage, governmentsWithin, type ExpectedList, type RegisteredBody } from "../../functions/report/coverage.ts";
import { readBodyList } from "../../functions/report/body-list.ts";
import { agencyIdOf, resolveRegion } from "../../functions/report/region.ts";
import { bodyListCsv } from "../fixtures/body-lists.ts";

function registered(name: string, reports: [number, string][]): RegisteredBody {
  const region = resolveRegion(name, "")!;
  return { id: agencyIdOf(name, region)!, name, region, reports: reports.map(([year, reportId]) => ({ year, reportId })) };
}

const hongze = registered("淮安市洪泽区人民政府", [[2023, "r23"], [2024, "r24"]]);
const city = registered("淮安市人民政府", [[2024, "c24"]]);
const bureau = registered("淮安市教育局", [[2022, "e22"]]);
const hangzhou = registered("杭州市人民政府", [[2023, "h23"]]);
const REGISTRY = [hongze, city, bureau, hangzhou];

describe("computeCoverage", () => {
  it("expects 淮安市's government and its seven county-level governments, and the registry's bodies there", () => {
    expect(governmentsWithin("3208").map((g) => g.agency)).toEqual(["淮安市人民政府", "淮安区人民政府", "淮阴区人民政府", "清江浦区人民政府", "洪泽区人民政府", "涟水县人民政府", "盱眙县人民政府", "金湖县人民政府"]);
    const c = computeCoverage({ year: 2023, region: "3208" }, REGISTRY, []);
    expect(c.counts).toEqual({ expected: 9, published: 1, missing: 8 });
    expect(c.published).toEqual([{ agencyId: hongze.id, agency: "淮安市洪泽区人民政府", region: hongze.region, reportId: "r23" }]);
    expect(c.missing.find((m) => m.agencyId === city.id)).toMatchObject({ agency: "淮安市人民政府", years: [2024] });
    expect(c.missing.find((m) => m.agencyId === bureau.id)).toMatchObject({ years: [2022] });
    expect(c.missing.some((m) => m.region.code.startsWith("3301"))).toBe(false);
  });

  it("counts the city's own level and each county", () => {
    const c = computeCoverage({ year: 2024, region: "3208" }, REGISTRY, []);
    expect(c.divisions[0]).toEqual({ code: "320800", name: "淮安市", own: true, expected: 2, published: 1, missing: 1 });
    expect(c.divisions.find((d) => d.code === "320813")).toEqual({ code: "320813", name: "洪泽区", own: false, expected: 1, published: 1, missing: 0 });
    expect(c.divisions.reduce((n, d) => n + d.expected, 0)).toBe(c.counts.expected);
  });

  it("keeps to one level of government when asked", () => {
    const c = computeCoverage({ year: 2024, region: "3208", level: "county" }, REGISTRY, []);
    expect(c.counts).toEqual({ expected: 7, published: 1, missing: 6 });
  });

  it("uses an imported list instead of the default bodies where it applies", () => {
    const list = readBodyList(new TextEncoder().encode(bodyListCsv()));
    const imported: ExpectedList = { scope: list.scope, importedAt: "2026-01-01T00:00:00.000Z", bodies: list.bodies };
    const c = computeCoverage({ year: 2023, region: "3208" }, REGISTRY, [imported]);
    expect(c.counts).toEqual({ expected: 20, published: 1, missing: 19 });
    expect(c.published[0]).toMatchObject({ agencyId: hongze.id, reportId: "r23" });
    expect(c.lists).toEqual([{ scope: "3208", importedAt: imported.importedAt, bodies: 20 }]);
    // The list governs inside its scope only: the province's other cities keep the defaults.
    const province = computeCoverage({ year: 2023, region: "32" }, REGISTRY, [imported]);
    expect(province.counts.expected).toBe(20 + governmentsWithin("32").length - governmentsWithin("3208").length);
    // And a county inside it expects the list's bodies of that county.
    expect(computeCoverage({ year: 2023, region: "320813" }, REGISTRY, [imported]).counts).toEqual({ expected: 3, published: 1, missing: 2 });
  });
});

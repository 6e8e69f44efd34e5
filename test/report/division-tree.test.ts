import { describe, expect, it } from "vitest";
import { divisionChildren } from "../../functions/report/division-tree.ts";

describe("division tree", () => {
  it("lists the 31 provinces, a province's cities and a city's counties with six-digit codes", () => {
    const provinces = divisionChildren();
    expect(provinces).toHaveLength(31);
    expect(provinces).toContainEqual({ code: "320000", name: "江苏省", level: "province" });
    expect(divisionChildren("320000")).toContainEqual({ code: "320800", name: "淮安市", level: "city" });
    expect(divisionChildren("3208")).toContainEqual({ code: "320813", name: "洪泽区", level: "county" });
    expect(divisionChildren("320813")).toEqual([]);
  });

  it("puts a municipality's and a province's directly governed counties under the province", () => {
    const beijing = divisionChildren("110000");
    expect(beijing).toContainEqual({ code: "110105", name: "朝阳区", level: "county" });
    expect(beijing.some((d) => d.name === "市辖区")).toBe(false);
    const hubei = divisionChildren("42");
    expect(hubei).toContainEqual(expect.objectContaining({ name: "仙桃市", level: "county" }));
    expect(hubei).toContainEqual(expect.objectContaining({ name: "武汉市", level: "city" }));
  });
});

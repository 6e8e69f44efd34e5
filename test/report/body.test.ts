import { describe, expect, it } from "vitest";
import { bodyMatches, kindOf, levelOf } from "../../functions/report/body.ts";

const HONGZE = { code: "320813", province: "江苏省", city: "淮安市", county: "洪泽区" };

describe("bodies: level, kind and part-name matching", () => {
  it("tells the level from the division code, and a town's body from its name", () => {
    expect(levelOf("上海市人民政府", { code: "310000", province: "上海市", city: null, county: null })).toBe("province");
    expect(levelOf("淮安市人民政府", { code: "320800", province: "江苏省", city: "淮安市", county: null })).toBe("city");
    expect(levelOf("洪泽区教育局", HONGZE)).toBe("county");
    expect(levelOf("高良涧街道办事处", HONGZE)).toBe("town");
    expect(levelOf("岔河镇人民政府", HONGZE)).toBe("town");
    expect(levelOf("某某局", null)).toBeNull();
  });

  it("tells a people's government from its office and from a department", () => {
    expect(kindOf("淮安市洪泽区人民政府")).toBe("人民政府");
    expect(kindOf("岔河镇人民政府")).toBe("人民政府");
    expect(kindOf("平潭综合实验区管理委员会")).toBe("人民政府");
    expect(kindOf("淮安市人民政府办公室")).toBe("办公厅（室）");
    expect(kindOf("江苏省人民政府办公厅")).toBe("办公厅（室）");
    expect(kindOf("洪泽区教育局")).toBe("部门");
    expect(kindOf("杭州市卫生健康委员会")).toBe("部门");
  });

  it("matches contiguous parts of a name, completed with its division names", () => {
    const names = ["洪泽区人民政府"];
    expect(bodyMatches("洪泽", names, HONGZE)).toBe(true);
    expect(bodyMatches("洪澤區", names, HONGZE)).toBe(true);
    expect(bodyMatches("淮安市洪泽区人民政府", names, HONGZE)).toBe(true);
    expect(bodyMatches("淮安 洪泽", names, HONGZE)).toBe(false);
    expect(bodyMatches("教育局", names, HONGZE)).toBe(false);
    expect(bodyMatches("洪泽", names, null)).toBe(true);
  });
});

/** Reading an imported list of bodies: UTF-8 and GB18030, bad lines named, nothing half-read. */
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { BodyListError, readBodyList } from "../../functions/report/body-list.ts";
import { UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { agencyIdOf, resolveRegion } from "../../functions/report/region.ts";
import { badBodyListCsv, bodyListCsv, HUAIAN_BODIES } from "../fixtures/body-lists.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

function problemsOf(bytes: Uint8Array, scope?: string) {
  try {
    readBodyList(bytes, scope);
  } catch (error) {
    expect(error).toBeInstanceOf(BodyListError);
    return (error as BodyListError).problems;
  }
  throw new Error("the list was accepted");
}

describe("readBodyList", () => {
  it("reads 20 bodies in UTF-8 with a BOM, the scope being the city all of them lie in", () => {
    const list = readBodyList(utf8(`\uFEFF${bodyListCsv()}`));
    expect(list.scope).toBe("3208");
    expect(list.bodies).toHaveLength(20);
    expect(list.bodies[0]).toMatchObject({ line: 2, agency: "淮安市人民政府", region: { code: "320800", province: "江苏省", city: "淮安市", county: null } });
    // The same id the registry gives a report of that body.
    const hongze = list.bodies.find((b) => b.agency === "洪泽区人民政府")!;
    expect(hongze.agencyId).toBe(agencyIdOf("淮安市洪泽区人民政府", resolveRegion("淮安市洪泽区人民政府", "")));
  });

  it("reads the same list in GB18030, as Excel saves a CSV on a Chinese Windows", () => {
    const bytes = iconv.encode(bodyListCsv(), "gb18030");
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const list = readBodyList(bytes);
    expect(list.bodies.map((b) => b.agency)).toEqual(HUAIAN_BODIES.map(([name]) => name));
  });

  it("refuses a list with two bad rows whole, naming both lines and what is wrong", () => {
    const problems = problemsOf(utf8(badBodyListCsv()));
    expect(problems.map((p) => p.line)).toEqual([6, 12]);
    expect(problems[0]!.message).toContain("区划代码“32081”应为六位数字");
    expect(problems[1]!.message).toContain("机关“淮安市民政局”属于 320800，与区划代码 320100（南京市）不符");
    expect(() => readBodyList(utf8(badBodyListCsv()))).toThrow(/机关清单有 2 处问题，未导入任何机关：\n第 6 行：.*\n第 12 行：/);
  });

  it("names duplicates, unknown codes, missing names, extra columns and rows outside the given region", () => {
    const csv = ["淮安市人民政府,320800", "淮安市人民政府,320800", "某某局,999999", ",320813", "洪泽区教育局,320813,多余", "南京市教育局,320100"].join("\n");
    expect(problemsOf(utf8(csv), "3208")).toEqual([
      { line: 2, message: "与第 1 行是同一机关“淮安市人民政府”" },
      { line: 3, message: "区划代码 999999 不是县级及以上行政区划（GB/T 2260）" },
      { line: 4, message: "缺少机关名称" },
      { line: 5, message: "多出的列“多余”（每行两列：机关名称, 区划代码）" },
      { line: 6, message: "区划代码 320100 不在导入范围 3208 内" },
    ]);
  });

  it("refuses an empty list, a list across provinces and a broken quote", () => {
    expect(problemsOf(utf8("机关名称,区划代码\r\n"))[0]!.message).toMatch(/清单中没有机关/);
    expect(problemsOf(utf8("淮安市人民政府,320800\n杭州市人民政府,330100\n"))[0]!.message).toMatch(/分属不同省份/);
    expect(problemsOf(utf8('淮安市人民政府,320800\n"洪泽区教育局,320813\n'))[0]).toMatchObject({ line: 2, message: expect.stringMatching(/CSV 格式错误/) });
  });

  it("answers any bytes with a list or a clear refusal, never another error", () => {
    const csvish = fc.array(fc.constantFrom("淮安市人民政府", "320800", "32081", ",", "\n", "\r\n", '"', "名称", " ", "洪泽区教育局", "320813", "\uFEFF"), { maxLength: 40 }).map((parts) => utf8(parts.join("")));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), csvish), (bytes) => {
        try {
          const list = readBodyList(bytes);
          expect(list.bodies.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error instanceof BodyListError || error instanceof UnreadableDocumentError).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

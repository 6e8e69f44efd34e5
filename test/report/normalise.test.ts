import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as OpenCC from "opencc-js/t2cn";
import { describe, expect, it, vi } from "vitest";
import { bareLabel, compact, mayConvert, normaliseText, readCell, shiftDecimal } from "../../functions/report/normalise.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";

describe("normaliseText", () => {
  it("strips pinyin annotations and converts traditional to simplified", () => {
    expect(normaliseText("首頁(yè) 政府信息公開(kāi)申請(qǐng) 總計(jì)")).toBe("首页 政府信息公开申请 总计");
  });

  it("leaves simplified text and Chinese in brackets alone", () => {
    expect(normaliseText("（以下简称《条例》）规章")).toBe("(以下简称《条例》)规章");
  });

  it("turns full-width digits, brackets and the ideographic space into ASCII", () => {
    expect(normaliseText("第二十条第（一）项\u3000１２３")).toBe("第二十条第(一)项 123");
  });
});

describe("simplify: the converter built only when a text could change", () => {
  const converter = OpenCC.Converter({ from: "t", to: "cn" });
  const seedLines = () =>
    readdirSync(SEEDS_DIR)
      .filter((name) => name.endsWith(".txt"))
      .flatMap((name) => readFileSync(join(SEEDS_DIR, name), "utf8").split("\n"));

  it("leaves alone only characters opencc-js leaves alone (every CJK and full-width code point)", () => {
    let skipped = 0;
    for (const [from, to] of [[0x2e80, 0x9fff], [0xf900, 0xfaff], [0xfe30, 0xffef], [0x20000, 0x2ffff]] as const) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        if (mayConvert(ch)) continue;
        skipped++;
        expect(converter(ch), `U+${cp.toString(16)}`).toBe(ch);
      }
    }
    expect(skipped).toBeGreaterThan(50_000);
    expect(mayConvert("機")).toBe(true);
  });

  it("gives what opencc-js gives for every line of the seeds, simplified text first (a fresh module)", async () => {
    vi.resetModules();
    const fresh = await import("../../functions/report/normalise.ts");
    const lines = seedLines();
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) expect(fresh.simplify(line)).toBe(converter(line));
    expect(fresh.simplify("政府信息公開")).toBe("政府信息公开");
    expect(fresh.simplify("政府信息公开")).toBe("政府信息公开");
  });
});

describe("labels", () => {
  it("removes white space inside labels", () => {
    expect(compact("自 然 人")).toBe("自然人");
    expect(compact("尚未 审结")).toBe("尚未审结");
  });

  it("removes numbering from a label", () => {
    expect(bareLabel("3.其他")).toBe("其他");
    expect(bareLabel("(三) 不予公开")).toBe("不予公开");
    expect(bareLabel("四、结转下年度继续办理")).toBe("结转下年度继续办理");
  });
});

describe("readCell", () => {
  it("reads numbers, negatives and decimals", () => {
    expect(readCell("-62")).toMatchObject({ kind: "number", value: -62 });
    expect(readCell("18572889.5")).toMatchObject({ kind: "number", value: 18572889.5 });
    expect(readCell("00")).toMatchObject({ kind: "number", value: 0 });
    expect(readCell("1,234")).toMatchObject({ kind: "number", value: 1234 });
  });

  it("reads a money unit printed in the cell", () => {
    expect(readCell("1.67亿元")).toEqual({ kind: "number", value: 1.67, unit: "亿元", raw: "1.67" });
    expect(readCell("35万元")).toMatchObject({ unit: "万元", value: 35 });
  });

  it("treats empty and dash cells as blank and words as text", () => {
    for (const blank of ["", " "]) expect(readCell(blank)).toEqual({ kind: "blank" });
    for (const mark of ["-", "—", "/", "无", "——", "－"]) expect(readCell(normaliseText(mark))).toMatchObject({ kind: "blank", printed: expect.any(String) });
    expect(readCell("行政许可")).toEqual({ kind: "text", text: "行政许可" });
  });

  it("reads a negative change however its minus is printed", () => {
    for (const printed of ["-62", "−62", "﹣62", "–62", "－62"]) expect(readCell(normaliseText(printed))).toMatchObject({ kind: "number", value: -62 });
    expect(readCell("+3")).toMatchObject({ kind: "number", value: 3 });
  });

  it("reads a figure printed with a count word or a money unit", () => {
    expect(readCell("550件")).toMatchObject({ kind: "number", value: 550 });
    expect(readCell("12 项")).toMatchObject({ kind: "number", value: 12 });
    expect(readCell("75394432.52元")).toEqual({ kind: "number", value: 75394432.52, unit: "元", raw: "75394432.52" });
    expect(readCell(normaliseText("7730.28（万元）"))).toMatchObject({ kind: "number", value: 7730.28, unit: "万元" });
  });
});

describe("shiftDecimal", () => {
  it("multiplies by powers of ten without floating-point error", () => {
    expect(shiftDecimal("1.67", 4)).toBe(16700);
    expect(shiftDecimal("0.0001", 4)).toBe(1);
    expect(shiftDecimal("-2.5", 1)).toBe(-25);
    expect(shiftDecimal("123", -4)).toBe(0.0123);
  });
});

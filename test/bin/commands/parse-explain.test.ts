/** `nianbao parse FILE --explain CELL`: where a figure came from, through the built CLI. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SEEDS_DIR } from "../../fixtures/seeds.ts";
import { nianbao } from "../../support/cli.ts";

const REAL_DIR = fileURLToPath(new URL("../../../../shared/corpus/real/", import.meta.url));

describe("nianbao parse --explain", () => {
  it("shows seed 000's （七）总计 of 0 on its line, marked, with the finding it raises", async () => {
    const { code, stdout } = await nianbao("parse", `${SEEDS_DIR}000_da3b4a7bec10951f.txt`, "--explain", "resultsTotal.naturalPerson");
    expect(code).toBe(0);
    expect(stdout).toContain("表三（七）总计·自然人（resultsTotal.naturalPerson）= 0");
    expect(stdout).toContain("位置：第 86 行，第 13 个字符");
    expect(stdout).toMatch(/原文：\(七\)總計\(jì\) \| 【0】 \| 0/);
    expect(stdout).toContain("读法：按表格行读取（rows）");
    expect(stdout).toContain("问题：表三（七）总计·自然人：印 0，各项办理结果相加为 19");
  });

  it("takes the cell by its name in the template's words and gives a PDF's page and box", async () => {
    const { code, stdout } = await nianbao("parse", `${REAL_DIR}p02.pdf`, "--explain", "表三（七）总计·自然人");
    expect(code).toBe(0);
    expect(stdout).toMatch(/= 21\n/);
    expect(stdout).toMatch(/位置：第 4 页，框 左 [\d.]+ 上 [\d.]+ 宽 [\d.]+ 高 [\d.]+（页面坐标，点）/);
  }, 60_000);

  it("says when a figure's place was inferred (seed 004's review totals, read by order)", async () => {
    const { stdout } = await nianbao("parse", `${SEEDS_DIR}004_3c5ccc28fdec33c7.txt`, "--explain", "litigationDirect.total");
    expect(stdout).toContain("按数字顺序读取（order");
    expect(stdout).toContain("推定：");
  });

  it("refuses a cell the record does not have, with exit 2 and an example", async () => {
    const { code, stdout, stderr } = await nianbao("parse", `${SEEDS_DIR}000_da3b4a7bec10951f.txt`, "--explain", "resultsTotal.nobody");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("记录中没有单元格 resultsTotal.nobody");
  });
});

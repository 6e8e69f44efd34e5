/** The Excel export read back with the library that wrote it: the seeds' every figure, as numbers, under the template's headers. */
import { describe, expect, it } from "vitest";
import { exportRowOf } from "../../../functions/api/export-rows.ts";
import { REPORTS_SHEET, writeReportsXlsx } from "../../../functions/api/xlsx.ts";
import { expectFiguresOf, readWorkbook } from "../../support/xlsx.ts";
import { loadSeedReports } from "./seed-reports.ts";

describe("Excel export", () => {
  it("holds every figure of the seeds as a number under the template's headers, header rows frozen", async () => {
    const reports = loadSeedReports();
    const book = await readWorkbook(await writeReportsXlsx(reports.map(exportRowOf)));
    expect(book.worksheets.map((s) => s.name)).toEqual([REPORTS_SHEET, "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]);
    expectFiguresOf(book, reports);
    const money = book.getWorksheet("二、主动公开政府信息情况")!;
    const headers = [...Array(money.columnCount).keys()].map((i) => String(money.getCell(2, i + 1).value));
    expect(headers).toContain("采购总金额（万元）");
    expect(headers).toContain("本年收费金额（万元）");
    expect(money.getCell(1, 4).value).toBe("第二十条第（一）项 规章");
    const list = book.getWorksheet(REPORTS_SHEET)!;
    expect(list.getRow(1).values).toEqual([undefined, "编号", "机关", "年度", "模板版本", "状态", "解析器版本", "错误数", "确认印错数", "未复核错误数", "来源", "失败原因"]);
    expect(list.rowCount).toBe(1 + reports.length);
    expect(list.getCell(2, 3).value).toBe(2019); // a number, not text
  });
});

import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, CSV_COLUMNS_ZH, formatReportsCsv, parseCsv, quoteCsvField, UTF8_BOM } from "../../../functions/api/csv.ts";
import { FIGURE_COLUMNS } from "../../../functions/api/figures.ts";
import { APPLICATION_ROWS, APPLICANT_COLUMNS } from "../../../functions/report/template.ts";
import { loadSeedReports } from "./seed-reports.ts";

describe("CSV export", () => {
  it("derives one figure column per template cell of either edition", () => {
    const names = FIGURE_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain("applications.granted.total");
    expect(names).toContain("applications.denied.stateSecret.naturalPerson");
    expect(names).toContain("applications.otherHandling.noFee.total");
    expect(names).toContain("activeDisclosure.procurement.amountTenThousandYuan");
    expect(names).toContain("activeDisclosure.fees.amountTenThousandYuan");
    expect(names).toContain("reviewLitigation.litigationAfterReview.pending");
    expect(names.filter((n) => n.startsWith("applications."))).toHaveLength(APPLICATION_ROWS.length * APPLICANT_COLUMNS.length);
    expect(names.filter((n) => n.startsWith("reviewLitigation."))).toHaveLength(15);
  });

  it("starts with a BOM and parses back to the seeds' figures", () => {
    const reports = loadSeedReports();
    const csv = formatReportsCsv(reports);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual(CSV_COLUMNS);
    expect(rows).toHaveLength(5);
    const col = (name: string) => header!.indexOf(name);
    const byAgency = new Map(rows.map((r) => [r[col("agency")], r]));
    const xihu = byAgency.get("西湖区教育局")!;
    expect(xihu[col("year")]).toBe("2019");
    expect(xihu[col("status")]).toBe("NEEDS_REVIEW");
    expect(xihu[col("errorCount")]).toBe("4");
    expect(xihu[col("applications.newReceived.total")]).toBe("19");
    expect(xihu[col("applications.resultsTotal.total")]).toBe("0");
    expect(xihu[col("activeDisclosure.procurement.amountTenThousandYuan")]).toBe("16700");
    // A 2019-edition report has no 2021-only cells: empty, not 0.
    expect(xihu[col("applications.otherHandling.noFee.total")]).toBe("");
    const hangzhou = byAgency.get("杭州市教育局")!;
    expect(hangzhou[col("activeDisclosure.procurement.amountTenThousandYuan")]).toBe("1857.28895");
    expect(hangzhou[col("reviewLitigation.review.total")]).toBe("2");
    const wuhai = byAgency.get("乌海市教育局")!;
    expect(wuhai[col("edition")]).toBe("2021");
    expect(wuhai[col("applications.otherHandling.noFee.total")]).toBe("0");
    expect(wuhai[col("activeDisclosure.otherManagementServices.decisions")]).toBe("");
    const yaohai = byAgency.get("瑶海区人民政府")!;
    expect(yaohai[col("activeDisclosure.otherManagementServices.change")]).toBe("-62");
    expect(yaohai[col("applications.granted.naturalPerson")]).toBe("91");
  });

  it("names the columns in Chinese as the template prints them with headers=zh, the same fields below", () => {
    const reports = loadSeedReports();
    const [zhHeader, ...zhRows] = parseCsv(formatReportsCsv(reports, "zh"));
    const [, ...keyRows] = parseCsv(formatReportsCsv(reports));
    expect(zhRows).toEqual(keyRows);
    expect(zhHeader).toEqual(CSV_COLUMNS_ZH);
    expect(new Set(zhHeader).size).toBe(zhHeader!.length);
    expect(zhHeader!.slice(0, 3)).toEqual(["编号", "机关", "年度"]);
    expect(zhHeader![CSV_COLUMNS.indexOf("applications.granted.total")]).toBe("表三（一）予以公开·总计");
    expect(zhHeader![CSV_COLUMNS.indexOf("applications.denied.stateSecret.naturalPerson")]).toBe("表三（三）不予公开 1.属于国家秘密·自然人");
    expect(zhHeader![CSV_COLUMNS.indexOf("activeDisclosure.procurement.amountTenThousandYuan")]).toBe("表二第二十条第（九）项 政府集中采购·采购总金额（万元）");
    expect(zhHeader![CSV_COLUMNS.indexOf("reviewLitigation.review.upheld")]).toBe("表四行政复议·结果维持");
    for (const name of zhHeader!) expect(name).not.toMatch(/[A-Za-z]/);
  });

  it("quotes fields with commas, quotes and line breaks", () => {
    expect(quoteCsvField('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(parseCsv(`x,${quoteCsvField('a,"b"\r\nc')},y\r\n`)).toEqual([["x", 'a,"b"\r\nc', "y"]]);
    expect(quoteCsvField(undefined)).toBe("");
  });
});

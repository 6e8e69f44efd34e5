import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, formatReportsCsv, parseCsv, quoteCsvField, UTF8_BOM } from "../../../functions/api/csv.ts";
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

  it("quotes fields with commas, quotes and line breaks", () => {
    expect(quoteCsvField('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(parseCsv(`x,${quoteCsvField('a,"b"\r\nc')},y\r\n`)).toEqual([["x", 'a,"b"\r\nc', "y"]]);
    expect(quoteCsvField(undefined)).toBe("");
  });
});

/** `GET /export.xlsx`: the matching reports as an Excel workbook, one sheet per section. */
import { exportRowOf } from "../export-rows.ts";
import { defineRoute } from "../route.ts";
import { ErrorBody, ExportQuery } from "../schemas.ts";
import { writeReportsXlsx, XLSX_CONTENT_TYPE } from "../xlsx.ts";
import { checkExportSize, matchingReports } from "./export-csv.ts";

export const exportXlsxRoute = defineRoute({
  method: "GET",
  path: "/export.xlsx",
  summary: "The matching reports as an Excel workbook",
  description:
    "Sheet 报告 (one row per report: 编号, 机关, 年度, …), then one sheet per section of the template (二、三、四), one row per report, two frozen header rows as the template prints them (the row, then the column; 万元 on money), figures stored as numbers, empty where a report's edition has no such cell. The same filters as /export.csv.",
  query: ExportQuery,
  responses: {
    200: { description: "Excel workbook", contentType: XLSX_CONTENT_TYPE },
    400: { description: "A rejected parameter", schema: ErrorBody },
    413: { description: "Too many reports for one response: narrow the filters (e.g. by year)", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const reports = await matchingReports(query, deps);
    const bytes = await writeReportsXlsx(reports.map(exportRowOf));
    // base64 takes 4 bytes for every 3
    checkExportSize(Math.ceil(bytes.length / 3) * 4, reports.length, "a workbook");
    return {
      statusCode: 200,
      headers: { "content-type": XLSX_CONTENT_TYPE, "content-disposition": 'attachment; filename="nianbao-reports.xlsx"' },
      body: bytes.toString("base64"),
      isBase64Encoded: true,
    };
  },
});

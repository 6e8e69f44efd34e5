/** The page's file export (web/export-job.js) without a browser: the filters it sends and what its status line says. */
import { describe, expect, it } from "vitest";
// @ts-expect-error a browser module without types
import { describeExportJob, toExportFilters } from "../../web/export-job.js";

describe("web/export-job.js", () => {
  it("sends only the filters POST /exports accepts, the year as a number", () => {
    expect(toExportFilters({ agency: " 洪泽区人民政府 ", year: "2021", status: "", edition: "2019", limit: "25" })).toEqual({ agency: "洪泽区人民政府", year: 2021, edition: "2019" });
    expect(toExportFilters({})).toEqual({});
  });

  it("says each state in Chinese with the records written", () => {
    expect(describeExportJob({ state: "QUEUED", written: 0 })).toBe("导出任务已排队…");
    expect(describeExportJob({ state: "RUNNING", written: 1500 })).toBe("正在导出：已写入 1500 份报告…");
    expect(describeExportJob({ state: "DONE", written: 20000, download: { bytes: 15 * 1024 * 1024 } })).toBe("导出完成：共 20000 份报告（15.0 MB）");
    expect(describeExportJob({ state: "FAILED", written: 3, failure: "导出失败（Error）：x" })).toBe("导出失败：导出失败（Error）：x");
  });
});

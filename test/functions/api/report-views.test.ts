import { describe, expect, it } from "vitest";
import { toListItem } from "../../../functions/api/report-views.ts";
import { ReportListItem } from "../../../functions/api/schemas.ts";
import { loadSeedReports } from "./seed-reports.ts";

describe("toListItem", () => {
  it("names the file a report came from", () => {
    const [report] = loadSeedReports();
    const item = toListItem(report!);
    expect(item.fileName).toBe(report!.sources[0]!.key.split("/").pop());
    expect(item.failure).toBeUndefined();
    expect(ReportListItem.parse(item)).toEqual(item);
  });

  it("gives a FAILED report's file name and reason, cause first", () => {
    const [base] = loadSeedReports();
    const { record: _record, ...rest } = base!;
    const failed = { ...rest, status: "FAILED" as const, failure: { error: "UnreadableDocumentError", cause: "文件为空" }, sources: [{ ...base!.sources[0]!, key: "incoming/a/empty.pdf" }] };
    expect(toListItem(failed)).toMatchObject({ status: "FAILED", fileName: "empty.pdf", failure: "文件为空（UnreadableDocumentError）" });
  });
});

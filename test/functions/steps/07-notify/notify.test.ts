import { describe, expect, it } from "vitest";
import { buildNotification, runNotify } from "../../../../functions/steps/07-notify/notify.ts";
import { RecordingNotifier } from "../../../support/fakes.ts";

const ID = "b".repeat(64);
const base = { bucket: "ingest", key: "reports/x.txt" };

describe("buildNotification", () => {
  it("names the cells that do not add up for a record that needs review", () => {
    const note = buildNotification({
      ...base,
      parsed: {
        reportId: ID,
        status: "NEEDS_REVIEW",
        recordKey: "k",
        parserVersion: "1",
        agency: "瑶海区人民政府",
        year: 2019,
        edition: "2019",
        errorCells: ["resultsTotal.total"],
        problems: ["表三（七）总计·总计：印 124，应为 127"],
      },
      stored: { reportId: ID, status: "NEEDS_REVIEW", written: true, sourceAdded: true },
    });
    expect(note).toMatchObject({ status: "NEEDS_REVIEW", cells: ["resultsTotal.total"], agency: "瑶海区人民政府" });
    expect(note?.message).toBe("瑶海区人民政府 2019 需要复核，数字不符：表三（七）总计·总计：印 124，应为 127");
  });

  it("gives the error and its cause for a failed report", () => {
    const note = buildNotification({
      ...base,
      stored: {
        reportId: ID,
        status: "FAILED",
        written: true,
        sourceAdded: true,
        failure: { error: "NotAnnualReportError", cause: "不是年度报告" },
      },
    });
    expect(note).toMatchObject({ status: "FAILED", error: "NotAnnualReportError", cause: "不是年度报告" });
    expect(note?.message).toBe("s3://ingest/reports/x.txt 处理失败：不是年度报告（NotAnnualReportError）");
  });

  it("says nothing about a valid record", () => {
    expect(
      buildNotification({ ...base, stored: { reportId: ID, status: "VALID", written: true, sourceAdded: true } }),
    ).toBeUndefined();
  });
});

describe("runNotify", () => {
  it("publishes the notification of a record that failed, and nothing for a valid one", async () => {
    // Prepare
    const notifier = new RecordingNotifier();
    const failed = { ...base, stored: { reportId: ID, status: "FAILED" as const, written: true, sourceAdded: true, failure: { error: "E", cause: "c" } } };
    const valid = { ...base, stored: { reportId: ID, status: "VALID" as const, written: true, sourceAdded: true } };

    // Act
    const results = [await runNotify(failed, { notifier }), await runNotify(valid, { notifier })];

    // Assess
    expect(results).toEqual([{ notified: true }, { notified: false }]);
    expect(notifier.published).toHaveLength(1);
    expect(notifier.published[0]).toMatchObject({ reportId: ID, status: "FAILED", error: "E", cause: "c" });
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { PARSER_VERSION } from "../../../../functions/report/index.ts";
import { hashBytes } from "../../../../functions/shared/hash.ts";
import { logger } from "../../../../functions/shared/logger.ts";
import { readCause, runRecordFailure } from "../../../../functions/steps/08-record-failure/record-failure.ts";
import { MemoryObjects, RecordingProgress, RecordingRecords } from "../../../support/fakes.ts";

beforeAll(() => logger.setLogLevel("SILENT"));

describe("readCause", () => {
  it("takes errorMessage from the JSON cause Lambda reports", () => {
    const cause = JSON.stringify({ errorType: "UnreadableDocumentError", errorMessage: "文件为空", trace: ["at x"] });
    expect(readCause({ Error: "UnreadableDocumentError", Cause: cause })).toBe("文件为空");
  });

  it("keeps a plain-text cause as it is", () => {
    expect(readCause({ Error: "States.Timeout", Cause: "Task timed out after 60 seconds" })).toBe(
      "Task timed out after 60 seconds",
    );
  });

  it("falls back to the error name when there is no cause", () => {
    expect(readCause({ Error: "States.Timeout" })).toBe("States.Timeout");
  });

  it("shortens a huge cause", () => {
    expect(readCause({ Error: "E", Cause: "x".repeat(10_000) }).length).toBeLessThan(2100);
  });
});

describe("runRecordFailure", () => {
  it("stores a FAILED record named by the upload's bytes when Extract did not name it", async () => {
    // Prepare
    const objects = new MemoryObjects();
    objects.put("ingest", "bad.pdf", "not a pdf");
    const records = new RecordingRecords();
    const progress = new RecordingProgress();
    const error = { Error: "UnreadableDocumentError", Cause: JSON.stringify({ errorMessage: "文件已损坏" }) };

    // Act
    const stored = await runRecordFailure({ bucket: "ingest", key: "bad.pdf", error }, { objects, records, progress });

    // Assess
    const reportId = hashBytes("not a pdf");
    const failure = { error: "UnreadableDocumentError", cause: "文件已损坏" };
    expect(stored).toEqual({ reportId, written: true, sourceAdded: true, status: "FAILED", failure });
    expect(records.failures).toEqual([{ reportId, parserVersion: PARSER_VERSION, failure, source: { bucket: "ingest", key: "bad.pdf" } }]);
    expect(progress.marks).toEqual([`${reportId}:RecordFailure`]);
  });

  it("names a report whose object is gone by its address", async () => {
    const records = new RecordingRecords();
    const stored = await runRecordFailure(
      { bucket: "ingest", key: "gone.pdf", error: { Error: "States.Timeout" } },
      { objects: new MemoryObjects(), records, progress: new RecordingProgress() },
    );
    expect(stored.reportId).toBe(hashBytes("missing object s3://ingest/gone.pdf"));
  });
});

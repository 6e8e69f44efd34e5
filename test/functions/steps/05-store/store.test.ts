/** `runStore` with in-memory objects, records and progress (no adapter registry, no AWS). */
import { beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../../../functions/shared/logger.ts";
import { runStore } from "../../../../functions/steps/05-store/store.ts";
import { MemoryObjects, RecordingProgress, RecordingRecords } from "../../../support/fakes.ts";

const ID = "d".repeat(64);

beforeAll(() => logger.setLogLevel("SILENT"));

describe("runStore", () => {
  it("stores the record Parse wrote with this object as its source", async () => {
    // Prepare
    const objects = new MemoryObjects();
    const records = new RecordingRecords();
    const progress = new RecordingProgress();
    await objects.putJson("artifacts", "artifacts/records/x.json", { agency: "甲市教育局", year: 2020, findings: [] });
    const parsed = {
      reportId: ID,
      status: "VALID" as const,
      recordKey: "artifacts/records/x.json",
      parserVersion: "9.9.9",
      agency: "甲市教育局",
      year: 2020,
      edition: "2021",
      errorCells: [],
      problems: [],
    };
    const extracted = { reportId: ID, artifactKey: "k", format: "text", pageCount: 1, needsOcr: false, fileName: "a.txt" };

    // Act
    const stored = await runStore(
      { bucket: "ingest", key: "reports/a.txt", extracted, parsed },
      { objects, records, progress, artifactsBucket: "artifacts" },
    );

    // Assess
    expect(stored).toEqual({ reportId: ID, written: true, sourceAdded: true, status: "VALID" });
    expect(records.parsed).toEqual([
      {
        reportId: ID,
        status: "VALID",
        parserVersion: "9.9.9",
        record: { agency: "甲市教育局", year: 2020, findings: [] },
        source: { bucket: "ingest", key: "reports/a.txt" },
      },
    ]);
    expect(progress.marks).toEqual([`${ID}:Store`]);
  });
});

/** `runStore` with in-memory objects, records and progress (no adapter registry, no AWS). */
import { beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../../../functions/shared/logger.ts";
import { runStore } from "../../../../functions/steps/05-store/store.ts";
import { MemoryObjects, MemoryRegistry, RecordingProgress, RecordingRecords } from "../../../support/fakes.ts";

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
      { objects, records, progress, registry: new MemoryRegistry(), artifactsBucket: "artifacts" },
    );

    // Assess
    expect(stored).toEqual({ reportId: ID, written: true, sourceAdded: true, status: "VALID" });
    expect(records.parsed).toEqual([
      {
        reportId: ID,
        status: "VALID",
        parserVersion: "9.9.9",
        record: { agency: "甲市教育局", year: 2020, findings: [] },
        source: { bucket: "ingest", key: "reports/a.txt", format: "text" },
        format: "text",
      },
    ]);
    expect(progress.marks).toEqual([`${ID}:Store`]);
  });

  it("goes on with the report a file joined when it is another file of one already stored", async () => {
    // Prepare: the store answers that this file joined the report of another file
    const objects = new MemoryObjects();
    const joined = "b".repeat(64);
    const records = new (class extends RecordingRecords {
      override async putParsed(write: Parameters<RecordingRecords["putParsed"]>[0]) {
        await super.putParsed(write);
        return { written: true, sourceAdded: true, status: "VALID" as const, logicalReportId: joined };
      }
    })();
    const registry = new MemoryRegistry();
    await objects.putJson("artifacts", "artifacts/records/x.json", { agency: "甲市教育局", agencyId: "110000-abc", year: 2020, edition: "2021", findings: [] });
    const parsed = { reportId: ID, status: "VALID" as const, recordKey: "artifacts/records/x.json", parserVersion: "9.9.9", agency: "甲市教育局", year: 2020, edition: "2021", errorCells: [], problems: [] };

    // Act
    const stored = await runStore({ bucket: "ingest", key: "reports/a.html", extracted: { reportId: ID, artifactKey: "k", format: "html", pageCount: 1, needsOcr: false, fileName: "a.html" }, parsed }, { objects, records, progress: new RecordingProgress(), registry, artifactsBucket: "artifacts" });

    // Assess: CrossYear and Notify work on the report, and the registry lists it, not the file
    expect(stored).toEqual({ reportId: joined, written: true, sourceAdded: true, status: "VALID" });
    expect([...registry.bodies.values()].flatMap((b) => b.reports)).toEqual([{ year: 2020, reportId: joined }]);
  });

  it("records the body in the registry, and gives a record whose text left its region open the one registered body of its name", async () => {
    // Prepare: 杭州市西湖区教育局 is registered (330106); a later report says only 西湖区教育局, with no city.
    const objects = new MemoryObjects();
    const records = new RecordingRecords();
    const registry = new MemoryRegistry();
    const xihu = { code: "330106", province: "浙江省", city: "杭州市", county: "西湖区" };
    await registry.recordReport({ agencyId: "330106-aaaaaaa", agency: "杭州市西湖区教育局", region: xihu, year: 2019, reportId: "e".repeat(64) });
    await objects.putJson("artifacts", "artifacts/records/y.json", { agency: "西湖区教育局", agencyId: "000000-bbbbbbb", region: null, year: 2020, findings: [] });
    const parsed = { reportId: ID, status: "VALID" as const, recordKey: "artifacts/records/y.json", parserVersion: "9.9.9", agency: "西湖区教育局", year: 2020, edition: "2019", errorCells: [], problems: [] };
    const extracted = { reportId: ID, artifactKey: "k", format: "text", pageCount: 1, needsOcr: false, fileName: "b.txt" };

    // Act
    await runStore({ bucket: "ingest", key: "reports/b.txt", extracted, parsed }, { objects, records, progress: new RecordingProgress(), registry, artifactsBucket: "artifacts" });

    // Assess
    const stored = records.parsed[0]!.record as { agencyId: string; region: unknown; findings: { rule: string; severity: string; message: string }[] };
    expect(stored.agencyId).toBe("330106-aaaaaaa");
    expect(stored.region).toEqual(xihu);
    expect(stored.findings).toEqual([expect.objectContaining({ rule: "agency.fromRegistry", severity: "info", message: expect.stringContaining("浙江省杭州市西湖区") })]);
    expect((await registry.get("330106-aaaaaaa"))?.years).toEqual([2019, 2020]);
    expect((await registry.get("330106-aaaaaaa"))?.names).toEqual(["杭州市西湖区教育局", "西湖区教育局"].sort());
  });
});

/** `runSelectReports` with an in-memory selector and objects (no adapter registry, no AWS). */
import { beforeAll, describe, expect, it } from "vitest";
import type { ReportSelector } from "../../../../functions/adapters/report-selector.ts";
import { logger } from "../../../../functions/shared/logger.ts";
import { runSelectReports } from "../../../../functions/steps/09-reprocess/select-reports.ts";
import { SelectInput } from "../../../../functions/steps/09-reprocess/selection.ts";
import { MemoryObjects } from "../../../support/fakes.ts";

beforeAll(() => logger.setLogLevel("SILENT"));

const selector: ReportSelector = {
  async *select(filter) {
    if (filter.status?.includes("FAILED")) {
      yield { reportId: "1".repeat(64), bucket: "ingest", key: "a.pdf", status: "FAILED", parserVersion: "1.0.0" };
      yield { reportId: "2".repeat(64), bucket: "ingest", key: "b.pdf", status: "FAILED", parserVersion: "1.0.0" };
    }
  },
};

describe("runSelectReports", () => {
  it("writes the selected sources as a manifest in the artifacts bucket", async () => {
    // Prepare
    const objects = new MemoryObjects();
    const input = SelectInput.parse({ filter: { status: "FAILED" }, inline: true });

    // Act
    const selection = await runSelectReports(input, { selector, objects, artifactsBucket: "artifacts" });

    // Assess
    expect(selection.count).toBe(2);
    expect(selection.manifest.bucket).toBe("artifacts");
    expect(selection.manifest.key).toMatch(/^artifacts\/reprocess\/.+\.json$/);
    const items = [
      { reportId: "1".repeat(64), bucket: "ingest", key: "a.pdf" },
      { reportId: "2".repeat(64), bucket: "ingest", key: "b.pdf" },
    ];
    expect(await objects.getJson("artifacts", selection.manifest.key)).toEqual(items);
    expect(selection.items).toEqual(items);
  });

  it("leaves the items out of the output unless asked to inline them", async () => {
    const selection = await runSelectReports(SelectInput.parse({ filter: { status: "VALID" } }), {
      selector,
      objects: new MemoryObjects(),
      artifactsBucket: "artifacts",
    });
    expect(selection).not.toHaveProperty("items");
    expect(selection.count).toBe(0);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { carriedReading, logicalKeyOf, recordOfSources, sourcesDisagreement, SOURCES_DISAGREE, type SourceReading } from "../../functions/report/sources.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";

const SEED = "001_4b9b066e761ef3f1";

async function seedRecord(): Promise<ReportRecord> {
  const bytes = new Uint8Array(readFileSync(join(SEEDS_DIR, `${SEED}.txt`)));
  return parseReport(await extractDocument(bytes, { fileName: `${SEED}.txt` })).record;
}

const reading = (reportId: string, fileName: string, receivedAt: string, record: ReportRecord): SourceReading => ({ reportId, fileName, receivedAt, record });

describe("one report, however many files", () => {
  it("keys a report by body, year and edition, and never merges one without an agencyId", async () => {
    const record = await seedRecord();
    expect(record.agencyId).toMatch(/^\d{6}-/);
    expect(logicalKeyOf(record)).toBe(`${record.agencyId}#2020#2019`);
    expect(logicalKeyOf({ ...record, agencyId: null })).toBeNull();
    expect(logicalKeyOf({ ...record, year: null } as unknown as ReportRecord)).toBeNull();
  });

  it("carries the figures read most directly, then the earliest received", async () => {
    const record = await seedRecord();
    const ocr = { ...record, ocr: { engine: "paddle", pages: [1] } };
    const scan = reading("a", "scan.pdf", "2026-01-01T00:00:00Z", ocr);
    const html = reading("b", "page.html", "2026-01-02T00:00:00Z", record);
    const text = reading("c", "report.txt", "2026-01-03T00:00:00Z", record);
    expect(carriedReading([scan, text, html]).fileName).toBe("page.html");
    expect(carriedReading([scan, { ...scan, reportId: "d", fileName: "rescan.pdf", receivedAt: "2025-12-31T00:00:00Z" }]).fileName).toBe("rescan.pdf");
  });

  it("names every differing cell in the template's words with each file's figure, once", async () => {
    const record = await seedRecord();
    const changed = structuredClone(record);
    const granted = changed.applications.granted!;
    const printed = granted.naturalPerson!;
    granted.naturalPerson = printed + 5;
    const carried = reading("a", "report.txt", "2026-01-01T00:00:00Z", record);
    const others = [reading("b", "page.html", "2026-01-02T00:00:00Z", changed), reading("c", "copy.pdf", "2026-01-03T00:00:00Z", record)];

    const finding = sourcesDisagreement(carried, others);

    expect(finding).toMatchObject({ rule: SOURCES_DISAGREE, severity: "warning", cells: ["granted.naturalPerson"], expected: printed, actual: printed + 5 });
    expect(finding!.message).toContain(`表三（一）予以公开·自然人：report.txt 为 ${printed}，page.html 为 ${printed + 5}`);
    expect(finding!.message).toContain("本记录采用 report.txt 的数字");
    expect(finding!.message).not.toContain("copy.pdf 为");
    // The carried record gets the one finding, replacing an earlier one rather than adding to it.
    const once = recordOfSources(carried, others);
    const again = recordOfSources({ ...carried, record: once }, others);
    expect(again.findings.filter((f) => f.rule === SOURCES_DISAGREE)).toHaveLength(1);
    expect(recordOfSources(carried, [others[1]!]).findings.some((f) => f.rule === SOURCES_DISAGREE)).toBe(false);
  });
});

/** `runParse` with in-memory objects and progress (no adapter registry, no AWS). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { extractDocument } from "../../../../functions/documents/index.ts";
import { PARSER_VERSION } from "../../../../functions/report/index.ts";
import { logger } from "../../../../functions/shared/logger.ts";
import { toDocumentArtifactKey, toRecordArtifactKey } from "../../../../functions/shared/workflow-payloads.ts";
import { collectErrorCells, runParse } from "../../../../functions/steps/04-parse/parse.ts";
import { SEEDS, SEEDS_DIR } from "../../../fixtures/seeds.ts";
import { MemoryObjects, RecordingProgress } from "../../../support/fakes.ts";

const ARTIFACTS = "artifacts";
const ID = "c".repeat(64);

beforeAll(() => logger.setLogLevel("SILENT"));

async function parseSeed(n: number) {
  const objects = new MemoryObjects();
  const progress = new RecordingProgress();
  const bytes = new Uint8Array(await readFile(join(SEEDS_DIR, `${SEEDS[n]!}.txt`)));
  const artifactKey = toDocumentArtifactKey(ID);
  await objects.putJson(ARTIFACTS, artifactKey, await extractDocument(bytes, { fileName: "a.txt" }));
  const extracted = { reportId: ID, artifactKey, format: "text", pageCount: 1, needsOcr: false, fileName: "a.txt" };
  const parsed = await runParse({ bucket: "ingest", key: "a.txt", extracted }, { objects, progress, artifactsBucket: ARTIFACTS });
  return { parsed, objects, progress };
}

describe("runParse", () => {
  it("writes the record of a valid report and passes on its key and status", async () => {
    const { parsed, objects, progress } = await parseSeed(1);
    expect(parsed).toMatchObject({ reportId: ID, status: "VALID", parserVersion: PARSER_VERSION, errorCells: [], problems: [] });
    expect(parsed.recordKey).toBe(toRecordArtifactKey(ID, PARSER_VERSION));
    const record = await objects.getJson<{ findings: unknown[] }>(ARTIFACTS, parsed.recordKey);
    expect(Array.isArray(record.findings)).toBe(true);
    expect(progress.marks).toEqual([`${ID}:Parse`]);
  });

  it("names the cells that do not add up of a report that needs review", async () => {
    const { parsed } = await parseSeed(0);
    expect(parsed.status).toBe("NEEDS_REVIEW");
    expect(parsed.errorCells.length).toBeGreaterThan(0);
    expect(parsed.problems.length).toBeGreaterThan(0);
  });
});

describe("collectErrorCells", () => {
  it("lists the cells of error findings once each, in order", () => {
    expect(
      collectErrorCells([
        { severity: "error", cells: ["a", "b"] },
        { severity: "warning", cells: ["c"] },
        { severity: "error", cells: ["b", "d"] },
      ]),
    ).toEqual(["a", "b", "d"]);
  });
});

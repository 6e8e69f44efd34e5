/** `runExtract` with in-memory objects and progress (no adapter registry, no AWS). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ExtractedDocument } from "../../../../functions/documents/model.ts";
import { hashBytes } from "../../../../functions/shared/hash.ts";
import { logger } from "../../../../functions/shared/logger.ts";
import { runExtract } from "../../../../functions/steps/02-extract/extract.ts";
import { createExtractHandler } from "../../../../functions/steps/02-extract/handler.ts";
import { SEEDS, SEEDS_DIR } from "../../../fixtures/seeds.ts";
import { MemoryObjects, RecordingProgress } from "../../../support/fakes.ts";

const ARTIFACTS = "artifacts";

beforeAll(() => logger.setLogLevel("SILENT"));

describe("runExtract", () => {
  it("names the report by its bytes, writes the document artifact and marks its progress", async () => {
    // Prepare
    const bytes = new Uint8Array(await readFile(join(SEEDS_DIR, `${SEEDS[1]!}.txt`)));
    const objects = new MemoryObjects();
    objects.put("ingest", "reports/a.txt", bytes);
    const progress = new RecordingProgress();

    // Act
    const extracted = await runExtract({ bucket: "ingest", key: "reports/a.txt" }, { objects, progress, artifactsBucket: ARTIFACTS });

    // Assess
    const reportId = hashBytes(bytes);
    expect(extracted).toEqual({
      reportId,
      artifactKey: `artifacts/documents/${reportId}.json`,
      format: "text",
      pageCount: 1,
      needsOcr: false,
      fileName: "a.txt",
    });
    const doc = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);
    expect(doc.format).toBe("text");
    expect(progress.marks).toEqual([`${reportId}:Extract`]);
  });

  it("refuses an object over the size limit before reading it", async () => {
    const objects = new MemoryObjects();
    objects.head = async (_bucket, key) => ({ key, size: 1024 * 1024 * 1024 });
    objects.getBytes = async () => Promise.reject(new Error("read"));
    await expect(
      runExtract({ bucket: "ingest", key: "big.pdf" }, { objects, progress: new RecordingProgress(), artifactsBucket: ARTIFACTS }),
    ).rejects.toMatchObject({ name: "UnreadableDocumentError" });
  });
});

describe("the Extract handler", () => {
  it("rejects an event without bucket and key before any dependency is used", async () => {
    const handler = createExtractHandler(() => {
      throw new Error("dependencies asked for");
    });
    await expect(handler({ key: 1 } as never, {} as never)).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});

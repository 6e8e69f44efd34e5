/**
 * Extract hands a scan on to the Ocr step; the Ocr step reads it with the configured engine
 * (here Textract, answering from recorded responses) and replaces the document artifact.
 * Objects live in an in-memory store; the AWS client is the only thing recorded.
 */
import { StartDocumentAnalysisCommand } from "@aws-sdk/client-textract";
import type { Context } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTextractEngine, resetAdapters, setAdapters, type ObjectInfo, type ObjectStore } from "../../../../functions/adapters/index.ts";
import type { ExtractedDocument } from "../../../../functions/documents/model.ts";
import { handler as extract } from "../../../../functions/steps/02-extract/handler.ts";
import { handler as ocr } from "../../../../functions/steps/03-ocr/handler.ts";
import { Config, resetConfig } from "../../../../functions/shared/config.ts";
import { hashBytes } from "../../../../functions/shared/hash.ts";
import type { Extracted } from "../../../../functions/shared/workflow-payloads.ts";
import { RecordedTextract, textractFixture } from "../../../support/recorded-textract.ts";

const fixture = textractFixture;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
const INGEST = "ingest";
const ARTIFACTS = "artifacts";
const context = {} as Context;

class MemoryObjects implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  async getBytes(bucket: string, key: string) {
    const bytes = this.objects.get(`${bucket}/${key}`);
    if (!bytes) throw new Error(`no object ${bucket}/${key}`);
    return bytes;
  }
  async getJson<T>(bucket: string, key: string) {
    return JSON.parse(new TextDecoder().decode(await this.getBytes(bucket, key))) as T;
  }
  async putJson(bucket: string, key: string, value: unknown) {
    this.objects.set(`${bucket}/${key}`, new TextEncoder().encode(JSON.stringify(value)));
  }
  async putOriginal(bucket: string, key: string, body: Uint8Array) {
    if (this.objects.has(`${bucket}/${key}`)) return "exists" as const;
    this.objects.set(`${bucket}/${key}`, body);
    return "created" as const;
  }
  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const bytes = this.objects.get(`${bucket}/${key}`);
    return bytes && { key, size: bytes.length };
  }
  async list() {
    return [];
  }
}

let objects: MemoryObjects;
const config = Config.parse({ ARTIFACTS_BUCKET: ARTIFACTS });

beforeEach(() => {
  process.env.ARTIFACTS_BUCKET = ARTIFACTS;
  delete process.env.TABLE_NAME;
  resetConfig();
  resetAdapters();
  objects = new MemoryObjects();
  objects.objects.set(`${INGEST}/scans/page.png`, PNG);
  setAdapters({ objects });
});

afterEach(() => {
  delete process.env.ARTIFACTS_BUCKET;
  resetConfig();
  resetAdapters();
});

describe("a scan through Extract and Ocr", () => {
  it("is passed on by Extract with needsOcr and no artifact, then read by Textract in the Ocr step", async () => {
    // Prepare
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    setAdapters({ ocr: createTextractEngine(config, textract) });
    const event = { bucket: INGEST, key: "scans/page.png" };

    // Act
    const extracted = (await extract(event, context)) as Extracted;

    // Assess: Extract read nothing and wrote nothing
    expect(extracted).toMatchObject({ reportId: hashBytes(PNG), needsOcr: true, pageCount: 0, fileName: "page.png" });
    expect(objects.objects.has(`${ARTIFACTS}/${extracted.artifactKey}`)).toBe(false);
    expect(textract.sent).toHaveLength(0);

    // Act
    const recognised = (await ocr({ ...event, extracted }, context)) as Extracted;

    // Assess: the artifact holds Textract's grid, marked with the engine
    expect(recognised).toMatchObject({ reportId: extracted.reportId, artifactKey: extracted.artifactKey, needsOcr: false, pageCount: 1, format: "image" });
    const doc = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);
    expect(doc.pages[0]?.ocr?.engine).toBe("textract");
    expect(doc.pages[0]?.blocks.some((b) => b.kind === "table")).toBe(true);
    expect(textract.sent).toHaveLength(1);
  });

  it("reads a scan once: the Ocr step run again answers from the kept result, with the same document", async () => {
    // Prepare: one recorded answer only — a second Textract call would fail the test
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    setAdapters({ ocr: createTextractEngine(config, textract) });
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = (await extract(event, context)) as Extracted;
    await ocr({ ...event, extracted }, context);
    const first = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);

    // Act: the same scan again (a reprocess), and the same bytes under another key
    objects.objects.set(`${INGEST}/elsewhere/copy.png`, PNG);
    await ocr({ ...event, extracted }, context);
    await ocr({ bucket: INGEST, key: "elsewhere/copy.png", extracted: { ...extracted, fileName: "copy.png" } }, context);

    // Assess
    expect(textract.sent).toHaveLength(1);
    expect(await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey)).toEqual(first);
    expect([...objects.objects.keys()].filter((k) => k.startsWith(`${ARTIFACTS}/ocr-cache/v1/textract/`))).toEqual([
      `${ARTIFACTS}/ocr-cache/v1/textract/${hashBytes(PNG)}.json`,
    ]);
  });

  it("still reads a scan when its result cannot be kept", async () => {
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    setAdapters({ ocr: createTextractEngine(config, textract) });
    const putJson = objects.putJson.bind(objects);
    objects.putJson = async (bucket, key, value) => {
      if (key.startsWith("ocr-cache/")) throw new Error("SlowDown");
      return putJson(bucket, key, value);
    };
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = (await extract(event, context)) as Extracted;
    await expect(ocr({ ...event, extracted }, context)).resolves.toMatchObject({ needsOcr: false, pageCount: 1 });
  });

  it("fails the scan with a reason a user understands when no engine is configured", async () => {
    setAdapters({ ocr: null });
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = (await extract(event, context)) as Extracted;
    await expect(ocr({ ...event, extracted }, context)).rejects.toMatchObject({
      name: "UnreadableDocumentError",
      message: expect.stringContaining("no OCR engine is configured"),
    });
  });

  it("refuses an object that no longer holds the report Extract named", async () => {
    setAdapters({ ocr: null });
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = (await extract(event, context)) as Extracted;
    objects.objects.set(`${INGEST}/scans/page.png`, new Uint8Array([...PNG, 0]));
    await expect(ocr({ ...event, extracted }, context)).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});

describe("the Textract engine of the Ocr step", () => {
  it("is the default engine, and none when OCR_ENGINE=none", async () => {
    resetAdapters();
    const { getAdapter } = await import("../../../../functions/adapters/index.ts");
    expect(getAdapter("ocr")?.name).toBe("textract");
    process.env.OCR_ENGINE = "none";
    resetConfig();
    resetAdapters();
    try {
      expect(getAdapter("ocr")).toBeNull();
    } finally {
      delete process.env.OCR_ENGINE;
    }
  });

  it("stages a PDF in the artifacts bucket under its hash and starts the analysis job on it", async () => {
    // Prepare
    const [, firstPage, secondPage] = fixture("get-document-analysis-pages.json");
    const textract = new RecordedTextract(
      new Map<string, unknown[]>([
        ["StartDocumentAnalysisCommand", [{ JobId: "job-1" }]],
        ["GetDocumentAnalysisCommand", [firstPage, secondPage]],
      ]),
    );
    const engine = createTextractEngine(config, textract);
    const pdf = new TextEncoder().encode("%PDF-1.4 scanned pages");

    // Act
    const pages = await engine.recognizePdf!(pdf, [1, 2]);

    // Assess
    const key = `artifacts/ocr-input/${hashBytes(pdf)}.pdf`;
    expect(objects.objects.get(`${ARTIFACTS}/${key}`)).toEqual(pdf);
    const start = textract.sent[0] as StartDocumentAnalysisCommand;
    expect(start).toBeInstanceOf(StartDocumentAnalysisCommand);
    expect(start.input.DocumentLocation?.S3Object).toMatchObject({ Bucket: ARTIFACTS, Name: key });
    expect([...pages.keys()]).toEqual([1, 2]);
  });
});

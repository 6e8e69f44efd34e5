/**
 * Extract hands a scan on to the Ocr step; the Ocr step reads it with the configured engine
 * (here Textract, answering from recorded responses) and replaces the document artifact.
 * `runExtract` and `runOcr` are given in-memory objects and progress (test/support/fakes.ts);
 * the AWS client is the only thing recorded.
 */
import { StartDocumentAnalysisCommand } from "@aws-sdk/client-textract";
import { beforeEach, describe, expect, it } from "vitest";
import { buildOcrEngine, createTextractEngine } from "../../../../functions/adapters/index.ts";
import type { ExtractedDocument } from "../../../../functions/documents/model.ts";
import type { OcrEngine } from "../../../../functions/documents/ocr/engine.ts";
import { runExtract } from "../../../../functions/steps/02-extract/extract.ts";
import { runOcr } from "../../../../functions/steps/03-ocr/ocr.ts";
import { buildOcrDeps, paddleOcrWithFallback } from "../../../../functions/steps/03-ocr/deps.ts";
import { paddleOcrUnavailable } from "../../../../functions/documents/ocr/paddle.ts";
import { Config } from "../../../../functions/shared/config.ts";
import { hashBytes } from "../../../../functions/shared/hash.ts";
import type { ExecutionInput, Extracted, ParseInput } from "../../../../functions/shared/workflow-payloads.ts";
import { MemoryObjects, RecordingProgress } from "../../../support/fakes.ts";
import { RecordedTextract, textractFixture } from "../../../support/recorded-textract.ts";

const fixture = textractFixture;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
const INGEST = "ingest";
const ARTIFACTS = "artifacts";

let objects: MemoryObjects;
let progress: RecordingProgress;
const config = Config.parse({ ARTIFACTS_BUCKET: ARTIFACTS });

/** Extract and Ocr over the in-memory objects, Ocr with `engine` (behind the OCR limits, as in Lambda). */
function steps(engine: OcrEngine | null) {
  const ocr = buildOcrEngine(config, objects, engine);
  return {
    extract: (input: ExecutionInput) => runExtract(input, { objects, progress, artifactsBucket: ARTIFACTS }),
    ocr: (input: ParseInput) => runOcr(input, { objects, progress, artifactsBucket: ARTIFACTS, ocr }),
  };
}

beforeEach(() => {
  objects = new MemoryObjects();
  progress = new RecordingProgress();
  objects.objects.set(`${INGEST}/scans/page.png`, PNG);
});

describe("a scan through Extract and Ocr", () => {
  it("is passed on by Extract with needsOcr and no artifact, then read by Textract in the Ocr step", async () => {
    // Prepare
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    const { extract, ocr } = steps(createTextractEngine(config, objects, textract));
    const event = { bucket: INGEST, key: "scans/page.png" };

    // Act
    const extracted = await extract(event);

    // Assess: Extract read nothing and wrote nothing
    expect(extracted).toMatchObject({ reportId: hashBytes(PNG), needsOcr: true, pageCount: 0, fileName: "page.png" });
    expect(objects.objects.has(`${ARTIFACTS}/${extracted.artifactKey}`)).toBe(false);
    expect(textract.sent).toHaveLength(0);

    // Act
    const recognised = await ocr({ ...event, extracted });

    // Assess: the artifact holds Textract's grid, marked with the engine
    expect(recognised).toMatchObject({ reportId: extracted.reportId, artifactKey: extracted.artifactKey, needsOcr: false, pageCount: 1, format: "image" });
    const doc = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);
    expect(doc.pages[0]?.ocr?.engine).toBe("textract");
    expect(doc.pages[0]?.blocks.some((b) => b.kind === "table")).toBe(true);
    expect(textract.sent).toHaveLength(1);
    expect(progress.marks).toEqual([`${extracted.reportId}:Extract`, `${extracted.reportId}:Ocr`]);
  });

  it("reads a scan once: the Ocr step run again answers from the kept result, with the same document", async () => {
    // Prepare: one recorded answer only — a second Textract call would fail the test
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    const { extract, ocr } = steps(createTextractEngine(config, objects, textract));
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = await extract(event);
    await ocr({ ...event, extracted });
    const first = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);

    // Act: the same scan again (a reprocess), and the same bytes under another key
    objects.objects.set(`${INGEST}/elsewhere/copy.png`, PNG);
    await ocr({ ...event, extracted });
    await ocr({ bucket: INGEST, key: "elsewhere/copy.png", extracted: { ...extracted, fileName: "copy.png" } });

    // Assess
    expect(textract.sent).toHaveLength(1);
    expect(await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey)).toEqual(first);
    expect([...objects.objects.keys()].filter((k) => k.startsWith(`${ARTIFACTS}/ocr-cache/v1/textract/`))).toEqual([
      `${ARTIFACTS}/ocr-cache/v1/textract/${hashBytes(PNG)}.json`,
    ]);
  });

  it("still reads a scan when its result cannot be kept", async () => {
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    const { extract, ocr } = steps(createTextractEngine(config, objects, textract));
    const putJson = objects.putJson.bind(objects);
    objects.putJson = async (bucket, key, value) => {
      if (key.startsWith("ocr-cache/")) throw new Error("SlowDown");
      return putJson(bucket, key, value);
    };
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = await extract(event);
    await expect(ocr({ ...event, extracted })).resolves.toMatchObject({ needsOcr: false, pageCount: 1 });
  });

  it("fails the scan with a reason a user understands when no engine is configured", async () => {
    const { extract, ocr } = steps(null);
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted = await extract(event);
    await expect(ocr({ ...event, extracted })).rejects.toMatchObject({
      name: "UnreadableDocumentError",
      message: expect.stringContaining("no OCR engine is configured"),
    });
  });

  it("refuses an object that no longer holds the report Extract named", async () => {
    const { extract, ocr } = steps(null);
    const event = { bucket: INGEST, key: "scans/page.png" };
    const extracted: Extracted = await extract(event);
    objects.objects.set(`${INGEST}/scans/page.png`, new Uint8Array([...PNG, 0]));
    await expect(ocr({ ...event, extracted })).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});

describe("the Textract engine of the Ocr step", () => {
  it("is the default engine, and none when OCR_ENGINE=none", () => {
    expect(buildOcrEngine(config, objects)?.name).toBe("textract");
    expect(buildOcrEngine(Config.parse({ ARTIFACTS_BUCKET: ARTIFACTS, OCR_ENGINE: "none" }), objects)).toBeNull();
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
    const engine = createTextractEngine(config, objects, textract);
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

describe("the Ocr step's engine in the cloud (OCR_ENGINE=paddleocr, the stack's setting)", () => {
  const missing = paddleOcrUnavailable();
  if (missing) console.warn(`\n!!! SKIPPING the cloud PaddleOCR engine checks: ${missing}. Run npm ci (CI does).\n`);
  const cloud = Config.parse({ ARTIFACTS_BUCKET: ARTIFACTS, TABLE_NAME: "records", OCR_ENGINE: "paddleocr" });

  it.skipIf(missing !== undefined)("is PaddleOCR, with Textract as the fallback; Textract alone when OCR_ENGINE=textract", () => {
    expect(buildOcrDeps(cloud).ocr?.name).toBe("paddleocr");
    expect(buildOcrDeps({ ...cloud, OCR_ENGINE: "textract" }).ocr?.name).toBe("textract");
  });

  it.skipIf(missing !== undefined)("sends a TIFF image, which PaddleOCR cannot decode, to Textract", async () => {
    const textract = new RecordedTextract(new Map([["AnalyzeDocumentCommand", [fixture("analyze-document-table.json")]]]));
    const engine = paddleOcrWithFallback(cloud, createTextractEngine(cloud, objects, textract))!;
    const tiff = new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]);
    const result = await engine.recognizeImage({ bytes: tiff, mediaType: "image/tiff" });
    expect(textract.sent.map((c) => (c as object).constructor.name)).toEqual(["AnalyzeDocumentCommand"]);
    expect(result.blocks.some((b) => b.kind === "table")).toBe(true);
  });

  it("is the fallback alone where ONNX Runtime or the models are missing", () => {
    const textract = createTextractEngine(cloud, objects, new RecordedTextract(new Map()));
    expect(paddleOcrWithFallback(cloud, textract, "onnxruntime-node does not load here")).toBe(textract);
    expect(paddleOcrWithFallback(cloud, null, "the npm package paddleocr is not installed")).toBeNull();
  });
});

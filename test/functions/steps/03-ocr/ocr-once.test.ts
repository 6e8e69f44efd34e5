/**
 * A scanned PDF is read once: Extract keeps the partial document (its scanned pages listed in
 * `unreadPages`), and the Ocr step completes it by OCR of those pages alone — the text layer is
 * not parsed again (counted on the PDF reader's page reading) — into the document a one-pass
 * extraction with the engine gives. The engine is a fake that answers by page number, so the
 * test is about the plumbing, not about recognition.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { completeDocumentOcr, extractDocument } from "../../../../functions/documents/index.ts";
import type { ExtractedDocument } from "../../../../functions/documents/model.ts";
import type { OcrEngine, OcrResult } from "../../../../functions/documents/ocr/engine.ts";
import { OcrRequiredError } from "../../../../functions/shared/errors.ts";
import { runExtract } from "../../../../functions/steps/02-extract/extract.ts";
import { runOcr } from "../../../../functions/steps/03-ocr/ocr.ts";
import { loadSeeds, seedPdf } from "../../../fixtures/generate/index.ts";
import { findChromium } from "../../../fixtures/generate/render-pdf.ts";
import { imagesToPdf, scanPdf } from "../../../fixtures/generate/render-scan.ts";
import { MemoryObjects, RecordingProgress } from "../../../support/fakes.ts";

/** How many times the PDF reader read a page's text layer (PDFium by default, pdf.js where asked). */
const textPass = vi.hoisted(() => ({ pages: 0 }));
vi.mock("../../../../functions/documents/pdf/pdfium-page.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../../functions/documents/pdf/pdfium-page.ts")>();
  return {
    ...original,
    readPdfiumPage: (...args: Parameters<typeof original.readPdfiumPage>) => {
      textPass.pages += 1;
      return original.readPdfiumPage(...args);
    },
  };
});
vi.mock("../../../../functions/documents/pdf/text-layer.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../../functions/documents/pdf/text-layer.ts")>();
  return {
    ...original,
    readPage: (...args: Parameters<typeof original.readPage>) => {
      textPass.pages += 1;
      return original.readPage(...args);
    },
  };
});

/** Answers every page with its number, a table and a confidence; counts the pages asked for. */
function fakeEngine(): OcrEngine & { asked: number[] } {
  const asked: number[] = [];
  const read = (n: number): OcrResult => ({
    blocks: [
      { kind: "paragraph", text: `第 ${n} 页` },
      { kind: "table", rows: [[{ text: "项目" }, { text: String(n) }]] },
    ],
    confidence: 90,
  });
  return {
    name: "fake",
    asked,
    async recognizeImage() {
      throw new Error("not used: the fake reads whole PDFs");
    },
    async recognizePdf(_bytes, pageNumbers) {
      asked.push(...pageNumbers);
      return new Map(pageNumbers.map((n) => [n, read(n)]));
    },
  };
}

/** poppler's pdfunite, to join born-digital and scanned pages into one PDF. */
function hasPdfunite(): boolean {
  try {
    execFileSync("pdfunite", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const INGEST = "ingest";
const ARTIFACTS = "artifacts";
const KEY = "scans/003.pdf";
let scan: Uint8Array;
let pageCount: number;
let objects: MemoryObjects;

describe.skipIf(!findChromium())("a scanned PDF through Extract and Ocr", () => {
  beforeAll(async () => {
    const seed = loadSeeds().find((s) => s.name.startsWith("003"))!;
    const pages = await scanPdf(await seedPdf(seed));
    pageCount = pages.length;
    scan = imagesToPdf(pages);
  }, 120_000);

  beforeEach(() => {
    objects = new MemoryObjects();
    objects.objects.set(`${INGEST}/${KEY}`, scan);
    textPass.pages = 0;
  });

  it("is read once: Extract keeps the partial document, the Ocr step reads only its unread pages", async () => {
    // Prepare
    const progress = new RecordingProgress();
    const engine = fakeEngine();
    const event = { bucket: INGEST, key: KEY };

    // Act: Extract
    const extracted = await runExtract(event, { objects, progress, artifactsBucket: ARTIFACTS });

    // Assess: the text layer read once per page; the partial artifact lists every page as unread
    expect(textPass.pages).toBe(pageCount);
    expect(extracted).toMatchObject({ format: "pdf", needsOcr: true });
    const partial = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);
    expect(partial).toMatchObject({ format: "pdf", needsOcr: true, unreadPages: Array.from({ length: pageCount }, (_, i) => i + 1) });

    // Act: Ocr
    textPass.pages = 0;
    const recognised = await runOcr({ ...event, extracted }, { objects, progress, artifactsBucket: ARTIFACTS, ocr: engine });

    // Assess: no page's text layer read again, and the document a one-pass extraction gives
    expect(textPass.pages).toBe(0);
    expect(recognised).toMatchObject({ format: "pdf", pageCount, needsOcr: false });
    const merged = await objects.getJson<ExtractedDocument>(ARTIFACTS, extracted.artifactKey);
    expect(merged.unreadPages).toBeUndefined();
    expect(merged.needsOcr).toBeUndefined();
    const onePass = await extractDocument(scan, { fileName: "003.pdf", ocr: fakeEngine() });
    expect(merged).toEqual(JSON.parse(JSON.stringify(onePass)));
    // The pages the engine was asked for (all, or the table pages) are the pages marked as OCR'd
    expect(merged.pages.filter((page) => page.ocr?.engine === "fake").map((page) => page.number)).toEqual(engine.asked);
    expect(engine.asked.length).toBeGreaterThan(0);
  }, 120_000);

  it.skipIf(!hasPdfunite())("completes a PDF of text and scanned pages into the one-pass document, the text pages as laid out", async () => {
    // Prepare: the seed's born-digital pages followed by its scanned pages
    const seed = loadSeeds().find((s) => s.name.startsWith("003"))!;
    const digital = await seedPdf(seed);
    const dir = await mkdtemp(join(tmpdir(), "nianbao-mixed-"));
    try {
      await writeFile(join(dir, "a.pdf"), digital);
      await writeFile(join(dir, "b.pdf"), scan);
      await promisify(execFile)("pdfunite", [join(dir, "a.pdf"), join(dir, "b.pdf"), join(dir, "mixed.pdf")]);
      const mixed = new Uint8Array(await readFile(join(dir, "mixed.pdf")));
      const textPages = (await extractDocument(digital)).pages.length;

      // Act
      const partial = await extractDocument(mixed, { keepUnread: true });
      textPass.pages = 0;
      const merged = await completeDocumentOcr(partial, mixed, { ocr: fakeEngine() });

      // Assess
      expect(textPass.pages).toBe(0);
      expect(partial.unreadPages).toEqual(Array.from({ length: pageCount }, (_, i) => textPages + i + 1));
      expect(partial.warnings).toEqual([]);
      expect(merged.pages.slice(0, textPages)).toEqual(partial.pages.slice(0, textPages));
      expect(merged).toEqual(await extractDocument(mixed, { ocr: fakeEngine() }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("without keepUnread still refuses the scan when no engine is given", async () => {
    await expect(extractDocument(scan, { fileName: "003.pdf" })).rejects.toBeInstanceOf(OcrRequiredError);
  });
});

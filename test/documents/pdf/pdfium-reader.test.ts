/**
 * PDFium (the default text reader) against pdf.js (the reader it replaced) on every born-digital
 * test PDF: the three real WPS reports and the five seeds printed by chromium. Both must give the
 * same record, every figure's cellSources box within a point, and the same document text, save
 * one known difference: WPS prints 三、本年度办理结果 in a vertical font, which pdf.js cuts short
 * (三、本年) and PDFium reads whole.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRACT_LIMITS } from "../../../functions/documents/limits.ts";
import type { Block, ExtractedDocument } from "../../../functions/documents/model.ts";
import { PDF_TEXT_READER, readPdf, type PdfPageReading, type PdfTextReader } from "../../../functions/documents/pdf/read-pdf.ts";
import { openPdfium, withPdfium } from "../../../functions/documents/pdf/pdfium.ts";
import { readPdfiumPage } from "../../../functions/documents/pdf/pdfium-page.ts";
import { withoutType3Outlines } from "../../../functions/documents/pdf/type3-outlines.ts";
import { parseReport } from "../../../functions/report/index.ts";
import { loadSeeds, seedPdf } from "../../fixtures/generate/index.ts";
import { findChromium } from "../../fixtures/generate/render-pdf.ts";

const REAL_DIR = fileURLToPath(new URL("../../../../shared/corpus/real/", import.meta.url));
const STACKED_LABEL = "三、本年度办理结果";

const read = (bytes: Uint8Array, textReader: PdfTextReader) => readPdf(bytes, { limits: DEFAULT_EXTRACT_LIMITS, textReader });

function texts(blocks: readonly Block[]): string[] {
  return blocks.flatMap((b) => (b.kind === "paragraph" ? [b.text] : b.rows.flatMap((row) => row.map((cell) => cell.text))));
}

/** Both documents' texts, block by block; pdf.js's cut-short stacked label taken as PDFium reads it. */
function expectSameText(pdfjs: ExtractedDocument, pdfium: ExtractedDocument): void {
  expect(pdfium.pages.length).toBe(pdfjs.pages.length);
  pdfjs.pages.forEach((page, i) => {
    const theirs = texts(pdfium.pages[i]!.blocks);
    const ours = texts(page.blocks).map((text, j) => (text.length >= 2 && STACKED_LABEL.startsWith(text) && theirs[j] === STACKED_LABEL ? STACKED_LABEL : text));
    expect(theirs, `page ${page.number}`).toEqual(ours);
  });
}

/** The same record; each figure's box within a point. */
function expectSameRecord(pdfjs: ExtractedDocument, pdfium: ExtractedDocument): void {
  const a = parseReport(pdfjs).record;
  const b = parseReport(pdfium).record;
  const { cellSources: sourcesA, ...restA } = a;
  const { cellSources: sourcesB, ...restB } = b;
  expect(restB).toEqual(restA);
  expect(Object.keys(sourcesB ?? {}).sort()).toEqual(Object.keys(sourcesA ?? {}).sort());
  expect(Object.keys(sourcesA ?? {}).length).toBeGreaterThan(150);
  for (const [key, source] of Object.entries(sourcesA ?? {})) {
    const other = sourcesB![key]!;
    const { box, ...rest } = source;
    const { box: otherBox, ...otherRest } = other;
    expect(otherRest, key).toEqual(rest);
    expect(otherBox?.length, key).toBe(box?.length);
    box?.forEach((v, i) => expect(Math.abs(otherBox![i]! - v), `${key} box[${i}]`).toBeLessThanOrEqual(1));
  }
}

/** Every page as PDFium reads it (text items, rulings, image coverage), from exactly these bytes. */
function pdfiumPages(bytes: Uint8Array): Promise<PdfPageReading[]> {
  return withPdfium((pdfium) => {
    const doc = openPdfium(pdfium, bytes);
    try {
      return Array.from({ length: doc.pageCount }, (_, i) => readPdfiumPage(doc, i + 1));
    } finally {
      doc.close();
    }
  });
}

type Readings = { pdfjs: ExtractedDocument; pdfium: ExtractedDocument };
/** The real PDFs' readings, kept for the stacked-label test below. */
const realReadings = new Map<string, Readings>();

async function expectSameReading(bytes: Uint8Array): Promise<Readings> {
  const readings = { pdfjs: await read(bytes, PDF_TEXT_READER.PDFJS), pdfium: await read(bytes, PDF_TEXT_READER.PDFIUM) };
  expectSameText(readings.pdfjs, readings.pdfium);
  expectSameRecord(readings.pdfjs, readings.pdfium);
  return readings;
}

describe("PDFium reads every test PDF as pdf.js does", () => {
  it.each(["p02", "p03", "p04"])("real %s", async (name) => {
    realReadings.set(name, await expectSameReading(new Uint8Array(readFileSync(`${REAL_DIR}${name}.pdf`))));
  }, 60_000);

  if (!findChromium()) console.warn("!!! SKIPPING the seeds' PDFs: chromium is not installed");
  it.skipIf(!findChromium())("the five seeds printed by chromium", async () => {
    // Printed side by side: each print is its own chromium process, most of this test's time.
    const pdfs = await Promise.all(loadSeeds().map((seed) => seedPdf(seed)));
    for (const pdf of pdfs) await expectSameReading(pdf);
    // PDFium reads them with their Type 3 glyph outlines cut to the glyphs' d1 boxes: every page reads the same as from the whole file.
    for (const pdf of pdfs) {
      const { bytes: cut, cut: count } = withoutType3Outlines(pdf);
      expect(count).toBeGreaterThan(100);
      expect(cut.length).toBe(pdf.length);
      // As JSON: vitest's deep equality of some thousand text items and rulings is slower than the reading.
      expect(JSON.stringify(await pdfiumPages(cut))).toBe(JSON.stringify(await pdfiumPages(pdf)));
    }
  }, 180_000);

  it("the real WPS PDFs have no Type 3 glyph outlines to cut", () => {
    for (const name of ["p02", "p03", "p04"]) {
      const pdf = new Uint8Array(readFileSync(`${REAL_DIR}${name}.pdf`));
      const result = withoutType3Outlines(pdf);
      expect(result.cut).toBe(0);
      expect(result.bytes).toBe(pdf);
    }
  });

  it("the stacked label is where pdf.js and PDFium differ, and PDFium reads it whole", async () => {
    const bytes = new Uint8Array(readFileSync(`${REAL_DIR}p03.pdf`));
    const { pdfjs, pdfium } = realReadings.get("p03") ?? { pdfjs: await read(bytes, PDF_TEXT_READER.PDFJS), pdfium: await read(bytes, PDF_TEXT_READER.PDFIUM) };
    const all = (doc: ExtractedDocument) => doc.pages.flatMap((p) => texts(p.blocks));
    expect(all(pdfium)).toContain(STACKED_LABEL);
    expect(all(pdfjs)).not.toContain(STACKED_LABEL);
  }, 60_000);
});

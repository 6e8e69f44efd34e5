/**
 * A long scanned report: only the pages that hold tables (and the first and last page) go to OCR.
 */
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../../functions/documents/index.ts";
import type { OcrEngine, OcrImage } from "../../../functions/documents/ocr/engine.ts";
import { layoutReport, loadSeeds } from "../../fixtures/generate/index.ts";
import { findChromium, renderPdf } from "../../fixtures/generate/render-pdf.ts";
import { imagesToPdf, scanPdf } from "../../fixtures/generate/render-scan.ts";

/** Counts the pages it is asked to read; reads nothing. */
class CountingOcr implements OcrEngine {
  readonly name = "counting";
  readonly labels: string[] = [];
  async recognizeImage(image: OcrImage) {
    this.labels.push(image.label ?? "");
    return { blocks: [] };
  }
}

describe.skipIf(!findChromium())("OCR page selection", () => {
  it("OCRs only the table pages of a 12-page scan, with the first and last, and says which were skipped", async () => {
    const seed = loadSeeds().find((s) => s.name.startsWith("003"))!;
    const pdf = await renderPdf(layoutReport(seed.record, { narrativePages: 15 }));
    const scan = imagesToPdf(await scanPdf(pdf, { dpi: 100 }));

    const all = new CountingOcr();
    const allDoc = await extractDocument(scan, { ocr: all, ocrPages: "all" });
    const selective = new CountingOcr();
    const doc = await extractDocument(scan, { ocr: selective, ocrPages: "tables" });

    const pageCount = allDoc.pages.length;
    expect(pageCount).toBeGreaterThanOrEqual(11);
    expect(all.labels).toHaveLength(pageCount);
    expect(selective.labels.length).toBeLessThan(pageCount / 2);
    expect(selective.labels).toContain("page 1");
    expect(selective.labels).toContain(`page ${pageCount}`);
    // The statistics tables sit after the first narrative half: some middle pages must be chosen.
    expect(selective.labels.filter((l) => l !== "page 1" && l !== `page ${pageCount}`).length).toBeGreaterThanOrEqual(2);
    expect(doc.warnings.join(" ")).toMatch(/hold no tables and were not OCR'd/);
    console.info(`[ocr] ${pageCount}-page scan: ${selective.labels.length} of ${pageCount} pages OCR'd with table selection (${selective.labels.join(", ")})`);
  }, 120_000);
});

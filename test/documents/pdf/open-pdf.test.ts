import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRACT_LIMITS } from "../../../functions/documents/limits.ts";
import { loadPdfJs } from "../../../functions/documents/pdf/open-pdf.ts";
import { PDF_TEXT_READER, readPdf } from "../../../functions/documents/pdf/read-pdf.ts";

const REAL_PDF = fileURLToPath(new URL("../../../../shared/corpus/real/p03.pdf", import.meta.url));

describe("opening a PDF with pdf.js", () => {
  it("leaves the inflating of Flate streams to pdf.js's own decoder, not Node's DecompressionStream (a fifth less CPU per page)", async () => {
    await loadPdfJs();
    expect("DecompressionStream" in globalThis).toBe(false);
  });

  it("still reads a real WPS PDF's Flate-compressed text layer with its own decoder", async () => {
    // pdf.js, not the default PDFium: it is pdf.js's decoder this checks.
    const doc = await readPdf(new Uint8Array(readFileSync(REAL_PDF)), { limits: DEFAULT_EXTRACT_LIMITS, textReader: PDF_TEXT_READER.PDFJS });
    const text = doc.pages.flatMap((p) => p.blocks).map((b) => JSON.stringify(b)).join("\n");
    expect(doc.pages.length).toBe(5);
    expect(text).toContain("政府信息公开");
    expect("DecompressionStream" in globalThis).toBe(false);
  });
});

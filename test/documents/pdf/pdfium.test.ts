import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UnreadableDocumentError } from "../../../functions/shared/errors.ts";
import { DEFAULT_EXTRACT_LIMITS } from "../../../functions/documents/limits.ts";
import { loadPdfium, withPdfium } from "../../../functions/documents/pdf/pdfium.ts";
import { readPdf } from "../../../functions/documents/pdf/read-pdf.ts";

const REAL_PDF = fileURLToPath(new URL("../../../../shared/corpus/real/p04.pdf", import.meta.url));

describe("PDFium in a long-lived process", () => {
  it("refuses the file when PDFium traps, and the next PDF gets a fresh instance that reads", async () => {
    const before = await loadPdfium();
    // A page count asked of a handle that is no document: PDFium reads outside its memory and traps.
    const trapped = withPdfium((pdfium) => pdfium.FPDF_GetPageCount(0x7fffffff));
    await expect(trapped).rejects.toBeInstanceOf(UnreadableDocumentError);
    await expect(trapped).rejects.toMatchObject({ cause: { name: "RuntimeError" } });
    expect(await loadPdfium()).not.toBe(before);
    const doc = await readPdf(new Uint8Array(readFileSync(REAL_PDF)), { limits: DEFAULT_EXTRACT_LIMITS });
    expect(doc.pages.length).toBe(6);
    expect(JSON.stringify(doc.pages)).toContain("淮安市");
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { ReaderUnavailableError, UnreadableDocumentError } from "../../../functions/shared/errors.ts";
import { DEFAULT_EXTRACT_LIMITS } from "../../../functions/documents/limits.ts";
import { loadPdfium, startPdfium, withPdfium } from "../../../functions/documents/pdf/pdfium.ts";
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

describe("PDFium that cannot start", () => {
  /** The error of a start that fails: the reader's fault, said so, never the file's. */
  async function expectReaderFault(start: Promise<unknown>, detail: RegExp): Promise<void> {
    const error = await start.then(
      () => expect.fail("PDFium started"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReaderUnavailableError);
    expect(error).not.toBeInstanceOf(UnreadableDocumentError);
    expect((error as Error).name).toBe("ReaderUnavailableError");
    expect((error as Error).message).toMatch(/PDF 阅读器（PDFium）无法启动，文件未被读取/);
    expect((error as Error).message).not.toMatch(/损坏/);
    expect((error as Error).message).toMatch(detail);
  }

  it("says the reader could not start when its WebAssembly file is missing", async () => {
    await expectReaderFault(startPdfium("/nonexistent/pdfium.wasm"), /缺少 \/nonexistent\/pdfium\.wasm/);
  });

  it("says the reader could not start when its WebAssembly file does not load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nianbao-pdfium-"));
    try {
      const broken = join(dir, "pdfium.wasm");
      // A WebAssembly header followed by a section that runs past the end of the file.
      writeFileSync(broken, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 2, 3]));
      // Emscripten's own lines ("Aborted(…)", its warnings) go into the error, not onto stderr beside it.
      const written: string[] = [];
      const spies = [
        vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
          written.push(String(chunk));
          return true;
        }),
        vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void written.push(args.join(" "))),
        vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void written.push(args.join(" "))),
      ];
      try {
        await expectReaderFault(startPdfium(broken), /CompileError/);
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      expect(written).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

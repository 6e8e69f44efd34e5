import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readDocx } from "../../../functions/documents/docx/read-docx.ts";
import { DEFAULT_EXTRACT_LIMITS } from "../../../functions/documents/limits.ts";
import type { OcrEngine, OcrImage } from "../../../functions/documents/ocr/engine.ts";
import { UnreadableDocumentError } from "../../../functions/shared/errors.ts";
import { buildZip, documentXml, minimalDocx, p, tbl, tc, tr } from "../helpers/zip.ts";

const limits = DEFAULT_EXTRACT_LIMITS;
const enc = (s: string) => new TextEncoder().encode(s);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function pictureDocx(widthEmu: number, text = "") {
  const drawing =
    `<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:extent cx="${widthEmu}" cy="8000000"/>` +
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>';
  return minimalDocx(documentXml((text ? p(text) : "") + drawing + drawing), [
    {
      name: "word/_rels/document.xml.rels",
      data: enc(
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>',
      ),
    },
    { name: "word/media/image1.png", data: PNG },
  ]);
}

/** Records what it was asked to read and answers with one table per picture. */
class RecordingOcr implements OcrEngine {
  readonly name = "recording";
  readonly seen: OcrImage[] = [];
  async recognizeImage(image: OcrImage) {
    this.seen.push(image);
    return { blocks: [{ kind: "table" as const, rows: [[{ text: `图${this.seen.length}` }]] }], confidence: 91 };
  }
}

describe("readDocx", () => {
  it("reads the tables of a package's main part", async () => {
    const docx = minimalDocx(documentXml(p("（七）总计") + tbl(tr(tc("规章"), tc("0"), tc("")), tr(tc("规范性文件"), tc("7"), tc("21")))));
    const doc = await readDocx(docx, { limits });
    expect(doc.format).toBe("docx");
    expect(doc.pages).toEqual([
      {
        number: 1,
        blocks: [
          { kind: "paragraph", text: "（七）总计" },
          { kind: "table", rows: [[{ text: "规章" }, { text: "0" }, { text: "" }], [{ text: "规范性文件" }, { text: "7" }, { text: "21" }]] },
        ],
      },
    ]);
  });

  it("sends page-sized pictures to OCR in document order, one page each", async () => {
    const ocr = new RecordingOcr();
    const doc = await readDocx(pictureDocx(6 * 914_400, "扫描件"), { limits, ocr });
    expect(ocr.seen.map((i) => [i.mediaType, i.label])).toEqual([
      ["image/png", "word/media/image1.png"],
      ["image/png", "word/media/image1.png"],
    ]);
    expect(doc.pages.map((page) => [page.number, page.ocr?.engine, page.blocks[0]?.kind])).toEqual([
      [1, undefined, "paragraph"],
      [2, "recording", "table"],
      [3, "recording", "table"],
    ]);
  });

  it("says OCR is needed when a scanned DOCX arrives without an OCR engine", async () => {
    await expect(readDocx(pictureDocx(6 * 914_400), { limits })).rejects.toThrow(/OCR is needed/);
  });

  it("does not OCR small pictures such as seals", async () => {
    const ocr = new RecordingOcr();
    const doc = await readDocx(pictureDocx(914_400, "落款"), { limits, ocr });
    expect(ocr.seen).toHaveLength(0);
    expect(doc.pages).toHaveLength(1);
  });

  it("names an Excel workbook for what it is", async () => {
    const xlsx = buildZip([{ name: "xl/workbook.xml", data: enc("<workbook/>") }]);
    await expect(readDocx(xlsx, { limits })).rejects.toThrow(/Excel workbook/);
  });

  it("rejects an entry whose inflated size exceeds its declared size", async () => {
    const zeros = new Uint8Array(4 * 1024 * 1024);
    const lying = buildZip([{ name: "word/document.xml", data: deflateRawSync(zeros), raw: { uncompressedSize: 1000 } }]);
    const error = await readDocx(lying, { limits }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect((error as Error).message).toMatch(/zip bomb/);
  });

  it("stops inflating at the per-entry cap even where the header is honest", async () => {
    const zeros = new Uint8Array(3 * 1024 * 1024);
    const docx = buildZip([{ name: "word/document.xml", data: zeros }]);
    await expect(readDocx(docx, { limits: { ...limits, maxEntryBytes: 1024 * 1024 } })).rejects.toThrow(/zip bomb/);
  });
});

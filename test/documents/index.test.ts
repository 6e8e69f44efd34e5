import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { documentXml, minimalDocx, tbl, tc, tr } from "./helpers/zip.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const DOCX = minimalDocx(documentXml(tbl(tr(tc("行政许可"), tc("39")))));

/** An OLE compound file header followed by directory names in UTF-16LE. */
function oleWith(...streams: string[]) {
  const header = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504)]);
  return new Uint8Array([...header, ...Buffer.from(streams.join("\0"), "utf16le")]);
}

describe("extractDocument", () => {
  it("picks the reader by content, not by name", async () => {
    const html = enc("<!DOCTYPE html><html><body><table><tr><td>规章</td><td>0</td></tr></table></body></html>");
    expect((await extractDocument(html, { fileName: "report.txt" })).format).toBe("html");
    expect((await extractDocument(DOCX, { fileName: "report" })).format).toBe("docx");
    expect((await extractDocument(DOCX, { fileName: "report.doc" })).format).toBe("docx");
    expect((await extractDocument(enc("一、总体情况\n规章\t0\t0\t0\n"))).format).toBe("text");
  });

  it("rejects a PNG named .pdf, naming both", async () => {
    const error = await extractDocument(PNG, { fileName: "年度报告.pdf" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableDocumentError);
    expect((error as Error).message).toBe("文件扩展名为 .pdf，但内容是 PNG 图片 (file is named .pdf but is a PNG image)");
  });

  it("rejects a DOCX named .html", async () => {
    await expect(extractDocument(DOCX, { fileName: "a.HTML" })).rejects.toThrow("file is named .html but is a ZIP archive");
  });

  it("rejects an empty file", async () => {
    await expect(extractDocument(new Uint8Array(0))).rejects.toThrow("the file is empty: 0 bytes");
  });

  it("rejects a file over the size limit before reading it", async () => {
    await expect(extractDocument(DOCX, { limits: { maxBytes: 100 } })).rejects.toThrow(/more than the 100 B allowed/);
  });

  it("rejects binary garbage", async () => {
    const garbage = new Uint8Array(randomBytes(4096));
    garbage[0] = 0x01; // not a signature of any format
    await expect(extractDocument(garbage)).rejects.toThrow(/binary data in no supported format/);
  });

  it("says an image needs OCR when none is configured", async () => {
    await expect(extractDocument(PNG, { fileName: "scan.png" })).rejects.toThrow(/needs OCR/);
  });

  it("explains password-protected and old-format Office files", async () => {
    await expect(extractDocument(oleWith("EncryptionInfo", "EncryptedPackage"), { fileName: "a.docx" })).rejects.toThrow(/password-protected/);
    await expect(extractDocument(oleWith("WordDocument", "1Table"), { fileName: "a.doc" })).rejects.toThrow(/Word 97-2003/);
  });

  it("explains archives and RTF", async () => {
    await expect(extractDocument(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]))).rejects.toThrow(/compressed archive/);
    await expect(extractDocument(enc("{\\rtf1\\ansi 规章}"))).rejects.toThrow(/RTF/);
  });
});

/**
 * Bad files: each is refused with an UnreadableDocumentError whose message says what is wrong in
 * words a user understands (Chinese, then English), without a crash and within bounded memory.
 */
import { readFileSync } from "node:fs";
import { createDeflateRaw } from "node:zlib";
import { Document, Packer, Paragraph } from "docx";
import { beforeAll, describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import { NotAnnualReportError, UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { buildZip, documentXml, minimalDocx, p } from "./helpers/zip.ts";
import { encryptedPdf, pagelessPdf, simplePdf } from "./helpers/pdf.ts";

async function refusal(bytes: Uint8Array, fileName?: string): Promise<UnreadableDocumentError> {
  const error = await extractDocument(bytes, { fileName }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnreadableDocumentError);
  return error as UnreadableDocumentError;
}

/** Deflates `megabytes` of zeros by streaming (the bomb's payload), returning the compressed bytes. */
async function deflatedZeros(megabytes: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 9, memLevel: 9 });
  const chunks: Buffer[] = [];
  deflate.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => deflate.on("end", resolve));
  const zero = Buffer.alloc(1 << 20);
  for (let i = 0; i < megabytes; i += 1) {
    if (!deflate.write(zero)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

/** Runs `work` while sampling the resident set size; returns how far it rose. */
async function rssGrowth(work: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

const MB = 1024 * 1024;
/** The signature and header chunk of a 1×1 PNG. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);

describe("bad PDFs", () => {
  it("refuses a truncated PDF", async () => {
    const pdf = simplePdf(["Annual report", "line two"]);
    const error = await refusal(pdf.subarray(0, Math.floor(pdf.length * 0.6)), "report.pdf");
    expect(error.message).toMatch(/PDF 文件不完整.*the PDF is truncated/);
  });

  it("refuses a PDF whose structure is broken", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage\n%%EOF\n");
    expect((await refusal(bytes)).message).toMatch(/damaged or truncated|no pages/);
  });

  it("refuses a password-protected PDF", async () => {
    const error = await refusal(encryptedPdf("secret"), "report.pdf");
    expect(error.message).toBe("PDF 文件有密码保护（已加密），无法读取；请去掉密码后重新上传 (the PDF is password-protected; remove the password and upload it again)");
  });

  it("refuses a PDF with no pages", async () => {
    expect((await refusal(pagelessPdf())).message).toMatch(/the PDF has no pages/);
  });

  it("refuses a PNG renamed .pdf, naming what it really is", async () => {
    expect((await refusal(PNG, "2019年报.pdf")).message).toBe("文件扩展名为 .pdf，但内容是 PNG 图片 (file is named .pdf but is a PNG image)");
  });

  it("reads a sound PDF of the same construction (the refusals are not the helper's fault)", async () => {
    const doc = await extractDocument(simplePdf(["Annual report 2019", "Total 19"]), { fileName: "ok.pdf" });
    expect(doc.pages[0]!.blocks).toEqual([
      { kind: "paragraph", text: "Annual report 2019" },
      { kind: "paragraph", text: "Total 19" },
    ]);
  });
});

describe("empty and unknown files", () => {
  it("refuses a 0-byte file", async () => {
    expect((await refusal(new Uint8Array(0), "report.docx")).message).toBe("文件为空（0 字节） (the file is empty: 0 bytes)");
  });

  it("refuses binary garbage", async () => {
    const garbage = new Uint8Array(8192).map((_, i) => (i * 7919 + 13) % 256);
    expect((await refusal(garbage, "report.bin")).message).toMatch(/binary data in no supported format/);
  });
});

describe("hostile DOCX", () => {
  let bombPayload: Uint8Array;
  beforeAll(async () => {
    bombPayload = await deflatedZeros(256);
  });

  it("refuses a zip bomb that declares its size, before inflating it", async () => {
    const bomb = buildZip([
      { name: "_rels/.rels", data: new TextEncoder().encode("<Relationships/>") },
      { name: "word/document.xml", data: bombPayload, raw: { uncompressedSize: 256 * MB } },
    ]);
    expect(bomb.length).toBeLessThan(MB);
    let error: UnreadableDocumentError | undefined;
    const growth = await rssGrowth(async () => {
      error = await refusal(bomb, "bomb.docx");
    });
    expect(error?.message).toMatch(/suspected zip bomb/);
    expect(growth).toBeLessThan(64 * MB);
  });

  it("refuses a zip bomb that lies about its size, stopping the inflation early", async () => {
    const bomb = buildZip([{ name: "word/document.xml", data: bombPayload, raw: { uncompressedSize: 10_000 } }]);
    let error: UnreadableDocumentError | undefined;
    const growth = await rssGrowth(async () => {
      error = await refusal(bomb, "bomb.docx");
    });
    expect(error?.message).toMatch(/suspected zip bomb/);
    expect(growth).toBeLessThan(64 * MB);
  });

  it("refuses a DOCX with an external entity (XXE) and never reads the file it names", async () => {
    const xml = documentXml(p("&xxe;"), '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>');
    const error = await refusal(minimalDocx(xml), "xxe.docx");
    expect(error.message).toMatch(/DOCTYPE/);
    expect(error.message).not.toContain(readFileSync("/etc/hostname", "utf8").trim() || "\u0000");
  });

  it("refuses a DOCX with an entity expansion bomb (billion laughs)", async () => {
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>';
    expect((await refusal(minimalDocx(documentXml(p("&lol3;"), lol)))).message).toMatch(/DOCTYPE/);
  });

  it("refuses a damaged DOCX", async () => {
    const docx = minimalDocx(documentXml(p("正文")));
    expect((await refusal(docx.subarray(0, docx.length - 30), "report.docx")).message).toMatch(/damaged or truncated/);
  });

  it("reads a DOCX with no tables, which the parser then rejects as not an annual report", async () => {
    const notice = new Document({
      sections: [{ children: [new Paragraph("关于召开2020年度工作会议的通知"), new Paragraph("各科室：定于1月20日召开年度工作会议，请准时参加。")] }],
    });
    const doc = await extractDocument(new Uint8Array(await Packer.toBuffer(notice)), { fileName: "notice.docx" });
    expect(doc.pages[0]!.blocks.map((b) => b.kind)).toEqual(["paragraph", "paragraph"]);
    const error = (() => {
      try {
        parseReport(doc);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotAnnualReportError);
    expect((error as Error).message).toMatch(/not a government information disclosure annual report/);
  });
});

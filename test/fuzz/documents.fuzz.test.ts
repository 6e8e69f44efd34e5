/**
 * Fuzz: malformed documents through the readers and the parser, in process. Generated image
 * headers (any declared size), mutated DOCX packages (lying sizes, XML entity bombs, deep
 * nesting), PDFs with huge page counts or page boxes, HTML nested thousands deep, random bytes
 * behind each format's signature. Each file gives a record or a NianbaoError with a reason;
 * nothing else escapes, and no file grows the resident set by 600 MB.
 */
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import { NianbaoError } from "../../functions/shared/errors.ts";
import { buildPdf } from "../documents/helpers/pdf.ts";
import { buildZip } from "../documents/helpers/zip.ts";
import { ihdrChunk, PNG_SIGNATURE, pngChunk } from "../documents/helpers/png.ts";

const COUNT = Number(process.env.FUZZ_DOCUMENTS ?? 120);
const RSS_LIMIT = 600 * 1024 * 1024;

const png = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(1, 8, 16), fc.constantFrom(0, 2, 6), fc.uint8Array({ maxLength: 300 })).map(([w, h, depth, colour, tail]) => {
  return new Uint8Array(Buffer.concat([PNG_SIGNATURE, ihdrChunk(w, h, depth, colour), pngChunk("IDAT", deflateSync(Buffer.from(tail))), Buffer.from(tail)]));
});

const jpeg = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 300 })).map(([w, h, tail]) => {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]), sof, Buffer.from(tail), Buffer.from([0xff, 0xd9])]));
});

const CONTENT_TYPES = `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`;
const RELS = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const W = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`;
const docxBody = fc.oneof(
  // Billion laughs.
  fc.integer({ min: 3, max: 10 }).map((depth) => {
    const entities = Array.from({ length: depth }, (_, i) => `<!ENTITY e${i + 1} "${`&e${i};`.repeat(10)}">`).join("");
    return `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY e0 "lol">${entities}]><w:document ${W}><w:body><w:p><w:r><w:t>&e${depth};</w:t></w:r></w:p></w:body></w:document>`;
  }),
  // Tables nested deep.
  fc.integer({ min: 10, max: 3000 }).map((depth) => `<?xml version="1.0"?><w:document ${W}><w:body>${"<w:tbl><w:tr><w:tc>".repeat(depth)}<w:p><w:r><w:t>一、</w:t></w:r></w:p>${"</w:tc></w:tr></w:tbl>".repeat(depth)}</w:body></w:document>`),
  // Cut-off or garbage XML.
  fc.string({ maxLength: 400 }).map((junk) => `<?xml version="1.0"?><w:document ${W}><w:body>${junk}`),
);
const docx = fc.tuple(docxBody, fc.boolean(), fc.integer({ min: 0, max: 0xffffffff })).map(([xml, lie, size]) =>
  buildZip([
    { name: "[Content_Types].xml", data: new TextEncoder().encode(CONTENT_TYPES) },
    { name: "_rels/.rels", data: new TextEncoder().encode(RELS) },
    lie ? { name: "word/document.xml", data: deflateSync(Buffer.from(xml)).subarray(2), raw: { uncompressedSize: size } } : { name: "word/document.xml", data: new TextEncoder().encode(xml) },
  ]),
);

const pdf = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 10 ** 7 }), fc.integer({ min: 1, max: 10 ** 7 }), fc.string({ maxLength: 200 })).map(([count, w, h, junk]) =>
  buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [3 0 R] /Count ${count} >>`,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Contents 4 0 R >>`,
    `<< /Length ${junk.length} >>\nstream\n${junk.replace(/[^\x20-\x7e]/g, "")}\nendstream`,
  ]),
);

const html = fc.tuple(fc.integer({ min: 1, max: 20000 }), fc.constantFrom("div", "table", "span", "td")).map(([depth, tag]) => new TextEncoder().encode(`<html><head><title>2023年政府信息公开工作年度报告</title></head><body>${`<${tag}>`.repeat(depth)}一、总体情况${`</${tag}>`.repeat(depth)}</body></html>`));

const signatureAndJunk = fc.tuple(fc.constantFrom("%PDF-1.7\n", "PK\u0003\u0004", "\u00d0\u00cf\u0011\u00e0", "GIF89a", "II*\u0000", "MM\u0000*", "{\\rtf1", "<html>", "\uFEFF"), fc.uint8Array({ maxLength: 2000 })).map(([head, tail]) => new Uint8Array([...Buffer.from(head, "latin1"), ...tail]));

const file = fc.oneof(
  png.map((bytes) => ({ bytes, fileName: "scan.png" })),
  jpeg.map((bytes) => ({ bytes, fileName: "scan.jpg" })),
  docx.map((bytes) => ({ bytes, fileName: "report.docx" })),
  pdf.map((bytes) => ({ bytes, fileName: "report.pdf" })),
  html.map((bytes) => ({ bytes, fileName: "report.html" })),
  signatureAndJunk.map((bytes) => ({ bytes, fileName: undefined })),
);

describe("readers and parser under malformed documents", () => {
  it(`gives each of ${COUNT} malformed documents a record or a reason, within bounded memory`, async () => {
    const outcomes = { record: 0, refused: 0 };
    let worstGrowth = 0;
    await fc.assert(
      fc.asyncProperty(file, async ({ bytes, fileName }) => {
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
        try {
          const doc = await extractDocument(bytes, { ...(fileName ? { fileName } : {}) });
          parseReport(doc);
          outcomes.record += 1;
        } catch (error) {
          // A reason the user can act on, never a crash of another kind.
          expect(error, String(error)).toBeInstanceOf(NianbaoError);
          expect((error as Error).message.length).toBeGreaterThan(0);
          outcomes.refused += 1;
        } finally {
          clearInterval(sampler);
        }
        peak = Math.max(peak, process.memoryUsage().rss);
        worstGrowth = Math.max(worstGrowth, peak - before);
        expect(peak - before, fileName).toBeLessThan(RSS_LIMIT);
      }),
      // No counterexample dump: a generated file can be megabytes; the assertion names its reader.
      { numRuns: COUNT, seed: 20261201, verbose: 0, includeErrorInReport: true },
    );
    console.log(`fuzz: ${COUNT} documents tried; ${outcomes.record} records, ${outcomes.refused} refused with a reason; worst RSS growth ${(worstGrowth / 2 ** 20).toFixed(0)} MB`);
  }, 600_000);
});

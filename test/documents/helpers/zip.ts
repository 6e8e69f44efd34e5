/**
 * Builds ZIP archives byte by byte, so tests can make packages a normal writer refuses to
 * make: entries whose declared sizes lie, bombs, parts with DOCTYPEs.
 */
import { crc32, deflateRawSync } from "node:zlib";

export type ZipEntryInput = {
  name: string;
  data: Uint8Array;
  /** Store the data as already-deflated bytes with these declared sizes (for lying headers). */
  raw?: { uncompressedSize: number; crc?: number };
};

export function buildZip(entries: ZipEntryInput[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const compressed = entry.raw ? Buffer.from(entry.data) : deflateRawSync(entry.data);
    const size = entry.raw ? entry.raw.uncompressedSize : entry.data.length;
    const crc = entry.raw ? (entry.raw.crc ?? 0) : crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, centralBytes, end]));
}

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

/** Wraps body XML in a document part. */
export function documentXml(body: string, prolog = ""): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${prolog}<w:document ${W} ${R}><w:body>${body}</w:body></w:document>`;
}

/** A minimal DOCX package around a document part (plus extra parts such as media and rels). */
export function minimalDocx(document: string, extra: ZipEntryInput[] = []): Uint8Array {
  const enc = (s: string) => new TextEncoder().encode(s);
  return buildZip([
    {
      name: "[Content_Types].xml",
      data: enc(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    {
      name: "_rels/.rels",
      data: enc(
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
      ),
    },
    { name: "word/document.xml", data: enc(document) },
    ...extra,
  ]);
}

/** Cell XML: `tc("text", { span: 2, vMerge: "restart" })`. */
export function tc(text: string, props: { span?: number; vMerge?: "restart" | "continue" } = {}): string {
  const pr = [
    props.span ? `<w:gridSpan w:val="${props.span}"/>` : "",
    props.vMerge === "restart" ? '<w:vMerge w:val="restart"/>' : props.vMerge === "continue" ? "<w:vMerge/>" : "",
  ].join("");
  const paragraph = text === "" ? "<w:p/>" : `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
  return `<w:tc>${pr ? `<w:tcPr>${pr}</w:tcPr>` : ""}${paragraph}</w:tc>`;
}

export function tr(...cells: string[]): string {
  return `<w:tr>${cells.join("")}</w:tr>`;
}

export function tbl(...rows: string[]): string {
  return `<w:tbl><w:tblGrid/>${rows.join("")}</w:tbl>`;
}

export function p(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
}

/**
 * Strict, non-expanding XML parsing for package parts. A DOCX part never needs a DTD, so any
 * DOCTYPE is refused outright (no entity expansion, no external entities: XXE and "billion laughs"
 * cannot happen); an undefined entity reference is a parse error.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";
import { UnreadableDocumentError } from "../../shared/errors.ts";

export type XmlHandlers = {
  open(tag: SaxesTagNS): void;
  close(tag: SaxesTagNS): void;
  text(text: string): void;
};

/** Decodes a part's bytes (UTF-8, or UTF-16 by BOM as the XML spec allows). */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  return new TextDecoder("utf-8").decode(bytes);
}

/** Streams `xml` through `handlers`; throws UnreadableDocumentError for a DOCTYPE or malformed XML. */
export function parseXml(xml: string, partName: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser({ xmlns: true, position: false });
  parser.on("doctype", () => {
    throw new UnreadableDocumentError(
      `文件的 ${partName} 含有 DOCTYPE/实体声明，出于安全原因拒绝读取 (${partName} declares a DOCTYPE or entities, which Word never writes; refused for safety)`,
    );
  });
  parser.on("error", (error) => {
    throw new UnreadableDocumentError(
      `文件的 ${partName} 不是有效的 XML，文件可能已损坏 (${partName} is not well-formed XML: ${error.message})`,
      { cause: error },
    );
  });
  parser.on("opentag", (tag) => handlers.open(tag));
  parser.on("closetag", (tag) => handlers.close(tag));
  parser.on("text", (text) => handlers.text(text));
  parser.on("cdata", (text) => handlers.text(text));
  // Feed in slices so a huge part never becomes one giant parser buffer.
  const SLICE = 1 << 20;
  for (let i = 0; i < xml.length; i += SLICE) parser.write(xml.slice(i, i + SLICE));
  parser.close();
}

/** The value of the attribute with this local name (any prefix), e.g. `w:val` -> attr(tag, "val"). */
export function attr(tag: SaxesTagNS, local: string): string | undefined {
  for (const a of Object.values(tag.attributes)) {
    if (a.local === local) return a.value;
  }
  return undefined;
}

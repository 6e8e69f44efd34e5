/**
 * Decodes a web page's bytes: BOM, then valid UTF-8, then the charset the page declares
 * (`<meta charset>`, `http-equiv` Content-Type, or a caller's hint such as an HTTP header),
 * then detection. Chinese labels are mapped to the decoder that reads their superset
 * (GB2312/GBK -> GB18030, Big5 -> Big5-HKSCS), as browsers do.
 */
import chardet from "chardet";
import iconv from "iconv-lite";

const META_CHARSET = /<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i;

/** Maps a charset label to an iconv-lite encoding, or undefined for labels we do not trust. */
export function normaliseCharset(label: string): string | undefined {
  const l = label.trim().toLowerCase();
  if (["utf-8", "utf8", "unicode-1-1-utf-8"].includes(l)) return "utf-8";
  if (["gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "ms936", "windows-936", "gb18030", "chinese", "csgb2312", "iso-ir-58", "euc-cn"].includes(l)) {
    return "gb18030";
  }
  if (["big5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5", "cp950"].includes(l)) return "big5hkscs";
  if (["utf-16", "utf-16le"].includes(l)) return "utf-16le";
  if (l === "utf-16be") return "utf-16be";
  if (iconv.encodingExists(l)) return l;
  return undefined;
}

/** Whether the bytes are valid UTF-8 and hold at least one multi-byte character. */
function isMultibyteUtf8(bytes: Uint8Array): boolean {
  let multibyte = false;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i]! >= 0x80) {
      multibyte = true;
      break;
    }
  }
  if (!multibyte) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Picks a Chinese-capable decoder from chardet's candidates, defaulting to GB18030 (the commonest legacy one). */
function detectCharset(bytes: Uint8Array): string {
  const sample = bytes.subarray(0, 256 * 1024);
  for (const match of chardet.analyse(sample)) {
    const name = match.name.toLowerCase();
    if (name === "gb18030" || name === "big5" || name === "utf-8") return normaliseCharset(name) ?? "gb18030";
  }
  return "gb18030";
}

export type DecodedText = { text: string; charset: string };

/** Decodes HTML bytes to a string, reporting the charset used. */
export function decodeHtml(bytes: Uint8Array, hint?: string): DecodedText {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: buffer.subarray(3).toString("utf8"), charset: "utf-8" };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: iconv.decode(buffer.subarray(2), "utf-16le"), charset: "utf-16le" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(buffer.subarray(2), "utf-16be"), charset: "utf-16be" };
  // Valid multi-byte UTF-8 is almost never legacy Chinese text by accident, and pages are often mislabelled.
  if (isMultibyteUtf8(bytes)) return { text: buffer.toString("utf8"), charset: "utf-8" };
  const declared = (hint && normaliseCharset(hint)) || declaredCharset(buffer);
  const charset = declared && declared !== "utf-8" ? declared : detectCharset(bytes);
  return { text: iconv.decode(buffer, charset), charset };
}

function declaredCharset(buffer: Buffer): string | undefined {
  const head = buffer.subarray(0, 4096).toString("latin1");
  const match = META_CHARSET.exec(head);
  return match?.[1] ? normaliseCharset(match[1]) : undefined;
}

/**
 * Content sniffing: what a file is, judged by its bytes, never by its name.
 */
export const CONTENT_KIND = {
  PDF: "pdf",
  ZIP: "zip",
  OLE: "ole",
  PNG: "png",
  JPEG: "jpeg",
  TIFF: "tiff",
  OTHER_IMAGE: "other-image",
  RTF: "rtf",
  ARCHIVE: "archive",
  HTML: "html",
  TEXT: "text",
  BINARY: "binary",
  EMPTY: "empty",
} as const;
export type ContentKind = (typeof CONTENT_KIND)[keyof typeof CONTENT_KIND];

/** What a user calls each kind, in messages ("内容是 PNG 图片 (a PNG image)"). */
export const CONTENT_KIND_LABEL: Record<ContentKind, { zh: string; en: string }> = {
  pdf: { zh: "PDF 文档", en: "a PDF document" },
  zip: { zh: "ZIP 压缩包（Word/Excel 等 Office 文档）", en: "a ZIP archive (an Office document such as DOCX)" },
  ole: { zh: "旧版 Office 文件（.doc/.xls）或加密的 Office 文件", en: "an old Office file (.doc/.xls) or an encrypted Office file" },
  png: { zh: "PNG 图片", en: "a PNG image" },
  jpeg: { zh: "JPEG 图片", en: "a JPEG image" },
  tiff: { zh: "TIFF 图片", en: "a TIFF image" },
  "other-image": { zh: "图片（GIF/BMP/WebP）", en: "an image (GIF/BMP/WebP)" },
  rtf: { zh: "RTF 文档", en: "an RTF document" },
  archive: { zh: "压缩包（gzip/RAR/7z）", en: "a compressed archive (gzip/RAR/7z)" },
  html: { zh: "网页（HTML）", en: "a web page (HTML)" },
  text: { zh: "纯文本", en: "plain text" },
  binary: { zh: "无法识别的二进制数据", en: "unrecognised binary data" },
  empty: { zh: "空文件", en: "an empty file" },
};

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function asciiHead(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, length)).toString("latin1");
}

/** Where `%PDF-` starts; the PDF spec tolerates junk before the header (within 1 KB). */
export function findPdfHeader(bytes: Uint8Array): number {
  return asciiHead(bytes, 1024).indexOf("%PDF-");
}

const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|table|div|p|center|font|style|script)\b/i;
const HTML_ANYWHERE = /<(?:!doctype\s+html|html[\s>]|table[\s>]|body[\s>])/i;

/** Whether decoded text looks like HTML (a tag at the start, or an html/table/body tag early on). */
export function looksLikeHtml(head: string): boolean {
  return HTML_START.test(head) || HTML_ANYWHERE.test(head);
}

/** Share of bytes that never occur in text (C0 controls other than tab/LF/CR/FF/ESC, and DEL). */
function controlByteRatio(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, 64 * 1024);
  if (n === 0) return 0;
  let bad = 0;
  for (let i = 0; i < n; i += 1) {
    const b = bytes[i]!;
    if ((b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b) || b === 0x7f)) bad += 1;
  }
  return bad / n;
}

function hasUtf16Bom(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
}

/** Decodes the first few KB for sniffing (UTF-16 by BOM, else latin1, which keeps ASCII tags intact). */
function sniffHead(bytes: Uint8Array): string {
  const slice = bytes.subarray(0, 8192);
  if (startsWith(slice, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(slice);
  if (startsWith(slice, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(slice);
  return asciiHead(slice, 8192).replace(/^\xef\xbb\xbf/, "");
}

/** Judges a file's kind from its bytes. */
export function detectContentKind(bytes: Uint8Array): ContentKind {
  if (bytes.length === 0) return CONTENT_KIND.EMPTY;
  if (findPdfHeader(bytes) >= 0) return CONTENT_KIND.PDF;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return CONTENT_KIND.ZIP;
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return CONTENT_KIND.OLE;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return CONTENT_KIND.PNG;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return CONTENT_KIND.JPEG;
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return CONTENT_KIND.TIFF;
  if (
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) || // GIF8
    startsWith(bytes, [0x42, 0x4d]) && bytes.length > 26 && controlByteRatio(bytes) > 0.05 || // BM (bitmap; "BM" alone could start text)
    (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) // RIFF....WEBP
  ) {
    return CONTENT_KIND.OTHER_IMAGE;
  }
  if (asciiHead(bytes, 5) === "{\\rtf") return CONTENT_KIND.RTF;
  if (
    startsWith(bytes, [0x1f, 0x8b]) || // gzip
    startsWith(bytes, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]) || // Rar!
    startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) // 7z
  ) {
    return CONTENT_KIND.ARCHIVE;
  }
  const utf16 = hasUtf16Bom(bytes);
  if (!utf16 && controlByteRatio(bytes) > 0.02) return CONTENT_KIND.BINARY;
  return looksLikeHtml(sniffHead(bytes)) ? CONTENT_KIND.HTML : CONTENT_KIND.TEXT;
}

/** The kinds a file extension promises; undefined where the extension promises nothing we check. */
export function kindsForExtension(extension: string): readonly ContentKind[] | undefined {
  switch (extension) {
    case ".pdf":
      return [CONTENT_KIND.PDF];
    case ".docx":
    case ".docm":
    case ".dotx":
      // A password-protected DOCX is an OLE container; let the OLE reader explain that.
      return [CONTENT_KIND.ZIP, CONTENT_KIND.OLE];
    case ".doc":
    case ".wps":
      // Many sites serve DOCX named .doc, and Word opens it: accept both.
      return [CONTENT_KIND.OLE, CONTENT_KIND.ZIP, CONTENT_KIND.RTF, CONTENT_KIND.HTML];
    case ".htm":
    case ".html":
    case ".shtml":
    case ".xhtml":
      return [CONTENT_KIND.HTML, CONTENT_KIND.TEXT];
    case ".txt":
    case ".text":
      return [CONTENT_KIND.TEXT, CONTENT_KIND.HTML];
    case ".png":
      return [CONTENT_KIND.PNG];
    case ".jpg":
    case ".jpeg":
      return [CONTENT_KIND.JPEG];
    case ".tif":
    case ".tiff":
      return [CONTENT_KIND.TIFF];
    default:
      return undefined;
  }
}

/** The lower-cased extension of a file name ("报告.PDF" -> ".pdf"), or "" if it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}

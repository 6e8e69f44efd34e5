/**
 * Text in a legacy encoding (GB18030, Big5): the encoding detected by chardet, decoded by
 * iconv-lite. Its own module, so that a Unicode file does not load their tables (functions/documents/text.ts).
 */
import chardet from "chardet";
import iconv from "iconv-lite";

/** Decodes bytes that are not Unicode text: GB18030 unless the detector says Big5 (or UTF-16 without a BOM). */
export function decodeLegacyText(bytes: Uint8Array): string {
  const sample = bytes.subarray(0, 64 * 1024);
  const guess = (chardet.detect(sample) ?? "GB18030").toUpperCase();
  const encoding = guess.startsWith("BIG5") ? "big5" : guess.startsWith("EUC-TW") ? "big5" : guess.startsWith("UTF-16") ? guess.toLowerCase() : "gb18030";
  return iconv.decode(Buffer.from(bytes), encoding);
}

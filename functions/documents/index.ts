/**
 * Picks the reader by content (magic bytes), not by file name.
 * Minimal version: plain text only. The documents work extends it with HTML, DOCX, PDF and images.
 */
import { UnreadableDocumentError } from "../shared/errors.ts";
import type { ExtractedDocument } from "./model.ts";
import { readTextDocument } from "./text.ts";

export type ExtractOptions = { fileName?: string };

export async function extractDocument(bytes: Uint8Array, _options: ExtractOptions = {}): Promise<ExtractedDocument> {
  if (bytes.length === 0) throw new UnreadableDocumentError("文件为空 (the file is empty)");
  return readTextDocument(bytes);
}

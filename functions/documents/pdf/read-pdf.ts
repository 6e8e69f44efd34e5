import { UnreadableDocumentError } from "../../shared/errors.ts";
import type { ExtractLimits } from "../limits.ts";
import type { ExtractedDocument } from "../model.ts";
import type { OcrEngine } from "../ocr/engine.ts";

export type ReadPdfOptions = { ocr?: OcrEngine; limits: ExtractLimits };

export async function readPdf(_bytes: Uint8Array, _options: ReadPdfOptions): Promise<ExtractedDocument> {
  throw new UnreadableDocumentError("PDF 读取尚未实现 (reading PDF is not implemented yet)");
}

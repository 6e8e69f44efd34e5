/**
 * Ocr: reads a scan (or the unread pages and pictures of a document) with the OCR engine it is
 * given — PaddleOCR in the cloud with Textract as its fallback (./deps.ts says why), PaddleOCR or
 * Tesseract on the local stack — and replaces the extracted document artifact. A quota-bound
 * engine (Textract; the local engines on the local stack) comes behind the deployment's limits
 * (every call holds a slot shared by all executions, with a timeout; throttling and timeouts
 * surface as TransientError, which the state machine retries). What the engine read is kept
 * (functions/documents/ocr/cache.ts), so reprocessing a scan reads it once.
 */
import { cacheOcrResults } from "../../documents/ocr/cache.ts";
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ProgressStore } from "../../adapters/progress-store.ts";
import { completeDocumentOcr, extractDocument } from "../../documents/index.ts";
import type { ExtractedDocument } from "../../documents/model.ts";
import type { OcrEngine } from "../../documents/ocr/engine.ts";
import { InvalidEventError } from "../../shared/errors.ts";
import { markProgress } from "../../shared/progress.ts";
import { hashBytes } from "../../shared/hash.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { Extracted, ParseInput } from "../../shared/workflow-payloads.ts";

/**
 * What the Ocr step needs: the objects, the progress marks, the artifacts bucket and the engine
 * (null where none is configured: a scan then fails with a reason a user understands).
 */
export type OcrDeps = { objects: ObjectStore; progress: ProgressStore; artifactsBucket: string; ocr: OcrEngine | null };

/**
 * Reads the scan of `input` with the engine and writes the document artifact in Extract's place.
 *
 * @example
 * const extracted = await runOcr({ bucket, key, extracted }, { objects, progress, artifactsBucket, ocr: engine });
 * // { ...extracted, format: "pdf", pageCount: 12, needsOcr: false }
 */
export async function runOcr(input: ParseInput, deps: OcrDeps): Promise<Extracted> {
  const { objects, artifactsBucket, ocr: engine } = deps;
  const { reportId, artifactKey, fileName } = input.extracted;
  const log = stepLogger("ocr", { reportId, source: `s3://${input.bucket}/${input.key}` });
  await markProgress(deps.progress, reportId, "Ocr", log);

  const bytes = await objects.getBytes(input.bucket, input.key);
  // The object under this key changed since Extract named it (originals are immutable; a bug if so).
  if (hashBytes(bytes) !== reportId) throw new InvalidEventError(`s3://${input.bucket}/${input.key} no longer holds report ${reportId}`);
  // What an engine read is kept by the bytes' hash: reading the scan again costs no OCR. Outside
  // the limiter, so a kept result takes no slot.
  const ocr = engine ? cacheOcrResults(engine, objects, artifactsBucket, log) : undefined;
  // Without an engine, extraction fails with the reason (a scan needs OCR; none is configured).
  // A PDF's partial document from Extract is completed by OCR of its unread pages alone; an image,
  // a DOCX with pictures, or no engine at all: read from the bytes as before.
  const partial = ocr ? await readPartial(objects, artifactsBucket, artifactKey, input.extracted.format) : undefined;
  const doc = partial && ocr ? await completeDocumentOcr(partial, bytes, { ocr }) : await extractDocument(bytes, { fileName, ...(ocr ? { ocr } : {}) });
  await objects.putJson(artifactsBucket, artifactKey, doc);
  const ocrPages = doc.pages.filter((page) => page.ocr).map((page) => page.number);
  log.info("recognised", { engine: engine?.name, pages: doc.pages.length, ocrPages });
  return { ...input.extracted, format: doc.format, pageCount: doc.pages.length, needsOcr: false };
}

/** Extract's partial PDF document (one listing `unreadPages`), where it wrote one. */
async function readPartial(objects: ObjectStore, bucket: string, key: string, format: string): Promise<ExtractedDocument | undefined> {
  if (format !== "pdf") return undefined;
  let doc: ExtractedDocument;
  try {
    doc = await objects.getJson<ExtractedDocument>(bucket, key);
  } catch {
    // No artifact (written by an Extract before partial documents): read the bytes in one pass.
    return undefined;
  }
  return Array.isArray(doc?.unreadPages) && doc.format === "pdf" ? doc : undefined;
}

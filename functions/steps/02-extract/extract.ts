/**
 * Extract: reads the dropped object, names the report by the SHA-256 of its bytes,
 * extracts the document and writes it to the artifacts bucket; passes on only its key.
 * It never runs OCR: a scan (or a document with pages or pictures left unread) is passed on
 * with `needsOcr`, and the workflow's Ocr step reads it with the engine it is given. For a PDF
 * the artifact is then the partial document (text pages laid out, `unreadPages` listed), which the
 * Ocr step completes; an image has no artifact until the Ocr step writes it.
 */
import { basename } from "node:path";
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ProgressStore } from "../../adapters/progress-store.ts";
import { extractDocument } from "../../documents/index.ts";
import { DEFAULT_EXTRACT_LIMITS, formatBytes } from "../../documents/limits.ts";
import { OcrRequiredError, UnreadableDocumentError } from "../../shared/errors.ts";
import { detectContentKind } from "../../documents/detect.ts";
import { markProgress } from "../../shared/progress.ts";
import { hashBytes } from "../../shared/hash.ts";
import { stepLogger } from "../../shared/logger.ts";
import { toDocumentArtifactKey, type ExecutionInput, type Extracted } from "../../shared/workflow-payloads.ts";

/** What Extract needs: the buckets' objects, the progress marks, and where artifacts go. */
export type ExtractDeps = { objects: ObjectStore; progress: ProgressStore; artifactsBucket: string };

/**
 * Extracts the object of `input` into the document artifact.
 *
 * @example
 * const extracted = await runExtract({ bucket: "ingest", key: "a.txt" }, { objects, progress, artifactsBucket });
 * // { reportId, artifactKey: "artifacts/documents/<id>.json", format: "text", pageCount: 1, needsOcr: false, fileName: "a.txt" }
 */
export async function runExtract(input: ExecutionInput, deps: ExtractDeps): Promise<Extracted> {
  const { objects, artifactsBucket } = deps;
  const log = stepLogger("extract", { source: `s3://${input.bucket}/${input.key}` });

  // Refuse an oversized object by its size alone, before a byte of it is read.
  const info = await objects.head(input.bucket, input.key);
  const limit = DEFAULT_EXTRACT_LIMITS.maxBytes;
  if (info && info.size > limit) {
    throw new UnreadableDocumentError(
      `文件太大（${formatBytes(info.size)}），上限为 ${formatBytes(limit)} (the file is ${formatBytes(info.size)}, more than the ${formatBytes(limit)} allowed)`,
    );
  }
  const bytes = await objects.getBytes(input.bucket, input.key);
  const reportId = hashBytes(bytes);
  log.appendPersistentKeys({ reportId });
  await markProgress(deps.progress, reportId, "Extract", log);
  const fileName = basename(input.key);
  const artifactKey = toDocumentArtifactKey(reportId);
  try {
    // A PDF needing OCR comes back partial (its scanned pages in `unreadPages`): the Ocr step
    // reads only those pages, not the text layer again.
    const doc = await extractDocument(bytes, { fileName, keepUnread: true });
    await objects.putJson(artifactsBucket, artifactKey, doc);
    const needsOcr = doc.needsOcr === true;
    log.info("extracted", { format: doc.format, pages: doc.pages.length, bytes: bytes.length, needsOcr });
    return { reportId, artifactKey, format: doc.format, pageCount: doc.pages.length, needsOcr, fileName };
  } catch (error) {
    if (!(error instanceof OcrRequiredError)) throw error;
    // Nothing readable without OCR: no artifact yet; the Ocr step writes it.
    const format = detectContentKind(bytes);
    log.info("scan: OCR needed", { format, bytes: bytes.length });
    return { reportId, artifactKey, format, pageCount: 0, needsOcr: true, fileName };
  }
}

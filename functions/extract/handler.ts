/**
 * Extract: reads the dropped object, names the report by the SHA-256 of its bytes,
 * extracts the document and writes it to the artifacts bucket; passes on only its key.
 */
import middy from "@middy/core";
import { basename } from "node:path";
import { getAdapter } from "../adapters/index.ts";
import { createDocumentClient } from "../adapters/clients.ts";
import { limitOcr } from "../adapters/rate-limiter.ts";
import { extractDocument } from "../documents/index.ts";
import { DEFAULT_EXTRACT_LIMITS, formatBytes } from "../documents/limits.ts";
import { UnreadableDocumentError } from "../shared/errors.ts";
import type { ExtractedDocument } from "../documents/model.ts";
import { readConfig, requireConfig } from "../shared/config.ts";
import { parseEventWith } from "../shared/handler-kit.ts";
import { hashBytes } from "../shared/hash.ts";
import { stepLogger } from "../shared/logger.ts";
import { ExecutionInput, toDocumentArtifactKey, type Extracted } from "../shared/workflow-payloads.ts";

/** Formats whose pages may carry no text layer (scans): OCR can still read them. */
const OCR_FORMATS = new Set(["pdf", "image"]);

function hasText(doc: ExtractedDocument): boolean {
  return doc.pages.some((page) =>
    page.blocks.some((block) =>
      block.kind === "paragraph"
        ? block.text.trim() !== ""
        : block.rows.some((row) => row.some((cell) => cell.text.trim() !== "")),
    ),
  );
}

export const handler = middy<ExecutionInput, Extracted>()
  .use(parseEventWith(ExecutionInput))
  .handler(async (event) => {
    const artifactsBucket = requireConfig(readConfig(), "ARTIFACTS_BUCKET");
    const objects = getAdapter("objects");
    const log = stepLogger("extract", { source: `s3://${event.bucket}/${event.key}` });

    // Refuse an oversized object by its size alone, before a byte of it is read.
    const info = await objects.head(event.bucket, event.key);
    const limit = DEFAULT_EXTRACT_LIMITS.maxBytes;
    if (info && info.size > limit) {
      throw new UnreadableDocumentError(
        `文件太大（${formatBytes(info.size)}），上限为 ${formatBytes(limit)} (the file is ${formatBytes(info.size)}, more than the ${formatBytes(limit)} allowed)`,
      );
    }
    const bytes = await objects.getBytes(event.bucket, event.key);
    const reportId = hashBytes(bytes);
    log.appendPersistentKeys({ reportId });
    const fileName = basename(event.key);
    const rawOcr = getAdapter("ocr");
    // Every OCR call holds a slot shared by all executions, with a timeout and backoff.
    const config = readConfig();
    const ocr = rawOcr && limitOcr(rawOcr, config, () => createDocumentClient(config));
    const doc = await extractDocument(bytes, { fileName, ...(ocr ? { ocr } : {}) });
    const artifactKey = toDocumentArtifactKey(reportId);
    await objects.putJson(artifactsBucket, artifactKey, doc);
    const needsOcr = OCR_FORMATS.has(doc.format) && !hasText(doc);
    log.info("extracted", { format: doc.format, pages: doc.pages.length, bytes: bytes.length, needsOcr });
    return { reportId, artifactKey, format: doc.format, pageCount: doc.pages.length, needsOcr, fileName };
  });

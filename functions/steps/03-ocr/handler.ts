/**
 * Ocr: reads a scan (or the unread pages and pictures of a document) with the configured OCR
 * engine — Textract in the cloud, Tesseract on the local stack — and replaces the extracted
 * document artifact. Every engine call holds a slot shared by all executions, with a timeout;
 * throttling and timeouts surface as TransientError, which the state machine retries. What the
 * engine read is kept (functions/adapters/ocr-cache.ts), so reprocessing a scan reads it once.
 */
import middy from "@middy/core";
import { createDocumentClient } from "../../adapters/clients.ts";
import { getAdapter } from "../../adapters/index.ts";
import { cacheOcrResults } from "../../adapters/ocr-cache.ts";
import { limitOcr } from "../../adapters/rate-limiter.ts";
import { extractDocument } from "../../documents/index.ts";
import { readConfig, requireConfig } from "../../shared/config.ts";
import { InvalidEventError } from "../../shared/errors.ts";
import { parseEventWith } from "../../shared/handler-kit.ts";
import { markProgress } from "../../shared/progress.ts";
import { hashBytes } from "../../shared/hash.ts";
import { stepLogger } from "../../shared/logger.ts";
import { ParseInput, type Extracted } from "../../shared/workflow-payloads.ts";

export const handler = middy<ParseInput, Extracted>()
  .use(parseEventWith(ParseInput))
  .handler(async (event) => {
    const config = readConfig();
    const artifactsBucket = requireConfig(config, "ARTIFACTS_BUCKET");
    const { reportId, artifactKey, fileName } = event.extracted;
    const log = stepLogger("ocr", { reportId, source: `s3://${event.bucket}/${event.key}` });
    await markProgress(reportId, "Ocr", log);
    const objects = getAdapter("objects");

    const bytes = await objects.getBytes(event.bucket, event.key);
    // The object under this key changed since Extract named it (originals are immutable; a bug if so).
    if (hashBytes(bytes) !== reportId) throw new InvalidEventError(`s3://${event.bucket}/${event.key} no longer holds report ${reportId}`);
    const engine = getAdapter("ocr");
    // What an engine read is kept by the bytes' hash: reading the scan again costs no OCR. Outside
    // the limiter, so a kept result takes no slot.
    const ocr = engine ? cacheOcrResults(limitOcr(engine, config, () => createDocumentClient(config)), objects, artifactsBucket, log) : undefined;
    // Without an engine, extraction fails with the reason (a scan needs OCR; none is configured).
    const doc = await extractDocument(bytes, { fileName, ...(ocr ? { ocr } : {}) });
    await objects.putJson(artifactsBucket, artifactKey, doc);
    const ocrPages = doc.pages.filter((page) => page.ocr).map((page) => page.number);
    log.info("recognised", { engine: engine?.name, pages: doc.pages.length, ocrPages });
    return { ...event.extracted, format: doc.format, pageCount: doc.pages.length, needsOcr: false };
  });

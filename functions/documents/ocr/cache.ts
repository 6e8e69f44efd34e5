/**
 * Keeps what an OCR engine read, keyed by the engine and the SHA-256 of the image or PDF, so that
 * reading the same scan again (a new parser version, a reprocessed FAILED report, the same bytes
 * under another key) costs no Textract pages and no Tesseract minutes. Only the engine's output is
 * kept; the readers and the parser run again on it. Bump OCR_CACHE_VERSION when an engine adapter
 * changes what it returns for the same input.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { OcrEngine, OcrImage, OcrResult } from "./engine.ts";
import { hashBytes, hashChunks } from "../../shared/hash.ts";

export const OCR_CACHE_PREFIX = "ocr-cache/";
const OCR_CACHE_VERSION = "v1";

type Log = Pick<Logger, "info" | "warn">;

/** Where results are kept: the part of functions/adapters/object-store.ts the cache uses. */
export type ResultBucket = {
  head(bucket: string, key: string): Promise<unknown>;
  getJson<T>(bucket: string, key: string): Promise<T>;
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
};

/**
 * SHA-256 of an image's content: its file bytes, or for a decoded page its size and RGBA pixels
 * (a rendered PDF page is no file; the same page renders to the same pixels).
 */
export function imageDigest(image: OcrImage): string {
  if (!image.pixels) return hashBytes(image.bytes);
  const { width, height, rgba } = image.pixels;
  return hashChunks([`rgba ${width}x${height}\n`, new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength)]);
}

/** Wraps an engine so that each image or PDF job is read once and then answered from the bucket. */
export function cacheOcrResults(engine: OcrEngine, objects: ResultBucket, bucket: string, log?: Log): OcrEngine {
  const keyOf = (digest: string, suffix = "") => `${OCR_CACHE_PREFIX}${OCR_CACHE_VERSION}/${engine.name}/${digest}${suffix}.json`;

  async function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (await objects.head(bucket, key)) {
      log?.info("OCR result reused", { key });
      return objects.getJson<T>(bucket, key);
    }
    const result = await read();
    // Keeping it is an optimisation: a failed write must not fail the reading.
    await objects.putJson(bucket, key, result).catch((error: unknown) => log?.warn("OCR result not kept", { key, error: String(error) }));
    return result;
  }

  const wrapped: OcrEngine = {
    name: engine.name,
    ...(engine.concurrency === undefined ? {} : { concurrency: engine.concurrency }),
    recognizeImage: (image: OcrImage) => cached(keyOf(imageDigest(image)), () => engine.recognizeImage(image)),
  };
  if (engine.recognizePdf) {
    const recognizePdf = engine.recognizePdf.bind(engine);
    wrapped.recognizePdf = async (bytes, pageNumbers) => {
      const entries = await cached(keyOf(hashBytes(bytes), `.pages-${pageNumbers.join("_")}`), async () => [...(await recognizePdf(bytes, pageNumbers)).entries()]);
      return new Map<number, OcrResult>(entries);
    };
  }
  return wrapped;
}

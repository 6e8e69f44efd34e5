/**
 * The seam between readers and OCR. Readers hand page images (or, where an engine can take it,
 * a whole PDF) to an `OcrEngine` and receive blocks in the intermediate form: paragraphs for
 * text lines and tables as cell grids, with confidences and boxes where the engine gives them.
 */
import type { Block, Page, PageSize } from "../model.ts";

export const OCR_MEDIA_TYPE = {
  PNG: "image/png",
  JPEG: "image/jpeg",
  TIFF: "image/tiff",
} as const;
export type OcrMediaType = (typeof OCR_MEDIA_TYPE)[keyof typeof OCR_MEDIA_TYPE];

/**
 * A page already decoded: RGBA pixels, row by row (what a canvas's getImageData gives). A PDF page
 * rendered for OCR is handed on in this form, so an engine that reads pixels neither decodes nor
 * waits for a PNG encoding (~1.1 CPU s a 300 dpi page between them).
 */
export type PagePixels = { width: number; height: number; rgba: Uint8ClampedArray };

/** An image as a file holds it (PNG, JPEG, TIFF bytes). */
export type EncodedImage = {
  bytes: Uint8Array;
  mediaType: OcrMediaType;
  pixels?: undefined;
  /** Where the image came from, for messages ("page 3", "word/media/image2.png"). */
  label?: string;
};

/** An image already decoded (a rendered PDF page); `encodedImage` makes a PNG of it for an engine that takes files. */
export type DecodedImage = {
  pixels: PagePixels;
  bytes?: undefined;
  mediaType?: undefined;
  label?: string;
};

export type OcrImage = EncodedImage | DecodedImage;

/** The image as file bytes: its own, or its pixels encoded as PNG (for engines that send or spawn files). */
export async function encodedImage(image: OcrImage): Promise<EncodedImage> {
  if (!image.pixels) return image;
  const { encodePng } = await import("./image-pixels.ts");
  return { bytes: await encodePng(image.pixels), mediaType: OCR_MEDIA_TYPE.PNG, ...(image.label === undefined ? {} : { label: image.label }) };
}

export type OcrResult = {
  blocks: Block[];
  /** Mean word confidence, 0..100, where the engine reports one. */
  confidence?: number;
  /** The page as the engine measured it, in points: the frame its boxes are in (an image's resolution is estimated). */
  size?: PageSize;
};

/** The page's marks for what OCR read: the engine, its confidence and the page's size where it gives them. */
export function pageOcrOf(engine: string, result: OcrResult): NonNullable<Page["ocr"]> {
  return { engine, ...(result.confidence === undefined ? {} : { confidence: result.confidence }), ...(result.size === undefined ? {} : { size: result.size }) };
}

/** A page image's size in points, at the resolution the engine took it for. */
export const sizeInPoints = (page: { width: number; height: number; dpi: number }): PageSize => ({
  width: Math.round(((page.width * 72) / page.dpi) * 10) / 10,
  height: Math.round(((page.height * 72) / page.dpi) * 10) / 10,
});

export interface OcrEngine {
  /** Short name recorded on the pages it read ("tesseract", "textract"). */
  readonly name: string;
  /** How many pages readers may hand it at once (default 1). */
  readonly concurrency?: number;
  /** Reads one page image. Throws TransientError when the engine is busy (retry later). */
  recognizeImage(image: OcrImage): Promise<OcrResult>;
  /**
   * Reads the given 1-based pages of a PDF in one job, where the engine takes PDFs directly
   * (Textract's asynchronous analysis). Readers rasterise pages for `recognizeImage` otherwise.
   */
  recognizePdf?(bytes: Uint8Array, pageNumbers: readonly number[]): Promise<Map<number, OcrResult>>;
}

/** The media type of an image from its signature, or undefined if OCR engines do not take it. */
export function imageMediaType(bytes: Uint8Array): OcrMediaType | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return OCR_MEDIA_TYPE.PNG;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return OCR_MEDIA_TYPE.JPEG;
  if ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 0x2a)) {
    return OCR_MEDIA_TYPE.TIFF;
  }
  return undefined;
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping the order of results. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

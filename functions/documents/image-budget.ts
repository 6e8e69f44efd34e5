/**
 * A pixel budget for images, checked on the dimensions their headers declare before anything
 * decodes them: a 45-byte PNG may declare 65535×65535 pixels (16 GB as RGBA), which a decoder
 * would try to allocate. Page renders are held to the same budget.
 */
import { imageSize } from "image-size";
import { UnreadableDocumentError } from "../shared/errors.ts";

/**
 * Most pixels of one image or rendered page: an A3 page at 600 dpi is about 70 M; 40 M covers an
 * A4 scan at 600 dpi (35 M) and keeps one decode under ~200 MB of RGBA.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

export type ImageDimensions = { width: number; height: number };

/** The dimensions an image's header declares (PNG, JPEG, TIFF, GIF, BMP, WebP…), or undefined if it names none. */
export function declaredDimensions(bytes: Uint8Array): ImageDimensions | undefined {
  try {
    const size = imageSize(bytes);
    return size.width && size.height ? { width: size.width, height: size.height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws UnreadableDocumentError when the image declares more pixels than the budget. A header
 * that declares no dimensions passes: no decoder allocates for it, and each fails on it with its own reason.
 */
export function checkImageBudget(bytes: Uint8Array, label: string, maxPixels = MAX_IMAGE_PIXELS): ImageDimensions | undefined {
  const size = declaredDimensions(bytes);
  if (!size) return undefined;
  if (size.width * size.height > maxPixels) {
    throw new UnreadableDocumentError(
      `图片 ${label} 过大：${size.width}×${size.height} 像素，超过 ${maxPixels / 1e6} 百万像素的上限 (image ${label} declares ${size.width}×${size.height} pixels, over the budget of ${maxPixels / 1e6} megapixels)`,
    );
  }
  return size;
}

/** The scale at which a page of `width`×`height` points renders at `dpi` within the budget. */
export function renderScale(width: number, height: number, dpi: number, maxPixels = MAX_IMAGE_PIXELS): number {
  const scale = dpi / 72;
  const pixels = width * scale * height * scale;
  return pixels <= maxPixels ? scale : scale * Math.sqrt(maxPixels / pixels);
}

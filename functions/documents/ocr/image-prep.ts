/**
 * Page-image preparation for OCR of tables: grey levels, a global (Otsu) threshold, deskew by
 * projection profiles, ruling lines found as long runs of ink, and a clean copy with the rulings
 * erased so the OCR engine sees cell text only. The rulings are kept: they give the table grid.
 * The pieces live by concern in ./image-pixels.ts, ./image-rulings.ts and ./crop-sheet.ts.
 */
import type { Segment } from "../pdf/layout.ts";
import { binarise, decodePage, despeckle, estimateSkew, rotateGrey, toPgm, type GreyImage } from "./image-pixels.ts";
import { eraseRulings, findRulings, tableRulings } from "./image-rulings.ts";

export { binarise, decodeGrey, decodePage, despeckle, estimateSkew, otsuThreshold, rotateGrey, toPgm, type GreyImage } from "./image-pixels.ts";
export { eraseRulings, findRulings, pageHasTable } from "./image-rulings.ts";
export { cropSheet, type Crop, type CropSheet } from "./crop-sheet.ts";

export type PreparedPage = {
  /** The resolution assumed (given, or estimated from the width of an A4 page). */
  dpi: number;
  width: number;
  height: number;
  skewDegrees: number;
  /** The deskewed page's grey levels, for engines that read grey (PaddleOCR) without decoding the image again. */
  grey: GreyImage;
  /** Rulings in pixels of the deskewed image. */
  rulings: Segment[];
  /** The deskewed page with rulings erased, as PGM. */
  cleaned: Uint8Array;
  /** The same as an ink mask (1 = ink), row by row. */
  ink: Uint8Array;
};

/**
 * Deskews a page image, finds the rulings of its tables and erases them. A ruling is a run of ink
 * longer than 12 pt (at `dpi`) that belongs to a grid of crossing lines; long strokes of large
 * characters (a title's 一) cross nothing and are left for the OCR engine.
 */
export async function preparePage(bytes: Uint8Array, options: { dpi?: number; maxDpi?: number } = {}): Promise<PreparedPage> {
  let grey = await decodePage(bytes, options.dpi ? undefined : options.maxDpi);
  const dpi = options.dpi ?? estimateDpi(grey.width, grey.height);
  let ink = binarise(grey);
  const skew = estimateSkew(ink, grey.width, grey.height);
  // An upright page keeps its mask: binarising the same grey levels again gives the same one.
  if (skew !== 0) {
    grey = rotateGrey(grey, skew);
    ink = binarise(grey);
  }
  despeckle(ink, grey.width, grey.height, Math.max(2, Math.round(8 * (dpi / 300) ** 2)));
  const candidates = findRulings(ink, grey.width, grey.height, Math.round((12 * dpi) / 72));
  const rulings = tableRulings(candidates, dpi);
  eraseRulings(ink, grey.width, grey.height, rulings);
  const { width, height } = grey;
  let cleaned: Uint8Array | undefined;
  return {
    dpi,
    width,
    height,
    skewDegrees: skew,
    grey,
    rulings,
    ink,
    // Only Tesseract reads the PGM: made when first asked for.
    get cleaned() {
      return (cleaned ??= toPgm(ink, width, height));
    },
  };
}

/** A4 paper is 8.27 inches wide: a page image's resolution follows from its width. */
export function estimateDpi(width: number, height: number): number {
  return Math.max(72, Math.min(600, Math.round(Math.min(width, height) / 8.27)));
}

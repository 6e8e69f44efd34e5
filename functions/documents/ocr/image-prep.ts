/**
 * Page-image preparation for OCR of tables: grey levels, a global (Otsu) threshold, deskew by
 * projection profiles, ruling lines found as long runs of ink, and a clean copy with the rulings
 * erased so the OCR engine sees cell text only. The rulings are kept: they give the table grid.
 * The pieces live by concern in ./image-pixels.ts, ./image-rulings.ts and ./crop-sheet.ts.
 */
import type { Segment } from "../pdf/layout.ts";
import { addFaintStrokes, binarise, decodePage, despeckle, estimateSkew, otsuThreshold, rotateGrey, toPgm, type GreyImage, type PageSource } from "./image-pixels.ts";
import { eraseRulings, findRulings, paintRulings, tableRulings } from "./image-rulings.ts";

export { binarise, decodeGrey, decodePage, despeckle, estimateSkew, otsuThreshold, rotateGrey, toPgm, type GreyImage, type PageSource } from "./image-pixels.ts";
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
 * characters (a title's 一) cross nothing and are left for the OCR engine. `faintStrokes` adds the
 * faint pixels connected to ink (./image-pixels.ts addFaintStrokes): for an engine that sees the grey
 * page through the mask (PaddleOCR). Tesseract reads the mask itself as black on white, where the
 * faint edges made bold would change what it was measured on (the round-trip scans), so it goes without.
 */
export async function preparePage(
  source: PageSource,
  options: { dpi?: number; maxDpi?: number; faintStrokes?: boolean } = {},
): Promise<PreparedPage> {
  let grey = await decodePage(source, options.dpi ? undefined : options.maxDpi);
  const dpi = options.dpi ?? estimateDpi(grey.width, grey.height);
  let threshold = otsuThreshold(grey);
  let raw = binarise(grey, threshold);
  const skew = estimateSkew(raw, grey.width, grey.height);
  // An upright page keeps its mask: binarising the same grey levels again gives the same one.
  if (skew !== 0) {
    grey = rotateGrey(grey, skew);
    threshold = otsuThreshold(grey);
    raw = binarise(grey, threshold);
  }
  const ink = options.faintStrokes ? raw.slice() : raw;
  const speck = Math.max(2, Math.round(8 * (dpi / 300) ** 2));
  despeckle(ink, grey.width, grey.height, speck);
  const candidates = findRulings(ink, grey.width, grey.height, Math.round((12 * dpi) / 72));
  const rulings = tableRulings(candidates, dpi);
  eraseRulings(ink, grey.width, grey.height, rulings);
  if (options.faintStrokes) {
    // After the rulings are found and erased, so a ruling's faint edge is neither ink nor grown into.
    const besideRulings = new Uint8Array(ink.length);
    paintRulings(besideRulings, grey.width, grey.height, rulings, rulingEdge(dpi), 1);
    addFaintStrokes(grey, ink, { raw, threshold, blocked: besideRulings, minLoneArea: 4 * speck });
  }
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

/** Pixels either side of a ruling where no faint stroke is added: its anti-aliased, JPEG-blurred edge (3 at 200 dpi). */
const rulingEdge = (dpi: number) => Math.max(2, Math.round(dpi / 70));

/** A4 paper is 8.27 inches wide: a page image's resolution follows from its width. */
export function estimateDpi(width: number, height: number): number {
  return Math.max(72, Math.min(600, Math.round(Math.min(width, height) / 8.27)));
}

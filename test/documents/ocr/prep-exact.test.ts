/**
 * The image-preparation steps rewritten for speed (Otsu's histogram in integers, despeckling and
 * faint strokes flooded on typed-array stacks with their neighbours checked inline) give exactly
 * what the old steps gave (./reference/image-steps.ts, kept verbatim): on a real report's table
 * page scanned at 200 and at 300 dpi, the whole preparation's grey page and ink mask, and each
 * step alone, byte for byte.
 */
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { binarise, decodePage, estimateDpi, estimateSkew, otsuThreshold, preparePage, rotateGrey } from "../../../functions/documents/ocr/image-prep.ts";
import { addFaintStrokes, despeckle } from "../../../functions/documents/ocr/image-pixels.ts";
import { eraseRulings, findRulings, paintRulings, tableRulings } from "../../../functions/documents/ocr/image-rulings.ts";
import { canRasterise, DEGRADED_200, DEGRADED_300, realScan, REAL_DIR } from "../helpers/scans.ts";
import { referenceAddFaintStrokes, referenceDespeckle, referenceOtsuThreshold } from "./reference/image-steps.ts";

const missing = existsSync(`${REAL_DIR}p02.pdf`) && canRasterise() ? undefined : "../shared/corpus/real, pdftoppm or ImageMagick is missing";
if (missing) console.warn(`\n!!! SKIPPING the exact-preparation test on real pages: ${missing}. CI installs all of it (.ci/run).\n`);

/** preparePage's steps (functions/documents/ocr/image-prep.ts) with the old despeckling, faint strokes and Otsu. */
async function referencePreparation(jpeg: Uint8Array) {
  let grey = await decodePage(jpeg);
  const dpi = estimateDpi(grey.width, grey.height);
  let threshold = referenceOtsuThreshold(grey);
  let raw = binarise(grey, threshold);
  const skew = estimateSkew(raw, grey.width, grey.height);
  if (skew !== 0) {
    grey = rotateGrey(grey, skew);
    threshold = referenceOtsuThreshold(grey);
    raw = binarise(grey, threshold);
  }
  const ink = raw.slice();
  const speck = Math.max(2, Math.round(8 * (dpi / 300) ** 2));
  referenceDespeckle(ink, grey.width, grey.height, speck);
  const rulings = tableRulings(findRulings(ink, grey.width, grey.height, Math.round((12 * dpi) / 72)), dpi);
  eraseRulings(ink, grey.width, grey.height, rulings);
  const besideRulings = new Uint8Array(ink.length);
  paintRulings(besideRulings, grey.width, grey.height, rulings, Math.max(2, Math.round(dpi / 70)), 1);
  referenceAddFaintStrokes(grey, ink, { raw, threshold, blocked: besideRulings, minLoneArea: 4 * speck });
  return { grey, ink, dpi, threshold, raw, speck };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

describe.skipIf(missing !== undefined)("image preparation, rewritten, on real pages", () => {
  it.each([
    ["200 dpi", DEGRADED_200],
    ["300 dpi", DEGRADED_300],
  ] as const)("gives the old steps' ink mask and masked page byte for byte (p02's table page at %s)", async (_, setting) => {
    const [page] = realScan("p02", setting, [3]);
    const reference = await referencePreparation(page!.jpeg);
    const prepared = await preparePage(page!.jpeg, { faintStrokes: true });
    expect(otsuThreshold(reference.grey)).toBe(reference.threshold);
    expect(same(prepared.grey.pixels, reference.grey.pixels)).toBe(true);
    expect(prepared.ink.reduce((n, v) => n + v, 0)).toBeGreaterThan(10_000);
    expect(same(prepared.ink, reference.ink)).toBe(true);
    // Each step alone, on the page's raw threshold (specks and all).
    const [a, b] = [reference.raw.slice(), reference.raw.slice()];
    despeckle(a, reference.grey.width, reference.grey.height, reference.speck);
    referenceDespeckle(b, reference.grey.width, reference.grey.height, reference.speck);
    expect(same(a, b)).toBe(true);
    expect(same(a, reference.raw)).toBe(false);
    const blocked = new Uint8Array(a.length);
    const options = { raw: reference.raw, threshold: reference.threshold + 20, blocked, minLoneArea: 4 * reference.speck };
    addFaintStrokes(reference.grey, a, options);
    referenceAddFaintStrokes(reference.grey, b, options);
    expect(same(a, b)).toBe(true);
  }, 120_000);
});

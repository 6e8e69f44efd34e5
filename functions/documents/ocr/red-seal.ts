/**
 * A colour page's grey levels with its red seal taken out. Offices stamp their red round seal over
 * the tables; read as grey, the seal's ink (luminance ~110 on paper at ~236) and its JPEG-blurred
 * edges make strokes across the cells ("0" read as "10"). Black print under the seal stays black.
 *
 * A stamp multiplies the paper by the ink's colour: a seal pixel's luminance is the luminance
 * under it times the seal's transmission (about 0.45 for red ink), and black print under it stays
 * black. So where a pixel is seal (strongly red, bright enough to be ink and not black print), its
 * luminance is divided by the seal's transmission, measured on the page. The seal's coverage is
 * grown by a few pixels, because a JPEG's colour is coarser than its brightness: the edge of a
 * seal's stroke keeps the seal's darkness with only half its redness. A pixel much darker than the
 * seal's ink is print and is lightened less. A pixel with no red near it keeps its luminance, so a
 * grey page, or a colour page without a seal, is the plain luminance.
 */
import type { GreyImage } from "./image-pixels.ts";

/** A seal pixel: red outweighs green and blue by this share of red (paper tints: < 0.1; seal ink: 0.5–0.7). */
const RED_SHARE = 0.3;
/** ...and its red level is at least this: black print, whatever its JPEG colour noise, is darker. */
const MIN_RED = 120;
/** At or below this share of the seal's ink level (its denser quarter's luminance) a pixel is print and is not lightened; from the ink's level on, fully. */
const PRINT_SHARE = 0.5;
/** Fewer seal pixels than this per 200-dpi page is colour noise or a red mark, not a seal: nothing is changed. */
const MIN_SEAL_PIXELS = 1500;

export function greyWithoutSeal(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): GreyImage {
  const count = width * height;
  const pixels = new Uint8Array(count);
  const near = new Uint8Array(count);
  let sealPixels = 0;
  for (let i = 0, j = 0; j < count; i += 4, j += 1) {
    const r = rgba[i]!;
    pixels[j] = (r * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
    if (r >= MIN_RED && redShare(rgba, i) >= RED_SHARE) {
      near[j] = 1;
      sealPixels += 1;
    }
  }
  const dpi = Math.min(width, height) / 8.27;
  if (sealPixels < MIN_SEAL_PIXELS * (dpi / 200) ** 2) return { width, height, pixels };
  const { paper, transmission } = sealLevels(pixels, near);
  const sealInk = transmission * paper;
  grow(near, width, height, Math.max(1, Math.round(dpi / 100)));
  for (let i = 0, j = 0; j < count; i += 4, j += 1) {
    if (!near[j]) continue;
    // Near the seal, each pixel by its own redness: seal ink (and its edges) lightened back to paper,
    // grey print beside the seal left as it is, black print under it still dark. A pixel much darker
    // than the seal's ink is print, whatever colour the JPEG smeared over it: lightened less, down to
    // not at all, or a ruling beside the seal thins, breaks and its pieces are left as strokes.
    const seal = Math.min(1, Math.max(0, redShare(rgba, i)) / RED_SHARE);
    if (seal === 0) continue;
    const v = pixels[j]!;
    const lightened = Math.min(paper, v / (1 - seal * (1 - transmission)));
    const share = Math.min(1, Math.max(0, (v - PRINT_SHARE * sealInk) / ((1 - PRINT_SHARE) * sealInk)));
    pixels[j] = Math.max(v, Math.round(v + (lightened - v) * share));
  }
  return { width, height, pixels };
}

/** How much red outweighs green and blue, as a share of red (paper: < 0.1; seal ink: 0.5–0.7). */
function redShare(rgba: Uint8ClampedArray | Uint8Array, i: number): number {
  const r = rgba[i]!;
  return r === 0 ? 0 : (r - Math.max(rgba[i + 1]!, rgba[i + 2]!)) / r;
}

/**
 * The paper's luminance (the page's 90th percentile) and how much of it the seal's ink lets
 * through: its dense strokes' luminance (the darker quarter of the seal's pixels) over the paper's,
 * so its lighter parts come out as paper too. Bounded, for a seal so faint or dark it is unlike ink.
 */
function sealLevels(luminance: Uint8Array, seal: Uint8Array): { paper: number; transmission: number } {
  const inSeal = new Uint32Array(256);
  const all = new Uint32Array(256);
  let sealCount = 0;
  for (let j = 0; j < luminance.length; j += 1) {
    const v = luminance[j]!;
    if (seal[j]) {
      inSeal[v]! += 1;
      sealCount += 1;
    }
    if ((j & 7) === 0) all[v]! += 1;
  }
  const paper = percentile(all, Math.ceil(luminance.length / 8), 0.9);
  const ink = percentile(inSeal, sealCount, 0.25);
  return { paper, transmission: Math.min(0.9, Math.max(0.3, ink / Math.max(1, paper))) };
}

function percentile(histogram: Uint32Array, total: number, share: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v += 1) {
    seen += histogram[v]!;
    if (seen >= total * share) return v;
  }
  return 255;
}

/** Grows the mask by `radius` pixels (a square): along rows, then each row takes the rows within `radius` of it. */
function grow(mask: Uint8Array, width: number, height: number, radius: number): void {
  const row = new Uint8Array(width);
  for (let y = 0; y < height; y += 1) {
    const offset = y * width;
    row.set(mask.subarray(offset, offset + width));
    for (let x = 0; x < width; x += 1) {
      if (row[x]) mask.fill(1, offset + Math.max(0, x - radius), offset + Math.min(width, x + radius + 1));
    }
  }
  const rows = mask.slice();
  for (let y = 0; y < height; y += 1) {
    const offset = y * width;
    for (let k = Math.max(0, y - radius); k <= Math.min(height - 1, y + radius); k += 1) {
      if (k === y) continue;
      const from = k * width;
      for (let x = 0; x < width; x += 1) mask[offset + x]! |= rows[from + x]!;
    }
  }
}

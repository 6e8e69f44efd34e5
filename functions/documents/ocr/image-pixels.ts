/**
 * Pixels of a page image for OCR: grey levels from PNG/JPEG (the native canvas addon, loaded on
 * first use), a global (Otsu) threshold, deskew by projection profiles, rotation, specks removed,
 * and the ink mask as PGM for the OCR engine. ./image-prep.ts puts them together.
 */
import { checkImageBudget } from "../image-budget.ts";
import { createRequire } from "node:module";
import { cutOutPaper } from "./image-paper.ts";
import type { PagePixels } from "./engine.ts";
import { greyWithoutSeal } from "./red-seal.ts";

type CanvasAddon = typeof import("@napi-rs/canvas");

let canvasAddon: CanvasAddon | undefined;

/** The native canvas addon loads on first use, so bundles that only read text layers never need it. */
function canvas(): CanvasAddon {
  return (canvasAddon ??= createRequire(import.meta.url)("@napi-rs/canvas") as CanvasAddon);
}

export type GreyImage = { width: number; height: number; pixels: Uint8Array };

/** A page image as the engines are handed it: PNG or JPEG bytes, or pixels already decoded (a rendered PDF page). */
export type PageSource = Uint8Array | PagePixels;

/** A page image's grey levels, a photographed sheet cut out of its background and its lighting flattened (./image-paper.ts). */
export async function decodePage(source: PageSource, maxDpi?: number): Promise<GreyImage> {
  return cutOutPaper(await decodeGrey(source, maxDpi));
}

/**
 * Decodes PNG/JPEG bytes (or takes decoded pixels) into grey levels (0 black .. 255 white). With
 * `maxDpi`, a page image finer than that (its resolution judged from the width of A4, as
 * ./image-prep.ts's estimateDpi does) is drawn scaled down to it in the same step: every later step
 * costs by the pixel. A red seal is taken out as the colours become grey (./red-seal.ts), for every
 * engine and every page.
 */
export async function decodeGrey(source: PageSource, maxDpi?: number): Promise<GreyImage> {
  const encoded = source instanceof Uint8Array ? await loadImage(source) : undefined;
  const { width: fullWidth, height: fullHeight } = encoded ?? (source as PagePixels);
  const dpi = Math.min(fullWidth, fullHeight) / 8.27;
  const scale = maxDpi && dpi > maxDpi * 1.05 ? maxDpi / dpi : 1;
  // Pixels at their own size are the page already.
  if (!(source instanceof Uint8Array) && scale === 1) return greyWithoutSeal(source.rgba, fullWidth, fullHeight);
  const image = encoded ?? pixelsCanvas(source as PagePixels);
  const width = Math.max(1, Math.round(fullWidth * scale));
  const height = Math.max(1, Math.round(fullHeight * scale));
  const surface = canvas().createCanvas(width, height);
  const context = surface.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  if (scale === 1) context.drawImage(image, 0, 0);
  else {
    context.imageSmoothingQuality = "high";
    context.drawImage(image, 0, 0, width, height);
  }
  return greyWithoutSeal(context.getImageData(0, 0, width, height).data, width, height);
}

/** Decodes image bytes within the pixel budget. */
function loadImage(bytes: Uint8Array) {
  checkImageBudget(bytes, "page");
  return canvas().loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Decoded pixels on a canvas of their own (to be drawn scaled, or encoded). */
function pixelsCanvas({ width, height, rgba }: PagePixels) {
  const surface = canvas().createCanvas(width, height);
  const context = surface.getContext("2d");
  const data = context.createImageData(width, height);
  data.data.set(rgba);
  context.putImageData(data, 0, 0);
  return surface;
}

/** Decoded pixels as PNG bytes. */
export async function encodePng(pixels: PagePixels): Promise<Uint8Array> {
  return new Uint8Array(await pixelsCanvas(pixels).encode("png"));
}

/** Otsu's threshold: the grey level that best separates ink from paper. */
export function otsuThreshold(image: GreyImage): number {
  // Counted in integers (a Float64Array's increments cost ~3× more); the sums below are the same doubles.
  const histogram = new Int32Array(256);
  const px = image.pixels;
  for (let i = 0; i < px.length; i += 1) histogram[px[i]!]! += 1;
  const total = image.pixels.length;
  let sum = 0;
  for (let i = 0; i < 256; i += 1) sum += i * histogram[i]!;
  let sumB = 0;
  let weightB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t += 1) {
    weightB += histogram[t]!;
    if (weightB === 0) continue;
    const weightF = total - weightB;
    if (weightF === 0) break;
    sumB += t * histogram[t]!;
    const meanB = sumB / weightB;
    const meanF = (sum - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Ink mask: 1 where darker than the threshold. */
export function binarise(image: GreyImage, threshold = otsuThreshold(image)): Uint8Array {
  const ink = new Uint8Array(image.pixels.length);
  for (let i = 0; i < ink.length; i += 1) ink[i] = image.pixels[i]! < threshold ? 1 : 0;
  return ink;
}

/**
 * The page's skew in degrees (positive: text runs downhill to the right), from the angle at which
 * the rows of ink are sharpest (projection profile), searched within ±3°.
 */
export function estimateSkew(ink: Uint8Array, width: number, height: number): number {
  // Every row, every fourth column: sampling rows too would put the points on a lattice that favours 0°.
  const step = 4;
  let count = 0;
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += step) count += ink[y * width + x]!;
  if (count < 100) return 0;
  const xs = new Int32Array(count);
  const ys = new Int32Array(count);
  for (let y = 0, n = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += step) {
      if (!ink[y * width + x]) continue;
      xs[n] = x;
      ys[n] = y;
      n += 1;
    }
  }
  // Rows of 2 px counted in a typed array (a Map per angle cost ~0.1 s a page): at ±3.2° a row
  // index lies within width·tan(3.2°)/2 of y/2.
  const offset = Math.ceil(width * 0.06) + 2;
  const bins = new Int32Array(Math.ceil(height / 2) + 2 * offset + 2);
  const score = (degrees: number) => {
    const t = Math.tan((degrees * Math.PI) / 180);
    bins.fill(0);
    for (let i = 0; i < count; i += 1) {
      const row = Math.round((ys[i]! - xs[i]! * t) / 2) + offset;
      bins[row] = bins[row]! + 1;
    }
    let s = 0;
    for (let i = 0; i < bins.length; i += 1) s += bins[i]! * bins[i]!;
    return s;
  };
  let best = 0;
  let bestScore = -1;
  for (let d = -3; d <= 3.0001; d += 0.2) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  const coarse = best;
  for (let d = coarse - 0.2; d <= coarse + 0.2001; d += 0.02) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  return Math.abs(best) < 0.05 ? 0 : best;
}

/**
 * Rotates the grey image by -`degrees` about its centre (paper white fills the corners), bilinear.
 * Done on the grey levels themselves: through a canvas it took ~0.45 CPU s a 300 dpi page, most of
 * it copying grey into RGBA and back.
 */
export function rotateGrey(image: GreyImage, degrees: number): GreyImage {
  if (degrees === 0) return image;
  const { width, height, pixels } = image;
  const out = new Uint8Array(width * height);
  const angle = (degrees * Math.PI) / 180;
  // Fixed point (integer arithmetic is ~3× faster than floats here): 16 fractional bits, fewer for a
  // side past 32k pixels so coordinates stay within 31 bits.
  const bits = Math.max(width, height) < 32_000 ? 16 : 12;
  const ONE = 1 << bits;
  const cos = Math.round(Math.cos(angle) * ONE);
  const sin = Math.round(Math.sin(angle) * ONE);
  const cx = width / 2;
  const cy = height / 2;
  for (let y = 0; y < height; y += 1) {
    // The source point of each target pixel's centre, in pixel-centre coordinates, stepped along the row.
    const dy = y + 0.5 - cy;
    let sx = Math.round((cx + ((0.5 - cx) * cos - dy * sin) / ONE - 0.5) * ONE);
    let sy = Math.round((cy + ((0.5 - cx) * sin + dy * cos) / ONE - 0.5) * ONE);
    const row = y * width;
    for (let x = 0; x < width; x += 1, sx += cos, sy += sin) {
      const x0 = sx >> bits;
      const y0 = sy >> bits;
      if (sx < 0 || sy < 0 || x0 + 1 >= width || y0 + 1 >= height) {
        out[row + x] = 255;
        continue;
      }
      const fx = (sx >> (bits - 8)) & 255;
      const fy = (sy >> (bits - 8)) & 255;
      const i = y0 * width + x0;
      const top = pixels[i]! * (256 - fx) + pixels[i + 1]! * fx;
      const bottom = pixels[i + width]! * (256 - fx) + pixels[i + width + 1]! * fx;
      out[row + x] = (top * (256 - fy) + bottom * fy + 32768) >> 16;
    }
  }
  return { width, height, pixels: out };
}

/**
 * Removes specks: connected blots of ink smaller than `maxArea` pixels (a full stop is larger).
 * Each 8-connected blot is flooded from its first pixel on a typed-array stack, its neighbours
 * checked inline; a blot is a set of pixels, so what is removed does not depend on the flood's order.
 */
export function despeckle(ink: Uint8Array, width: number, height: number, maxArea: number): void {
  const seen = new Uint8Array(ink.length);
  let stack = new Int32Array(4096);
  // The blot's pixels, up to one more than a speck may have: past that it is kept whole.
  const blot = new Int32Array(maxArea + 1);
  const lastRow = ink.length - width;
  for (let start = 0; start < ink.length; start += 1) {
    if (!ink[start] || seen[start]) continue;
    seen[start] = 1;
    stack[0] = start;
    let top = 1;
    let size = 0;
    while (top > 0) {
      const p = stack[--top]!;
      if (size <= maxArea) blot[size++] = p;
      if (top + 8 > stack.length) stack = grown(stack);
      const x = p % width;
      const [dx0, dx1] = [x > 0 ? -1 : 0, x < width - 1 ? 1 : 0];
      for (let row = p >= width ? p - width : p, end = p < lastRow ? p + width : p; row <= end; row += width) {
        for (let q = row + dx0; q <= row + dx1; q += 1) {
          if (ink[q] && !seen[q]) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (size <= maxArea) for (let k = 0; k < size; k += 1) ink[blot[k]!] = 0;
  }
}

/** A typed-array stack twice as long, holding the same items. */
function grown(stack: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(stack.length * 2);
  bigger.set(stack);
  return bigger;
}



/** The ink mask as a binary PGM (P5) image: black ink on white, which Tesseract reads from stdin. */
export function toPgm(ink: Uint8Array, width: number, height: number): Uint8Array {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, "latin1");
  const out = new Uint8Array(header.length + ink.length);
  out.set(header, 0);
  for (let i = 0; i < ink.length; i += 1) out[header.length + i] = ink[i] ? 0 : 255;
  return out;
}

/** How far below the local paper's brightness, as a share of the way down to the ink threshold, a faint stroke pixel lies. */
export const FAINT_INK_SHARE = 0.5;

export type FaintStrokeOptions = {
  /** The page thresholded before specks were removed: a faint stroke's dark core may be no bigger than a speck. */
  raw: Uint8Array;
  threshold: number;
  /** Pixels never added (beside erased rulings). */
  blocked: Uint8Array;
  /** A grown blot that touches no kept ink is kept only from this many pixels (a speck with its blurred halo is smaller). */
  minLoneArea: number;
};

/**
 * Adds to the ink mask the faint pixels connected to ink: a Song (serif) face's thin horizontal
 * strokes come out light grey at 200 dpi (the bar of a 4, the 一 of （一）, the top of 予), above the
 * global threshold, and a mask without them reads 4 as 1 and loses characters. A pixel is faint
 * when it is darker than the paper around it by `FAINT_INK_SHARE` of the way to the threshold; only
 * faint pixels 8-connected to ink are added, so paper, shading and light noise stay out. A faint
 * stroke's dark core can be speck-sized and removed as a speck: a blot grown from the raw
 * threshold that touches no kept ink is kept when it is larger than a speck with its blurred halo.
 */
export function addFaintStrokes(grey: GreyImage, ink: Uint8Array, options: FaintStrokeOptions): void {
  const { raw, blocked } = options;
  const flood = new FaintFlood(grey, ink, blocked, faintLimits(grey, options.threshold));
  // The faint pixels 8-connected to ink: a set, whatever order the flood takes.
  for (let p = 0; p < ink.length; p += 1) if (ink[p]) flood.push(p);
  flood.grow(1);
  // What is left of the raw threshold are blots apart from all kept ink (specks, or a faint stroke's
  // core), each grown from its first pixel in raster order (a blot dropped may be grown again from a later pixel, as before).
  const IN_BLOT = 2;
  for (let start = 0; start < raw.length; start += 1) {
    if (!raw[start] || ink[start] || blocked[start]) continue;
    ink[start] = IN_BLOT;
    flood.push(start);
    const blot = flood.grow(IN_BLOT);
    const keep = blot.length + 1 >= options.minLoneArea ? 1 : 0;
    ink[start] = keep;
    for (const q of blot) ink[q] = keep;
  }
}

/**
 * Grows ink into faint pixels (not ink, not blocked, darker than their block's limit) from the
 * pixels pushed, marking each pixel taken; a typed-array stack, the 8 neighbours checked inline.
 */
class FaintFlood {
  private stack = new Int32Array(1 << 16);
  private top = 0;
  private taken = new Int32Array(1024);
  private readonly blockColumn: Int32Array;
  private readonly blockRow: Int32Array;

  constructor(
    private readonly grey: GreyImage,
    private readonly ink: Uint8Array,
    private readonly blocked: Uint8Array,
    private readonly limit: { block: number; columns: number; at: Float32Array },
  ) {
    // Each pixel's block by table lookup, not division.
    this.blockColumn = Int32Array.from({ length: grey.width }, (_, x) => (x / limit.block) | 0);
    this.blockRow = Int32Array.from({ length: grey.height }, (_, y) => ((y / limit.block) | 0) * limit.columns);
  }

  push(p: number): void {
    if (this.top === this.stack.length) this.stack = grown(this.stack);
    this.stack[this.top++] = p;
  }

  /** Floods from the pushed pixels, marking the faint pixels taken with `mark`; those pixels (a view, valid until the next grow). */
  grow(mark: number): Int32Array {
    const { ink, blocked, blockColumn, blockRow } = this;
    const { width, height, pixels } = this.grey;
    const at = this.limit.at;
    let count = 0;
    while (this.top > 0) {
      const p = this.stack[--this.top]!;
      const x = p % width;
      const y = (p - x) / width;
      const [x0, x1] = [x > 0 ? x - 1 : 0, x < width - 1 ? x + 1 : x];
      const [y0, y1] = [y > 0 ? y - 1 : 0, y < height - 1 ? y + 1 : y];
      for (let ny = y0; ny <= y1; ny += 1) {
        const rowLimit = blockRow[ny]!;
        for (let nx = x0, q = ny * width + x0; nx <= x1; nx += 1, q += 1) {
          if (ink[q] || blocked[q] || !(pixels[q]! < at[rowLimit + blockColumn[nx]!]!)) continue;
          ink[q] = mark;
          this.push(q);
          if (count === this.taken.length) this.taken = grown(this.taken);
          this.taken[count++] = q;
        }
      }
    }
    return this.taken.subarray(0, count);
  }
}

/** The faint-pixel limit of each block (larger than a line of text): between the threshold and the block's paper, its brightest pixel. */
export function faintLimits(grey: GreyImage, threshold: number): { block: number; columns: number; at: Float32Array } {
  const { width, height, pixels } = grey;
  const block = Math.max(32, Math.round(Math.min(width, height) / 40));
  const columns = Math.ceil(width / block);
  const at = new Float32Array(columns * Math.ceil(height / block));
  for (let y = 0; y < height; y += 1) {
    const row = ((y / block) | 0) * columns;
    for (let x0 = 0, b = row; x0 < width; x0 += block, b += 1) {
      let max = at[b]!;
      for (let i = y * width + x0, end = y * width + Math.min(width, x0 + block); i < end; i += 1) if (pixels[i]! > max) max = pixels[i]!;
      at[b] = max;
    }
  }
  for (let b = 0; b < at.length; b += 1) at[b] = at[b]! - (at[b]! - threshold) * FAINT_INK_SHARE;
  return { block, columns, at };
}

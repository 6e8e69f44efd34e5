/**
 * The image-preparation steps as they were before they were rewritten on typed-array stacks with
 * inline neighbour checks (functions/documents/ocr/image-pixels.ts), kept verbatim so
 * test/documents/ocr/prep-exact.test.ts can hold the new ones to exactly their output. The blocks'
 * faint-pixel limits (faintLimits), which the rewrite left as they were, are the product's own.
 */
import type { FaintStrokeOptions, GreyImage } from "../../../../functions/documents/ocr/image-pixels.ts";
import { faintLimits } from "../../../../functions/documents/ocr/image-pixels.ts";

/** Otsu's threshold: the grey level that best separates ink from paper. */
export function referenceOtsuThreshold(image: GreyImage): number {
  const histogram = new Float64Array(256);
  const px = image.pixels;
  for (let i = 0; i < px.length; i += 1) histogram[px[i]!] = histogram[px[i]!]! + 1;
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

/** Removes specks: connected blots of ink smaller than `maxArea` pixels (a full stop is larger). */
export function referenceDespeckle(ink: Uint8Array, width: number, height: number, maxArea: number): void {
  const seen = new Uint8Array(ink.length);
  const stack: number[] = [];
  // The blot's pixels, up to one more than a speck may have: past that it is kept whole.
  const blot: number[] = [];
  for (let start = 0; start < ink.length; start += 1) {
    if (!ink[start] || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    blot.length = 0;
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (blot.length <= maxArea) blot.push(p);
      const x = p % width;
      const y = (p - x) / width;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny += 1) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx += 1) {
          const q = ny * width + nx;
          if (ink[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
      }
    }
    if (blot.length <= maxArea) for (const p of blot) ink[p] = 0;
  }
}

/**
 * Adds to the ink mask the faint pixels connected to ink: a Song (serif) face's thin horizontal
 * strokes come out light grey at 200 dpi (the bar of a 4, the 一 of （一）, the top of 予), above the
 * global threshold, and a mask without them reads 4 as 1 and loses characters. A pixel is faint
 * when it is darker than the paper around it by `FAINT_INK_SHARE` of the way to the threshold; only
 * faint pixels 8-connected to ink are added, so paper, shading and light noise stay out. A faint
 * stroke's dark core can be speck-sized and removed as a speck: a blot grown from the raw
 * threshold that touches no kept ink is kept when it is larger than a speck with its blurred halo.
 */
export function referenceAddFaintStrokes(grey: GreyImage, ink: Uint8Array, options: FaintStrokeOptions): void {
  const { width, height, pixels } = grey;
  const { raw, blocked } = options;
  const limit = faintLimits(grey, options.threshold);
  const isFaint = (q: number, x: number, y: number) => !ink[q] && !blocked[q] && pixels[q]! < limit.at[((y / limit.block) | 0) * limit.columns + ((x / limit.block) | 0)]!;
  const stack: number[] = [];
  for (let p = 0; p < ink.length; p += 1) if (ink[p]) stack.push(p);
  floodNeighbours(stack, width, height, (q, x, y) => {
    if (!isFaint(q, x, y)) return false;
    ink[q] = 1;
    return true;
  });
  // What is left of the raw threshold are blots apart from all kept ink (specks, or a faint stroke's core).
  const blot: number[] = [];
  for (let start = 0; start < raw.length; start += 1) {
    if (!raw[start] || ink[start] || blocked[start]) continue;
    const IN_BLOT = 2;
    ink[start] = IN_BLOT;
    blot.length = 0;
    blot.push(start);
    floodNeighbours([start], width, height, (q, x, y) => {
      if (!isFaint(q, x, y)) return false;
      ink[q] = IN_BLOT;
      blot.push(q);
      return true;
    });
    const keep = blot.length >= options.minLoneArea ? 1 : 0;
    for (const p of blot) ink[p] = keep;
  }
}

/** Visits the 8 neighbours of each pixel on the stack, pushing those `visit` accepts, until the stack is empty. */
function floodNeighbours(stack: number[], width: number, height: number, visit: (q: number, x: number, y: number) => boolean): void {
  while (stack.length > 0) {
    const p = stack.pop()!;
    const x = p % width;
    const y = (p - x) / width;
    for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny += 1) {
      for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx += 1) {
        const q = ny * width + nx;
        if (visit(q, nx, ny)) stack.push(q);
      }
    }
  }
}

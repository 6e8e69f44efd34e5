/**
 * A photographed page: the phone sees the desk around the sheet and darker corners. The sheet is
 * cut out of the background (the dark border on each side, inner edge, so a sheet held at a slight
 * perspective keeps no desk in its corners) and its lighting is flattened (each pixel divided by the
 * paper's brightness around it), so the global threshold and the ruling search see paper and ink
 * as on a flatbed scan. An image without a dark border (any scan) is returned as it is.
 */
import type { GreyImage } from "./image-pixels.ts";

/** A border is darker than this share of the paper's brightness. */
const DESK_SHARE = 0.55;
/** Below this width (share of the side) a dark edge is a scanner's shadow, not a desk. */
const MIN_BORDER = 0.01;

export function cutOutPaper(grey: GreyImage): GreyImage {
  const paper = percentile(grey.pixels, 0.9);
  const dark = Math.round(paper * DESK_SHARE);
  const edges = paperEdges(grey, dark);
  if (!edges) return grey;
  return flattenLighting(crop(grey, edges));
}

type Edges = { left: number; top: number; right: number; bottom: number };

function percentile(pixels: Uint8Array, share: number): number {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < pixels.length; i += 7) histogram[pixels[i]!]! += 1;
  const target = (pixels.length / 7) * share;
  let seen = 0;
  for (let v = 0; v < 256; v += 1) {
    seen += histogram[v]!;
    if (seen >= target) return v;
  }
  return 255;
}

/** The inner edges of the sheet, or undefined when fewer than two sides have a dark border. */
function paperEdges(grey: GreyImage, dark: number): Edges | undefined {
  const { width, height, pixels } = grey;
  const at = (x: number, y: number) => pixels[y * width + x]!;
  // The first bright pixel of each scan line (3 in a row, so a speck does not end the desk), from one side.
  const inward = (lines: number, length: number, value: (line: number, i: number) => number): number => {
    const depths: number[] = [];
    for (let line = Math.round(lines * 0.05); line < lines * 0.95; line += 4) {
      let run = 0;
      let i = 0;
      for (; i < length / 3; i += 1) {
        run = value(line, i) > dark ? run + 1 : 0;
        if (run === 3) break;
      }
      // A line with no paper within a third of its length runs along the desk, beside the sheet.
      if (run === 3) depths.push(i - 2);
    }
    depths.sort((a, b) => a - b);
    return depths[Math.floor(depths.length * 0.97)] ?? 0;
  };
  const left = inward(height, width, (y, i) => at(i, y));
  const right = inward(height, width, (y, i) => at(width - 1 - i, y));
  const top = inward(width, height, (x, i) => at(x, i));
  const bottom = inward(width, height, (x, i) => at(x, height - 1 - i));
  const sides = [left / width, right / width, top / height, bottom / height].filter((s) => s >= MIN_BORDER).length;
  if (sides < 2) return undefined;
  const margin = Math.round(Math.min(width, height) * 0.004);
  return { left: left + margin, top: top + margin, right: width - 1 - right - margin, bottom: height - 1 - bottom - margin };
}

function crop(grey: GreyImage, e: Edges): GreyImage {
  const width = Math.max(1, e.right - e.left + 1);
  const height = Math.max(1, e.bottom - e.top + 1);
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) pixels.set(grey.pixels.subarray((y + e.top) * grey.width + e.left, (y + e.top) * grey.width + e.left + width), y * width);
  return { width, height, pixels };
}

/**
 * Divides each pixel by the paper's brightness around it: the brightest pixel of each block
 * (blocks larger than a line of text, so each holds paper), averaged with its neighbours and
 * interpolated between block centres.
 */
export function flattenLighting(grey: GreyImage, block = Math.max(32, Math.round(Math.min(grey.width, grey.height) / 40))): GreyImage {
  const { width, height, pixels } = grey;
  const bw = Math.ceil(width / block);
  const bh = Math.ceil(height / block);
  const maxima = new Float32Array(bw * bh);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const b = Math.floor(y / block) * bw + Math.floor(x / block);
      if (pixels[y * width + x]! > maxima[b]!) maxima[b] = pixels[y * width + x]!;
    }
  }
  const smooth = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by += 1) {
    for (let bx = 0; bx < bw; bx += 1) {
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy += 1) for (let dx = -1; dx <= 1; dx += 1) {
        const x = bx + dx;
        const y = by + dy;
        if (x >= 0 && y >= 0 && x < bw && y < bh) {
          sum += maxima[y * bw + x]!;
          n += 1;
        }
      }
      smooth[by * bw + bx] = Math.max(1, sum / n);
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const fy = Math.min(bh - 1, Math.max(0, y / block - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x += 1) {
      const fx = Math.min(bw - 1, Math.max(0, x / block - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const tx = fx - x0;
      const bg = (smooth[y0 * bw + x0]! * (1 - tx) + smooth[y0 * bw + x1]! * tx) * (1 - ty) + (smooth[y1 * bw + x0]! * (1 - tx) + smooth[y1 * bw + x1]! * tx) * ty;
      out[y * width + x] = Math.min(255, Math.round((pixels[y * width + x]! * 250) / bg));
    }
  }
  return { width, height, pixels: out };
}

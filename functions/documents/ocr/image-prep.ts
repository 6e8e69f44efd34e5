/**
 * Page-image preparation for OCR of tables: grey levels, a global (Otsu) threshold, deskew by
 * projection profiles, ruling lines found as long runs of ink, and a clean copy with the rulings
 * erased so the OCR engine sees cell text only. The rulings are kept: they give the table grid.
 */
import { createRequire } from "node:module";

type CanvasAddon = typeof import("@napi-rs/canvas");
let canvasAddon: CanvasAddon | undefined;
/** The native canvas addon loads on first use, so bundles that only read text layers never need it. */
function canvas(): CanvasAddon {
  return (canvasAddon ??= createRequire(import.meta.url)("@napi-rs/canvas") as CanvasAddon);
}
import { checkImageBudget } from "../image-budget.ts";
import { findRuledTables, mergeRulings, type Segment } from "../pdf/layout.ts";

export type GreyImage = { width: number; height: number; pixels: Uint8Array };

/** Decodes PNG/JPEG bytes into grey levels (0 black .. 255 white). */
export async function decodeGrey(bytes: Uint8Array): Promise<GreyImage> {
  checkImageBudget(bytes, "page");
  const image = await canvas().loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const surface = canvas().createCanvas(image.width, image.height);
  const context = surface.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, image.width, image.height);
  context.drawImage(image, 0, 0);
  return toGrey(context.getImageData(0, 0, image.width, image.height).data, image.width, image.height);
}

function toGrey(rgba: Uint8ClampedArray, width: number, height: number): GreyImage {
  const pixels = new Uint8Array(width * height);
  for (let i = 0, j = 0; j < pixels.length; i += 4, j += 1) pixels[j] = (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
  return { width, height, pixels };
}

/** Otsu's threshold: the grey level that best separates ink from paper. */
export function otsuThreshold(image: GreyImage): number {
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
  const points: number[] = [];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += step) if (ink[y * width + x]) points.push(x, y);
  }
  if (points.length < 200) return 0;
  const score = (degrees: number) => {
    const t = Math.tan((degrees * Math.PI) / 180);
    const bins = new Map<number, number>();
    for (let i = 0; i < points.length; i += 2) {
      const row = Math.round((points[i + 1]! - points[i]! * t) / 2);
      bins.set(row, (bins.get(row) ?? 0) + 1);
    }
    let s = 0;
    for (const v of bins.values()) s += v * v;
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

/** Rotates the grey image by -`degrees` about its centre (paper white fills the corners). */
export function rotateGrey(image: GreyImage, degrees: number): GreyImage {
  if (degrees === 0) return image;
  const { width, height } = image;
  const source = canvas().createCanvas(width, height);
  const sctx = source.getContext("2d");
  const data = sctx.createImageData(width, height);
  for (let j = 0, i = 0; j < image.pixels.length; j += 1, i += 4) {
    const v = image.pixels[j]!;
    data.data[i] = v;
    data.data[i + 1] = v;
    data.data[i + 2] = v;
    data.data[i + 3] = 255;
  }
  sctx.putImageData(data, 0, 0);
  const target = canvas().createCanvas(width, height);
  const tctx = target.getContext("2d");
  tctx.fillStyle = "#ffffff";
  tctx.fillRect(0, 0, width, height);
  tctx.translate(width / 2, height / 2);
  tctx.rotate((-degrees * Math.PI) / 180);
  tctx.drawImage(source, -width / 2, -height / 2);
  return toGrey(tctx.getImageData(0, 0, width, height).data, width, height);
}

/**
 * Ruling lines: runs of ink at least `minLength` pixels long (gaps of up to `maxGap` bridged),
 * horizontal by rows and vertical by columns. Strokes of characters are shorter than a ruling.
 */
export function findRulings(ink: Uint8Array, width: number, height: number, minLength: number, maxGap = 3): Segment[] {
  const segments: Segment[] = [];
  const scan = (length: number, lines: number, at: (line: number, i: number) => number, emit: (line: number, from: number, to: number) => void) => {
    for (let line = 0; line < lines; line += 1) {
      let start = -1;
      let last = -1;
      for (let i = 0; i < length; i += 1) {
        if (ink[at(line, i)]) {
          if (start < 0 || i - last > maxGap + 1) {
            if (start >= 0 && last - start + 1 >= minLength) emit(line, start, last);
            start = i;
          }
          last = i;
        }
      }
      if (start >= 0 && last - start + 1 >= minLength) emit(line, start, last);
    }
  };
  scan(width, height, (y, x) => y * width + x, (y, x1, x2) => segments.push({ x1, y1: y, x2, y2: y }));
  scan(height, width, (x, y) => y * width + x, (x, y1, y2) => segments.push({ x1: x, y1, x2: x, y2 }));
  return segments;
}

/** Erases rulings from the ink mask (with a pixel of margin, for anti-aliased edges). */
export function eraseRulings(ink: Uint8Array, width: number, height: number, rulings: readonly Segment[]): void {
  for (const s of rulings) {
    if (s.y1 === s.y2) {
      for (let y = Math.max(0, s.y1 - 1); y <= Math.min(height - 1, s.y1 + 1); y += 1) ink.fill(0, y * width + s.x1, y * width + s.x2 + 1);
    } else {
      for (let x = Math.max(0, s.x1 - 1); x <= Math.min(width - 1, s.x1 + 1); x += 1) {
        for (let y = s.y1; y <= s.y2; y += 1) ink[y * width + x] = 0;
      }
    }
  }
}

/** The ink mask as a binary PGM (P5) image: black ink on white, which Tesseract reads from stdin. */
export function toPgm(ink: Uint8Array, width: number, height: number): Uint8Array {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, "latin1");
  const out = new Uint8Array(header.length + ink.length);
  out.set(header, 0);
  for (let i = 0; i < ink.length; i += 1) out[header.length + i] = ink[i] ? 0 : 255;
  return out;
}

export type PreparedPage = {
  /** The resolution assumed (given, or estimated from the width of an A4 page). */
  dpi: number;
  width: number;
  height: number;
  skewDegrees: number;
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
export async function preparePage(bytes: Uint8Array, givenDpi?: number): Promise<PreparedPage> {
  let grey = await decodeGrey(bytes);
  const dpi = givenDpi ?? estimateDpi(grey.width, grey.height);
  const skew = estimateSkew(binarise(grey), grey.width, grey.height);
  grey = rotateGrey(grey, skew);
  const ink = binarise(grey);
  despeckle(ink, grey.width, grey.height, Math.max(2, Math.round(8 * (dpi / 300) ** 2)));
  const candidates = findRulings(ink, grey.width, grey.height, Math.round((12 * dpi) / 72));
  const rulings = tableRulings(candidates, dpi);
  eraseRulings(ink, grey.width, grey.height, rulings);
  return { dpi, width: grey.width, height: grey.height, skewDegrees: skew, rulings, cleaned: toPgm(ink, grey.width, grey.height), ink };
}

/** A4 paper is 8.27 inches wide: a page image's resolution follows from its width. */
export function estimateDpi(width: number, height: number): number {
  return Math.max(72, Math.min(600, Math.round(Math.min(width, height) / 8.27)));
}

/**
 * The candidate runs that lie on a table's grid: runs are merged into lines (in points, so the PDF
 * tolerances apply; a slightly tilted line arrives in pieces), lines inside a table that touch a
 * line of the other direction are kept (a character's stroke inside a cell touches no border),
 * and the runs that make up kept lines are returned.
 */
function tableRulings(candidates: readonly Segment[], dpi: number): Segment[] {
  const k = 72 / dpi;
  const scaled = candidates.map((s) => ({ x1: s.x1 * k, y1: s.y1 * k, x2: s.x2 * k, y2: s.y2 * k }));
  const tables = findRuledTables(scaled);
  const inside = (x1: number, y1: number, x2: number, y2: number) =>
    tables.some((t) => x1 >= t.left - 3 && x2 <= t.right + 3 && y1 >= t.top - 3 && y2 <= t.bottom + 3);
  const { hs, vs } = mergeRulings(scaled);
  const touch = 2.5;
  const keptH = hs.filter((h) => inside(h.x1, h.y, h.x2, h.y) && vs.some((v) => v.x >= h.x1 - touch && v.x <= h.x2 + touch && h.y >= v.y1 - touch && h.y <= v.y2 + touch));
  const keptV = vs.filter((v) => inside(v.x, v.y1, v.x, v.y2) && hs.some((h) => v.x >= h.x1 - touch && v.x <= h.x2 + touch && h.y >= v.y1 - touch && h.y <= v.y2 + touch));
  return candidates.filter((_, i) => {
    const s = scaled[i]!;
    if (s.y1 === s.y2) return keptH.some((h) => Math.abs(h.y - s.y1) <= 2 && s.x1 >= h.x1 - 0.5 && s.x2 <= h.x2 + 0.5);
    return keptV.some((v) => Math.abs(v.x - s.x1) <= 2 && s.y1 >= v.y1 - 0.5 && s.y2 <= v.y2 + 0.5);
  });
}

/** Removes specks: connected blots of ink smaller than `maxArea` pixels (a full stop is larger). */
export function despeckle(ink: Uint8Array, width: number, height: number, maxArea: number): void {
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
 * Whether a page image holds a ruled table (a grid of at least two rows and two columns), judged
 * cheaply at low resolution: used to OCR only the pages that hold the statistics tables.
 */
export async function pageHasTable(bytes: Uint8Array, dpi: number): Promise<boolean> {
  const grey = await decodeGrey(bytes);
  const ink = binarise(grey);
  const k = 72 / dpi;
  const runs = findRulings(ink, grey.width, grey.height, Math.max(8, Math.round((12 * dpi) / 72)), 2);
  const tables = findRuledTables(runs.map((r) => ({ x1: r.x1 * k, y1: r.y1 * k, x2: r.x2 * k, y2: r.y2 * k })));
  return tables.some((t) => {
    const { hs, vs } = mergeRulings(t.segments);
    return hs.length >= 3 && vs.length >= 3 && t.right - t.left > 144;
  });
}

export type Crop = { left: number; top: number; width: number; height: number };
export type CropSheet = { width: number; height: number; ink: Uint8Array; slots: Crop[] };

/**
 * Copies regions of an ink mask onto one sheet, each in its own slot with wide margins, so that a
 * single OCR run reads them all and every word found falls in the slot of the region it came from.
 */
export function cropSheet(source: { width: number; height: number; ink: Uint8Array }, crops: readonly Crop[], columns = 6): CropSheet {
  const slotWidth = Math.max(1, ...crops.map((c) => c.width)) + 80;
  const slotHeight = Math.max(1, ...crops.map((c) => c.height)) + 60;
  const rows = Math.ceil(crops.length / columns);
  const width = slotWidth * Math.min(columns, Math.max(1, crops.length));
  const height = slotHeight * Math.max(1, rows);
  const ink = new Uint8Array(width * height);
  const slots: Crop[] = [];
  crops.forEach((crop, i) => {
    const sx = (i % columns) * slotWidth + 40;
    const sy = Math.floor(i / columns) * slotHeight + 30;
    for (let y = 0; y < crop.height; y += 1) {
      const from = (crop.top + y) * source.width + crop.left;
      ink.set(source.ink.subarray(from, from + crop.width), (sy + y) * width + sx);
    }
    slots.push({ left: (i % columns) * slotWidth, top: Math.floor(i / columns) * slotHeight, width: slotWidth, height: slotHeight });
  });
  return { width, height, ink, slots };
}

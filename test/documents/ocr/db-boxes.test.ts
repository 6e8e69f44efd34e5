/**
 * The DB post-processing written on typed arrays (functions/documents/ocr/db-boxes.ts) gives the
 * boxes of paddleocr's own postprocessDetection, point for point: on maps drawn to hold what its
 * contour walk treats specially (holes, blobs touching at a corner, the map's edge, the candidate
 * limit), and on the detector's maps of real pages (p02 scanned at 200 dpi).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_DETECTION_OPTIONS, DetectionService } from "paddleocr";
import { dbBoxes, type DbResize } from "../../../functions/documents/ocr/db-boxes.ts";
import { DET, PaddleOcrEngine, paddleOcrUnavailable } from "../../../functions/documents/ocr/paddle.ts";
import { TEMPLATE_LABELS } from "../../../functions/report/ocr-labels.ts";
import { canRasterise, DEGRADED_200, realScan, REAL_DIR } from "../helpers/scans.ts";
import { existsSync } from "node:fs";
import { TEST_OCR_THREADS } from "../../support/ocr-threads.ts";

const missing = paddleOcrUnavailable() ?? (existsSync(`${REAL_DIR}p02.pdf`) && canRasterise() ? undefined : "../shared/corpus/real, pdftoppm or ImageMagick is missing");
if (missing) console.warn(`\n!!! SKIPPING the DB boxes test on real pages: ${missing}. CI installs all of it (.ci/run).\n`);

/** The library's post-processing, called as its DetectionService calls it. */
type Options = typeof DEFAULT_DETECTION_OPTIONS & { maxCandidates: number; minimumAreaThreshold: number };
const library = (map: Float32Array, resizeParams: DbResize, options: Options) =>
  (DetectionService.prototype as unknown as { postprocessDetection(m: Float32Array, i: { resizeParams: DbResize }, o: Options): unknown[] }).postprocessDetection(map, { resizeParams }, options);

/** The engine's detection settings (functions/documents/ocr/paddle.ts). */
const ENGINE_OPTIONS: Options = { ...DEFAULT_DETECTION_OPTIONS, textPixelThreshold: DET.textPixelThreshold, boxScoreThreshold: DET.boxScoreThreshold, unclipRatio: DET.unclipRatio, maxCandidates: 3000 };

/** A map of text-like blobs on noise; the page twice its size. */
function drawnMap(width: number, height: number, seed: number) {
  let state = seed;
  const rand = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const map = Float32Array.from({ length: width * height }, () => rand() * 0.35);
  const fill = (x0: number, y0: number, w: number, h: number, value: () => number) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) map[y * width + x] = value();
  };
  for (let i = 0; i < 60; i++) {
    const [x, y, w, h] = [Math.floor(rand() * width) - 5, Math.floor(rand() * height) - 5, 4 + Math.floor(rand() * 60), 4 + Math.floor(rand() * 14)];
    fill(x, y, w, h, () => 0.4 + rand() * 0.6);
    // A hole in some lines, a cut into others.
    if (rand() < 0.4 && w > 12 && h > 8) fill(x + 3, y + 3, w - 6, h - 6, () => rand() * 0.2);
    else if (rand() < 0.3) fill(x + Math.floor(w / 2), y, 2, Math.floor(h / 2), () => 0.1);
  }
  // Blobs meeting at a corner only: one 8-connected component whose border loops touch.
  for (let i = 0; i < 8; i++) {
    const [x, y] = [10 + Math.floor(rand() * (width - 40)), 10 + Math.floor(rand() * (height - 40))];
    fill(x, y, 8, 8, () => 0.9);
    fill(x + 8, y + 8, 8, 8, () => 0.9);
    fill(x + 16, y, 8, 8, () => 0.9);
  }
  const resize: DbResize = { srcWidth: width * 2, srcHeight: height * 2, dstWidth: width, dstHeight: height, scaleWidth: 0.5, scaleHeight: 0.5 };
  return { map, resize };
}

describe("DB boxes on typed arrays", () => {
  it("are the library's boxes on maps with holes, corner-touching blobs, the map's edge and a candidate limit", () => {
    let boxes = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { map, resize } = drawnMap(320, 200, seed);
      const expected = library(map, resize, ENGINE_OPTIONS);
      expect(dbBoxes(map, resize, ENGINE_OPTIONS)).toEqual(expected);
      boxes += expected.length;
      const few = { ...ENGINE_OPTIONS, maxCandidates: 7 };
      expect(dbBoxes(map, resize, few)).toEqual(library(map, resize, few));
    }
    expect(boxes).toBeGreaterThan(60);
  });

  it("make a box of a hole as the library does, and walk corner-touching blobs as it does", () => {
    const [width, height] = [60, 40];
    const map = new Float32Array(width * height);
    const fill = (x0: number, y0: number, w: number, h: number, v: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) map[y * width + x] = v;
    };
    fill(2, 2, 30, 20, 0.9);
    fill(6, 6, 22, 12, 0);
    fill(36, 4, 8, 8, 0.9);
    fill(44, 12, 8, 8, 0.9);
    const resize: DbResize = { srcWidth: width, srcHeight: height, dstWidth: width, dstHeight: height, scaleWidth: 1, scaleHeight: 1 };
    const options = { ...ENGINE_OPTIONS, boxScoreThreshold: 0 };
    const expected = library(map, resize, options);
    // The ring's outer border and its hole's are two contours, two boxes.
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(dbBoxes(map, resize, options)).toEqual(expected);
  });
});

describe.skipIf(missing !== undefined)("DB boxes on real pages", () => {
  it("are the library's boxes on the detector's maps of a real report's scanned pages (p02, 200 dpi)", async () => {
    const engine = new PaddleOcrEngine({ labels: TEMPLATE_LABELS, threads: TEST_OCR_THREADS });
    for (const page of realScan("p02", DEGRADED_200, [2, 3])) {
      const { map, resizeParams, options } = await engine.detectionMap({ bytes: page.jpeg, mediaType: "image/jpeg" });
      const expected = library(map, resizeParams, options as never);
      expect(expected.length).toBeGreaterThan(20);
      expect(dbBoxes(map, resizeParams, options)).toEqual(expected);
    }
  }, 120_000);
});

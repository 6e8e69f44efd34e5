/**
 * A PDF page rendered for OCR reaches the engine as pixels, not as PNG bytes: the preparation the
 * engine makes of it is the one it made of the PNG, engines that send files (Textract) still get a
 * PNG, and the OCR cache keys the page by its pixels.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createCanvas } from "@napi-rs/canvas";
import { cacheOcrResults, imageDigest, type ResultBucket } from "../../../functions/documents/ocr/cache.ts";
import { encodedImage, type OcrEngine, type OcrImage, type PagePixels } from "../../../functions/documents/ocr/engine.ts";
import { decodeGrey, encodePng } from "../../../functions/documents/ocr/image-pixels.ts";
import { preparePage } from "../../../functions/documents/ocr/image-prep.ts";
import { ocrPdfPages, renderPdfPixels } from "../../../functions/documents/ocr/pdf-pages.ts";
import { loadPdfJs, openPdf } from "../../../functions/documents/pdf/open-pdf.ts";
import { hashBytes } from "../../../functions/shared/hash.ts";
import { imagesToPdf } from "../../fixtures/generate/render-scan.ts";

const DPI = 150;

/** A scanned page (JPEG in a PDF, no text layer): a ruled 4×3 table with figures, turned 0.6°. Made once. */
let scan: Promise<Uint8Array> | undefined;
const scannedPdf = () => (scan ??= makeScannedPdf());
async function makeScannedPdf(): Promise<Uint8Array> {
  const [width, height] = [Math.round(8.27 * DPI), Math.round(11.69 * DPI)];
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.fillStyle = "#f2f2ee";
  context.fillRect(0, 0, width, height);
  context.translate(width / 2, height / 2);
  context.rotate((0.6 * Math.PI) / 180);
  context.translate(-width / 2, -height / 2);
  context.strokeStyle = "#222";
  context.lineWidth = 2;
  const [left, top, cellWidth, cellHeight] = [150, 300, 220, 60];
  for (let r = 0; r <= 4; r += 1) context.strokeRect(left, top + r * cellHeight, 3 * cellWidth, 0);
  for (let c = 0; c <= 3; c += 1) context.strokeRect(left + c * cellWidth, top, 0, 4 * cellHeight);
  context.fillStyle = "#111";
  context.font = "28px sans-serif";
  for (let r = 0; r < 4; r += 1) for (let c = 0; c < 3; c += 1) context.fillText(String(17 * r + 5 * c), left + c * cellWidth + 90, top + r * cellHeight + 42);
  const jpeg = new Uint8Array(await canvas.encode("jpeg", 70));
  return imagesToPdf([{ jpeg, width, height, dpi: DPI }]);
}

async function renderedPage(): Promise<PagePixels> {
  const doc = await openPdf(await loadPdfJs(), await scannedPdf());
  try {
    return await renderPdfPixels(doc, 1, DPI);
  } finally {
    await doc.destroy();
  }
}

/** Records the images it is handed; reads nothing. */
class RecordingOcr implements OcrEngine {
  readonly name = "recording";
  readonly images: OcrImage[] = [];
  async recognizeImage(image: OcrImage) {
    this.images.push(image);
    return { blocks: [] };
  }
}

/** pdf.js's first load and a 300 dpi render take seconds on a loaded machine: the default 30 s is too tight there. */
const SLOW = 120_000;

describe("OCR of rendered pages as pixels", () => {
  // The scan and pdf.js made once, in a hook (hookTimeout 120 s), for both tests that render it.
  beforeAll(async () => {
    await Promise.all([scannedPdf(), loadPdfJs()]);
  });

  it("prepares the pixels exactly as it prepared their PNG: grey levels, skew, ink and rulings", async () => {
    const pixels = await renderedPage();
    const png = await encodePng(pixels);
    const [fromPixels, fromPng] = await Promise.all([preparePage(pixels, { faintStrokes: true }), preparePage(png, { faintStrokes: true })]);
    expect(fromPixels.skewDegrees).not.toBe(0);
    expect(fromPixels.rulings.length).toBeGreaterThanOrEqual(7);
    expect({ ...fromPixels, grey: undefined, ink: undefined }).toEqual({ ...fromPng, grey: undefined, ink: undefined });
    expect(Buffer.compare(fromPixels.grey.pixels, fromPng.grey.pixels)).toBe(0);
    expect(Buffer.compare(fromPixels.ink, fromPng.ink)).toBe(0);
  }, SLOW);

  it("hands the engine the rendered pixels, and an engine that sends files a PNG of them", async () => {
    const doc = await openPdf(await loadPdfJs(), await scannedPdf());
    const engine = new RecordingOcr();
    try {
      await ocrPdfPages(doc, new Uint8Array(), [1], engine);
    } finally {
      await doc.destroy();
    }
    const [image] = engine.images;
    expect(image?.bytes).toBeUndefined();
    expect(image?.label).toBe("page 1");
    expect(image?.pixels && [image.pixels.width, image.pixels.height, image.pixels.rgba.length]).toEqual([2482, 3508, 2482 * 3508 * 4]); // the 150 dpi scan at 300 dpi
    const file = await encodedImage(image!);
    expect(file.mediaType).toBe("image/png");
    expect([...file.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const [again, rendered] = await Promise.all([decodeGrey(file.bytes), decodeGrey(image!.pixels!)]);
    expect(Buffer.compare(again.pixels, rendered.pixels)).toBe(0);
  }, SLOW);

  it("keys the OCR cache by the pixels (one changed pixel is another page) and a file by its bytes, as before", async () => {
    const pixels: PagePixels = { width: 4, height: 2, rgba: new Uint8ClampedArray(32).fill(255) };
    const changed: PagePixels = { ...pixels, rgba: pixels.rgba.slice() };
    changed.rgba[9] = 0;
    const reshaped: PagePixels = { ...pixels, width: 2, height: 4 };
    expect(imageDigest({ pixels })).toBe(imageDigest({ pixels: { ...pixels, rgba: pixels.rgba.slice() } }));
    expect(new Set([imageDigest({ pixels }), imageDigest({ pixels: changed }), imageDigest({ pixels: reshaped })]).size).toBe(3);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    expect(imageDigest({ bytes: png, mediaType: "image/png" })).toBe(hashBytes(png));

    const stored = new Map<string, unknown>();
    const bucket: ResultBucket = {
      head: async (_b, key) => stored.has(key) || undefined,
      getJson: async <T,>(_b: string, key: string) => stored.get(key) as T,
      putJson: async (_b, key, value) => void stored.set(key, value),
    };
    const engine = new RecordingOcr();
    const cached = cacheOcrResults(engine, bucket, "artifacts");
    await cached.recognizeImage({ pixels, label: "page 1" });
    await cached.recognizeImage({ pixels: { ...pixels, rgba: pixels.rgba.slice() }, label: "page 1" });
    await cached.recognizeImage({ pixels: changed, label: "page 1" });
    expect(engine.images).toHaveLength(2);
    expect([...stored.keys()]).toEqual([`ocr-cache/v1/recording/${imageDigest({ pixels })}.json`, `ocr-cache/v1/recording/${imageDigest({ pixels: changed })}.json`]);
  });
});

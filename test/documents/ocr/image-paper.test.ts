/** A photographed sheet cut out of the desk around it, its lighting flattened; a scan left as it is. */
import { describe, expect, it } from "vitest";
import { cutOutPaper, flattenLighting } from "../../../functions/documents/ocr/image-paper.ts";
import type { GreyImage } from "../../../functions/documents/ocr/image-pixels.ts";

/** A 400x560 sheet with a dark text bar, lit from the left (230 -> 170), on a desk `border` pixels wide. */
function photo(border: number): GreyImage {
  const width = 400 + 2 * border;
  const height = 560 + 2 * border;
  const pixels = new Uint8Array(width * height).fill(70);
  for (let y = border; y < border + 560; y += 1) {
    for (let x = border; x < border + 400; x += 1) {
      const light = 230 - (60 * (x - border)) / 400;
      pixels[y * width + x] = y > border + 200 && y < border + 210 && x > border + 50 && x < border + 350 ? 20 : light;
    }
  }
  return { width, height, pixels };
}

describe("cutOutPaper", () => {
  it("cuts the sheet out of a desk border and flattens its light", () => {
    const out = cutOutPaper(photo(30));
    expect(out.width).toBeGreaterThan(390);
    expect(out.width).toBeLessThanOrEqual(400);
    expect(out.height).toBeGreaterThan(550);
    expect(out.height).toBeLessThanOrEqual(560);
    // No desk left, the dim side as bright as the lit one, the ink still dark.
    expect(out.pixels.reduce((m, v) => Math.min(m, v), 255)).toBeLessThan(60);
    const row = (y: number) => Array.from(out.pixels.subarray(y * out.width, (y + 1) * out.width));
    expect(Math.min(...row(20))).toBeGreaterThan(235);
    expect(Math.min(...row(400))).toBeGreaterThan(235);
  });

  it("leaves an image without a dark border (a scan) as it is", () => {
    const scan = photo(0);
    expect(cutOutPaper(scan)).toBe(scan);
  });

  it("flattening keeps ink dark and paper light", () => {
    const flat = flattenLighting(photo(0));
    expect(flat.pixels[205 * 400 + 200]).toBeLessThan(60);
    expect(flat.pixels[100 * 400 + 390]).toBeGreaterThan(235);
  });
});

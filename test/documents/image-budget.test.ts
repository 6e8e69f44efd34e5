/**
 * Image bombs: headers that declare more pixels than the budget are refused before anything
 * decodes them, with a reason, in process and through `nianbao parse` (no crash, exit 2).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkImageBudget, declaredDimensions, MAX_IMAGE_PIXELS, renderScale } from "../../functions/documents/image-budget.ts";
import { extractDocument } from "../../functions/documents/index.ts";
import { decodeGrey } from "../../functions/documents/ocr/image-prep.ts";
import { UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { ihdrChunk, PNG_SIGNATURE, pngChunk } from "./helpers/png.ts";

/** A PNG declaring `width`×`height` 1-bit grey pixels; with `idat`, a complete, valid image of zeros. */
function png(width: number, height: number, idat: boolean): Buffer {
  const parts = [PNG_SIGNATURE, ihdrChunk(width, height, 1, 0)];
  if (idat) parts.push(pngChunk("IDAT", deflateSync(Buffer.alloc(height * (1 + Math.ceil(width / 8))), { level: 9 })), pngChunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nianbao-bomb-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("image pixel budget", () => {
  const headerOnly = png(65535, 65535, false);
  const valid12k = png(12000, 12000, true);

  it("reads the declared dimensions from the header alone", () => {
    expect(headerOnly.length).toBeLessThan(50);
    expect(declaredDimensions(headerOnly)).toEqual({ width: 65535, height: 65535 });
    expect(valid12k.length).toBeLessThan(64 * 1024);
    expect(declaredDimensions(valid12k)).toEqual({ width: 12000, height: 12000 });
    expect(checkImageBudget(png(2480, 3508, false), "A4 at 300 dpi")).toEqual({ width: 2480, height: 3508 });
  });

  it("refuses both bombs before decoding, in the reader and in the OCR preparation", async () => {
    for (const bomb of [headerOnly, valid12k]) {
      await expect(extractDocument(bomb, { fileName: "scan.png" })).rejects.toThrow(UnreadableDocumentError);
      await expect(extractDocument(bomb, { fileName: "scan.png" })).rejects.toThrow(/像素|megapixels/);
      await expect(decodeGrey(bomb)).rejects.toThrow(UnreadableDocumentError);
    }
  });

  it("renders an oversized PDF page at a resolution within the budget", () => {
    expect(renderScale(595, 842, 300)).toBeCloseTo(300 / 72);
    const huge = renderScale(14400, 14400, 300); // a 200-inch page
    expect(14400 * huge * 14400 * huge).toBeLessThanOrEqual(MAX_IMAGE_PIXELS * 1.0001);
  });

  it("exits 2 with the reason through `nianbao parse`, without crashing", async () => {
    const file = join(dir, "bomb.png");
    await writeFile(file, headerOnly);
    const run = spawnSync(process.execPath, ["bin/nianbao.mjs", "parse", file, "--json"], { encoding: "utf8", timeout: 60_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/65535×65535/);
  });
});

/**
 * `nianbao parse` on a scanned PDF (seed 003 printed by chromium, rasterised at 300 dpi with no
 * text layer): read with the local OCR engine, progress on stderr, the record on stdout.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localOcrEngine } from "../../../functions/documents/ocr/local.ts";
import { TEMPLATE_LABELS } from "../../../functions/report/ocr-labels.ts";
import { loadSeeds, seedPdf } from "../../fixtures/generate/index.ts";
import { findChromium } from "../../fixtures/generate/render-pdf.ts";
import { imagesToPdf, scanPdf } from "../../fixtures/generate/render-scan.ts";

const run = promisify(execFile);
/** The engine the local stack and `nianbao parse` read scans with (PaddleOCR where npm ci installed it). */
const localEngine = localOcrEngine({ labels: TEMPLATE_LABELS })?.name;
const hasLocalOcr = localEngine !== undefined;
const seed = loadSeeds().find((s) => s.name.startsWith("003"))!;
let dir: string;
let scan: string;

describe.skipIf(!findChromium() || !hasLocalOcr)("nianbao parse on a scan", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nianbao-parse-scan-"));
    scan = join(dir, "scan.pdf");
    await writeFile(scan, imagesToPdf(await scanPdf(await seedPdf(seed))));
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads the pages with the local OCR engine and says so in the record and on stderr", async () => {
    const { stdout, stderr } = await run("node", ["bin/nianbao.mjs", "parse", scan, "--json"], { maxBuffer: 16 * 1024 * 1024 });
    const record = JSON.parse(stdout);
    expect({ year: record.year, edition: record.edition }).toEqual({ year: seed.record.year, edition: seed.record.edition });
    expect(record.ocr).toMatchObject({ engine: localEngine, pages: expect.arrayContaining([1]) });
    expect(stderr).toMatch(/OCR page \d+ done/);
    // Figures agree with the expected record in nearly every cell (exactness is the round-trip tests' concern).
    const expected = seed.record.applications as unknown as Record<string, Record<string, number | null>>;
    const cells = Object.entries(expected).flatMap(([row, cols]) => Object.entries(cols).map(([col, value]) => record.applications[row]?.[col] === value));
    expect(cells.filter(Boolean).length / cells.length).toBeGreaterThanOrEqual(0.95);
  }, 180_000);

  it("exits 2 with a one-line reason when OCR is turned off", async () => {
    const failure = await run("node", ["bin/nianbao.mjs", "parse", scan, "--no-ocr"]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    const lines = (failure as { stderr: string }).stderr.split("\n").filter((l) => l.startsWith("nianbao:"));
    expect(lines).toEqual([expect.stringContaining("--no-ocr")]);
  }, 60_000);
});

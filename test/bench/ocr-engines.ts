/**
 * Measures the local OCR engines on the same page images in one run: the seeds' generated scans
 * (as test/documents/ocr-round-trip.test.ts makes them) and the real reports rasterised at 200
 * and 300 dpi, turned, noised and JPEG-compressed (test/documents/helpers/scans.ts).
 * Prints cells right per file, error findings, and seconds per OCR'd page.
 *
 * usage: NIANBAO_OCR_THREADS=1 node bin/run-ts.mjs test/bench/ocr-engines.ts [paddleocr,tesseract] [case-filter]
 */
import { readConfig } from "../../functions/shared/config.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { extractDocument } from "../../functions/documents/index.ts";
import type { OcrEngine } from "../../functions/documents/ocr/engine.ts";
import { parseReport } from "../../functions/report/index.ts";
import { PaddleOcrEngine } from "../../functions/documents/ocr/paddle.ts";
import { TesseractOcrEngine } from "../../functions/documents/ocr/tesseract.ts";
import { loadSeeds, seedPdf } from "../fixtures/generate/index.ts";
import { imagesToPdf, scanPdf, type ScannedPage } from "../fixtures/generate/render-scan.ts";
import { cellAccuracy, DEGRADED_200, DEGRADED_300, realExpected, realScan } from "../documents/helpers/scans.ts";

const engines = (process.argv[2] ?? "paddleocr,tesseract").split(",");
const filter = process.argv[3] ? new RegExp(process.argv[3]) : undefined;

type Case = { name: string; pages: () => Promise<ScannedPage[]>; expected: () => Parameters<typeof cellAccuracy>[0]; expectedErrors: number };
const cases: Case[] = [];
for (const seed of loadSeeds()) {
  cases.push({ name: `seed ${seed.name} (300 dpi, 0.4°, JPEG 85)`, pages: async () => scanPdf(await seedPdf(seed)), expected: () => seed.record as never, expectedErrors: -1 });
}
for (const name of ["p02", "p03", "p04"]) {
  for (const options of [DEGRADED_200, DEGRADED_300]) {
    cases.push({
      name: `real ${name} (${options.dpi} dpi, ${options.rotateDegrees}°, noise, JPEG ${options.quality})`,
      pages: async () => realScan(name, options),
      expected: () => realExpected(name),
      expectedErrors: (realExpected(name).findings ?? []).filter((f) => f.severity === "error").length,
    });
  }
}

const make = (name: string): OcrEngine =>
  name === "paddleocr" ? new PaddleOcrEngine({ labels: TEMPLATE_LABELS, ...(THREADS ? { threads: THREADS } : {}) }) : new TesseractOcrEngine({ labels: TEMPLATE_LABELS });
/** ONNX Runtime threads for the measurement (NIANBAO_OCR_THREADS=1 for a one-core figure). */
const THREADS = readConfig().NIANBAO_OCR_THREADS;
const totals = new Map<string, { right: number; total: number; seconds: number; pages: number; exact: number; falseErrors: number }>();
for (const c of cases) {
  if (filter && !filter.test(c.name)) continue;
  const pages = await c.pages();
  const pdf = imagesToPdf(pages);
  for (const engineName of engines) {
    const started = Date.now();
    const doc = await extractDocument(pdf, { fileName: "scan.pdf", ocr: make(engineName) });
    const seconds = (Date.now() - started) / 1000;
    const read = doc.pages.filter((p) => p.ocr).length;
    const { record } = parseReport(doc);
    const acc = cellAccuracy(c.expected(), record as never);
    const errors = record.findings.filter((f) => f.severity === "error").length;
    const t = totals.get(engineName) ?? { right: 0, total: 0, seconds: 0, pages: 0, exact: 0, falseErrors: 0 };
    t.right += acc.right;
    t.total += acc.total;
    t.seconds += seconds;
    t.pages += read;
    if (acc.right === acc.total) t.exact += 1;
    if (c.expectedErrors >= 0) t.falseErrors += Math.max(0, errors - c.expectedErrors);
    totals.set(engineName, t);
    console.log(
      `${engineName.padEnd(9)} ${c.name}: ${acc.right}/${acc.total} cells (${(acc.share * 100).toFixed(1)}%), ${errors} error findings${c.expectedErrors >= 0 ? ` (expected ${c.expectedErrors})` : ""}, ${read} pages OCR'd, ${(seconds / Math.max(1, read)).toFixed(1)} s/page${acc.wrong.length ? `\n    wrong: ${acc.wrong.slice(0, 12).join(", ")}` : ""}`,
    );
  }
}
for (const [name, t] of totals) {
  console.log(`TOTAL ${name}: ${t.right}/${t.total} cells (${((t.right / t.total) * 100).toFixed(1)}%), ${t.exact} files exact, ${t.falseErrors} extra error findings on the real reports, ${(t.seconds / t.pages).toFixed(1)} s/page`);
}

/**
 * Measures the local OCR engines on the same page images in one run: the seeds' generated scans
 * (as test/documents/ocr-round-trip.test.ts makes them) and the real reports rasterised at 200
 * and 300 dpi, turned, noised and JPEG-compressed (test/documents/helpers/scans.ts).
 * Per engine and file: cells right, error findings, and CPU seconds per OCR'd page at one thread
 * (CPU time, not wall time: the machine may be shared). The goal (issue 12) is stated beside it.
 *
 * `npm run bench` runs it with the other benchmarks; alone:
 *   node bin/run-ts.mjs test/bench/ocr-engines.ts [paddleocr,tesseract] [case-filter]
 * NIANBAO_OCR_THREADS sets ONNX Runtime's threads (default here 1, the one-core figure).
 */
import { pathToFileURL } from "node:url";
import { readConfig } from "../../functions/shared/config.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { extractDocument } from "../../functions/documents/index.ts";
import type { OcrEngine, OcrImage } from "../../functions/documents/ocr/engine.ts";
import { parseReport } from "../../functions/report/index.ts";
import { isPaddleOcrInstalled, PaddleOcrEngine, type PaddleStageSeconds } from "../../functions/documents/ocr/paddle.ts";
import { isTesseractInstalled, TesseractOcrEngine } from "../../functions/documents/ocr/tesseract.ts";
import { loadSeeds, seedPdf } from "../fixtures/generate/index.ts";
import { findChromium } from "../fixtures/generate/render-pdf.ts";
import { imagesToPdf, scanPdf, type ScannedPage } from "../fixtures/generate/render-scan.ts";
import { canRasterise, cellAccuracy, DEGRADED_200, DEGRADED_300, realExpected, realScan, REAL_DIR } from "../documents/helpers/scans.ts";
import { existsSync } from "node:fs";
import { childCpuSeconds } from "./cpu-time.ts";

export type Row = Record<string, string | number>;

/** The goal of issue 12: seconds per page on one core, at this share of cells right. */
export const OCR_GOAL = { secondsPerPage: 3, cellsRight: 0.995 };

type Case = { name: string; pages: () => Promise<ScannedPage[]>; expected: () => Parameters<typeof cellAccuracy>[0]; expectedErrors: number };

function benchCases(): Case[] {
  const cases: Case[] = [];
  if (findChromium()) {
    for (const seed of loadSeeds()) {
      cases.push({ name: `seed ${seed.name.slice(0, 3)} (300 dpi, 0.4°, JPEG 85)`, pages: async () => scanPdf(await seedPdf(seed)), expected: () => seed.record as never, expectedErrors: -1 });
    }
  } else console.warn("!!! OCR bench: no chromium, the seeds' generated scans are left out");
  if (existsSync(`${REAL_DIR}p02.pdf`) && canRasterise()) {
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
  } else console.warn("!!! OCR bench: the real reports are left out (needs ../shared/corpus/real, pdftoppm and ImageMagick)");
  return cases;
}

/** CPU seconds of this process (all its threads: ONNX Runtime's too) and of its finished child processes (Tesseract). */
export function cpuSeconds(): number {
  const own = process.cpuUsage();
  // Children's CPU from /proc/self/stat; 0 where there is no /proc.
  return (own.user + own.system) / 1e6 + (childCpuSeconds() ?? 0);
}

/** The engine, one page at a time, adding the CPU time each page takes to `spent`. */
function timed(engine: OcrEngine, spent: { seconds: number }): OcrEngine {
  return {
    name: engine.name,
    concurrency: 1,
    async recognizeImage(image: OcrImage) {
      const started = cpuSeconds();
      try {
        return await engine.recognizeImage(image);
      } finally {
        spent.seconds += cpuSeconds() - started;
      }
    },
  };
}

const ENGINES: Record<string, { installed: () => boolean; make: (threads: number) => OcrEngine }> = {
  paddleocr: { installed: isPaddleOcrInstalled, make: (threads) => new PaddleOcrEngine({ labels: TEMPLATE_LABELS, threads }) },
  tesseract: { installed: () => isTesseractInstalled(), make: () => new TesseractOcrEngine({ labels: TEMPLATE_LABELS, concurrency: 1 }) },
};

/** PaddleOCR's CPU seconds per page by stage, and its recognition crops per page; undefined for an engine that does not count them. */
function stageBreakdown(engine: OcrEngine | undefined, pages: number): string | undefined {
  const stages = (engine as { stageSeconds?: PaddleStageSeconds } | undefined)?.stageSeconds;
  if (!stages || pages === 0) return undefined;
  const { crops, ...seconds } = stages;
  const perPage = Object.entries(seconds).map(([stage, s]) => `${stage} ${(s / pages).toFixed(2)}`);
  return `${perPage.join(", ")}; ${Math.round(crops / pages)} crops`;
}

type Totals = { right: number; total: number; seconds: number; pages: number; files: number; exact: number; falseErrors: number };

/** Both engines on every case's pages, one case at a time; a row per engine and case, then a total per engine. */
export async function benchOcrEngines(engineNames = Object.keys(ENGINES), filter?: RegExp, log = false): Promise<Row[]> {
  const threads = readConfig().NIANBAO_OCR_THREADS ?? 1;
  const names = engineNames.filter((name) => {
    const known = ENGINES[name];
    if (!known?.installed()) console.warn(`!!! OCR bench: ${name} is ${known ? "not installed" : "unknown"}, left out`);
    return known?.installed();
  });
  const engines = new Map(names.map((name) => [name, ENGINES[name]!.make(threads)]));
  const rows: Row[] = [];
  const totals = new Map<string, Totals>();
  for (const c of benchCases()) {
    if (filter && !filter.test(c.name)) continue;
    const pdf = imagesToPdf(await c.pages());
    for (const [name, engine] of engines) {
      const spent = { seconds: 0 };
      const doc = await extractDocument(pdf, { fileName: "scan.pdf", ocr: timed(engine, spent) });
      const pages = doc.pages.filter((p) => p.ocr).length;
      const { record } = parseReport(doc);
      const accuracy = cellAccuracy(c.expected(), record as never);
      const errors = record.findings.filter((f) => f.severity === "error").length;
      const t = totals.get(name) ?? { right: 0, total: 0, seconds: 0, pages: 0, files: 0, exact: 0, falseErrors: 0 };
      t.right += accuracy.right;
      t.total += accuracy.total;
      t.seconds += spent.seconds;
      t.pages += pages;
      t.files += 1;
      if (accuracy.right === accuracy.total) t.exact += 1;
      if (c.expectedErrors >= 0) t.falseErrors += Math.max(0, errors - c.expectedErrors);
      totals.set(name, t);
      const row: Row = {
        engine: name,
        file: c.name,
        "cells right": `${accuracy.right}/${accuracy.total} (${(accuracy.share * 100).toFixed(1)}%)`,
        "error findings": c.expectedErrors >= 0 ? `${errors} (expected ${c.expectedErrors})` : errors,
        "pages OCR'd": pages,
        "CPU s/page": Number((spent.seconds / Math.max(1, pages)).toFixed(2)),
      };
      rows.push(row);
      if (log) console.log(Object.values(row).join(" | ") + (accuracy.wrong.length ? `\n    wrong: ${accuracy.wrong.slice(0, 12).join(", ")}` : ""));
    }
  }
  for (const [name, t] of totals) {
    const stages = stageBreakdown(engines.get(name), t.pages);
    const share = t.total ? t.right / t.total : 0;
    const perPage = t.seconds / Math.max(1, t.pages);
    const met = perPage <= OCR_GOAL.secondsPerPage && share >= OCR_GOAL.cellsRight;
    rows.push({
      engine: name,
      file: `TOTAL (${t.files} files, ${t.exact} exact, ${t.falseErrors} extra error findings on the real reports)`,
      "cells right": `${t.right}/${t.total} (${(share * 100).toFixed(1)}%)`,
      "error findings": "",
      "pages OCR'd": t.pages,
      "CPU s/page": Number(perPage.toFixed(2)),
      [`goal ≤ ${OCR_GOAL.secondsPerPage} s/page at ≥ ${OCR_GOAL.cellsRight * 100}% of cells, ${threads} thread${threads > 1 ? "s" : ""}`]: met ? "met" : "not met",
      ...(stages ? { "CPU s/page by stage": stages } : {}),
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const rows = await benchOcrEngines(process.argv[2]?.split(","), process.argv[3] ? new RegExp(process.argv[3]) : undefined, true);
  const totalRows = rows.filter((r) => String(r.file).startsWith("TOTAL"));
  console.table(totalRows);
  for (const r of totalRows) if (r["CPU s/page by stage"]) console.log(`${r.engine} CPU s/page by stage: ${r["CPU s/page by stage"]}`);
}

/**
 * Pages per second of each document extractor, on the five seeds rendered by the fixture
 * generator (HTML, DOCX, born-digital PDF) and the seeds' own text files.
 * Each figure is the median of repeated runs after a warm-up; generation is not timed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractDocument } from "../../functions/documents/index.ts";
import { loadSeeds, SEEDS_DIR, seedDocx, seedHtml, seedPdf } from "../fixtures/generate/index.ts";
import { isTesseractInstalled, TesseractOcrEngine } from "../../functions/documents/ocr/tesseract.ts";
import type { OcrEngine, OcrImage } from "../../functions/documents/ocr/engine.ts";
import { layoutReport } from "../fixtures/generate/index.ts";
import { findChromium, renderPdf } from "../fixtures/generate/render-pdf.ts";
import { imagesToPdf, scanPdf } from "../fixtures/generate/render-scan.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";

export type Row = Record<string, string | number>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeExtract(files: { name: string; bytes: Uint8Array }[], runs: number): Promise<{ msPerDoc: number; pages: number }> {
  let pages = 0;
  for (const f of files) pages += (await extractDocument(f.bytes, { fileName: f.name })).pages.length; // warm-up and page count
  const perRun: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = process.hrtime.bigint();
    for (const f of files) await extractDocument(f.bytes, { fileName: f.name });
    perRun.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { msPerDoc: median(perRun) / files.length, pages };
}

export async function benchDocuments(runs = 15): Promise<Row[]> {
  const seeds = loadSeeds();
  const sets: { extractor: string; files: { name: string; bytes: Uint8Array }[]; note?: string }[] = [
    { extractor: "text", files: seeds.map((s) => ({ name: `${s.name}.txt`, bytes: new Uint8Array(readFileSync(join(SEEDS_DIR, `${s.name}.txt`))) })) },
    { extractor: "html", files: seeds.map((s) => ({ name: `${s.name}.html`, bytes: seedHtml(s) })) },
    { extractor: "docx", files: await Promise.all(seeds.map(async (s) => ({ name: `${s.name}.docx`, bytes: await seedDocx(s) }))) },
  ];
  if (findChromium()) {
    const pdfs = [];
    for (const s of seeds) pdfs.push({ name: `${s.name}.pdf`, bytes: await seedPdf(s) });
    sets.push({ extractor: "pdf (text layer)", files: pdfs });
  }
  const rows: Row[] = [];
  for (const set of sets) {
    const { msPerDoc, pages } = await timeExtract(set.files, runs);
    const pagesPerDoc = pages / set.files.length;
    rows.push({
      extractor: set.extractor,
      documents: set.files.length,
      "pages (model)": pages,
      "ms per document": msPerDoc.toFixed(2),
      "pages per second": ((pagesPerDoc * 1000) / msPerDoc).toFixed(1),
      "KB per document": (set.files.reduce((n, f) => n + f.bytes.length, 0) / set.files.length / 1024).toFixed(0),
    });
  }
  if (!findChromium()) rows.push({ extractor: "pdf (text layer)", documents: 0, "pages (model)": 0, "ms per document": "chromium not installed", "pages per second": "-", "KB per document": "-" });
  if (findChromium() && isTesseractInstalled()) rows.push(...(await benchLocalOcr()));
  return rows;
}


/** Counts the pages an engine is asked to read, passing them on. */
class CountingOcr implements OcrEngine {
  readonly name: string;
  readonly concurrency?: number;
  pages = 0;
  constructor(private readonly inner: OcrEngine) {
    this.name = inner.name;
    this.concurrency = inner.concurrency;
  }
  recognizeImage(image: OcrImage) {
    this.pages += 1;
    return this.inner.recognizeImage(image);
  }
}

/**
 * Local OCR (Tesseract chi_sim, two segmentations per page, two pages at a time): seconds per page
 * on a 300-dpi scan of seed 003, and for a scanned report of about 12 pages, how many pages are
 * OCR'd when only the table pages (plus first and last) are selected versus all pages.
 */
async function benchLocalOcr(): Promise<Row[]> {
  const seed = loadSeeds().find((s) => s.name.startsWith("003"))!;
  const rows: Row[] = [];
  const short = imagesToPdf(await scanPdf(await seedPdf(seed)));
  const engine = new CountingOcr(new TesseractOcrEngine({ labels: TEMPLATE_LABELS }));
  let t0 = process.hrtime.bigint();
  await extractDocument(short, { ocr: engine, ocrPages: "all" });
  const secondsPerPage = Number(process.hrtime.bigint() - t0) / 1e9 / engine.pages;
  rows.push({
    extractor: "scanned pdf, local OCR",
    documents: 1,
    "pages (model)": engine.pages,
    "ms per document": ((secondsPerPage * engine.pages) * 1000).toFixed(0),
    "pages per second": (1 / secondsPerPage).toFixed(3),
    "KB per document": (short.length / 1024).toFixed(0),
    "seconds per page": secondsPerPage.toFixed(1),
  });

  const long = imagesToPdf(await scanPdf(await renderPdf(layoutReport(seed.record, { narrativePages: 14 }))));
  const selective = new CountingOcr(new TesseractOcrEngine({ labels: TEMPLATE_LABELS }));
  t0 = process.hrtime.bigint();
  const doc = await extractDocument(long, { ocr: selective, ocrPages: "tables" });
  const selectiveSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rows.push({
    extractor: `scanned ${doc.pages.length}-page report, OCR table pages only`,
    documents: 1,
    "pages (model)": doc.pages.length,
    "ms per document": (selectiveSeconds * 1000).toFixed(0),
    "pages per second": (doc.pages.length / selectiveSeconds).toFixed(3),
    "KB per document": (long.length / 1024).toFixed(0),
    "seconds per page": (selectiveSeconds / selective.pages).toFixed(1),
    "pages OCR'd": selective.pages,
  });
  rows.push({
    extractor: `scanned ${doc.pages.length}-page report, OCR all pages (estimate)`,
    documents: 1,
    "pages (model)": doc.pages.length,
    "ms per document": `~${(secondsPerPage * doc.pages.length * 1000).toFixed(0)} (pages x measured s/page)`,
    "pages per second": (1 / secondsPerPage).toFixed(3),
    "KB per document": (long.length / 1024).toFixed(0),
    "seconds per page": secondsPerPage.toFixed(1),
    "pages OCR'd": doc.pages.length,
  });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchDocuments());

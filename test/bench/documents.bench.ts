/**
 * Pages per second of each document extractor, on the five seeds rendered by the fixture
 * generator (HTML, DOCX, born-digital PDF) and the seeds' own text files.
 * Each figure is the median of repeated runs after a warm-up; generation is not timed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { extractDocument } from "../../functions/documents/index.ts";
import { loadSeeds, SEEDS_DIR, seedDocx, seedHtml, seedPdf } from "../fixtures/generate/index.ts";
import { findChromium } from "../fixtures/generate/render-pdf.ts";

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
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchDocuments());

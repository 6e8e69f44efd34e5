/**
 * PDF text reading, pages per second on one core: the project's reader (PDFium text layer, rulings,
 * layout; and the same with pdf.js, the reader it replaced) against poppler's `pdftotext` in the same run, on the seeds' PDFs (rendered by the fixture
 * generator) and the real WPS PDFs of ../shared/corpus/real. CPU time (user + system), not wall
 * time: the reader's from process.cpuUsage (all threads, zlib's pool included), pdftotext's from its
 * reaped child processes, so the figure does not depend on the neighbours' load. Goal (issue 15):
 * ≥ 50 pages/s and within 3× of pdftotext. pdftotext's figure includes its process start-up.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractDocument } from "../../functions/documents/index.ts";
import { DEFAULT_EXTRACT_LIMITS } from "../../functions/documents/limits.ts";
import { PDF_TEXT_READER, readPdf } from "../../functions/documents/pdf/read-pdf.ts";
import { loadSeeds, seedPdf } from "../fixtures/generate/index.ts";
import { findChromium } from "../fixtures/generate/render-pdf.ts";
import { childCpuSeconds } from "./cpu-time.ts";

const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));

type PdfFile = { name: string; path: string; bytes: Uint8Array };

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

type Read = (f: PdfFile) => Promise<{ pages: unknown[] }>;
const throughReader: Read = (f) => extractDocument(f.bytes, { fileName: f.name });
const throughPdfJs: Read = (f) => readPdf(f.bytes, { limits: DEFAULT_EXTRACT_LIMITS, textReader: PDF_TEXT_READER.PDFJS });

/** CPU ms of reading every file `runs` times with the project's reader, and the pages read. */
async function readerCpuMs(files: PdfFile[], runs: number, read: Read = throughReader): Promise<{ ms: number; pages: number }> {
  let pages = 0;
  for (const f of files) pages += (await read(f)).pages.length; // warm-up
  const t0 = cpuMs();
  for (let i = 0; i < runs; i += 1) for (const f of files) await read(f);
  return { ms: (cpuMs() - t0) / runs, pages };
}

/** CPU ms of `pdftotext -bbox` (text with positions) on every file, per run; undefined when poppler is missing. */
function pdftotextCpuMs(files: PdfFile[], runs: number): number | undefined {
  if (spawnSync("pdftotext", ["-v"], { stdio: "ignore" }).error) return undefined;
  const before = childCpuSeconds();
  if (before === undefined) return undefined;
  for (let i = 0; i < runs; i += 1) {
    for (const f of files) {
      const run = spawnSync("pdftotext", ["-bbox", f.path, "-"], { stdio: ["ignore", "ignore", "pipe"] });
      if (run.status !== 0) throw new Error(`pdftotext ${f.name} exited ${run.status}: ${run.stderr}`);
    }
  }
  return ((childCpuSeconds()! - before) * 1000) / runs;
}

async function testPdfs(scratch: string): Promise<{ set: string; files: PdfFile[] }[]> {
  const sets: { set: string; files: PdfFile[] }[] = [];
  if (findChromium()) {
    const files: PdfFile[] = [];
    for (const seed of loadSeeds()) {
      const bytes = await seedPdf(seed);
      const path = join(scratch, `${seed.name}.pdf`);
      writeFileSync(path, bytes);
      files.push({ name: `${seed.name}.pdf`, path, bytes });
    }
    sets.push({ set: "seeds rendered to PDF (chromium)", files });
  }
  const real = readdirSync(REAL_DIR).filter((f) => f.endsWith(".pdf")).sort();
  sets.push({ set: "real WPS PDFs", files: real.map((name) => ({ name, path: join(REAL_DIR, name), bytes: new Uint8Array(readFileSync(join(REAL_DIR, name))) })) });
  return sets;
}

export async function benchPdfReader(runs = 5): Promise<Record<string, string | number>[]> {
  const scratch = mkdtempSync(join(tmpdir(), "nianbao-pdf-bench-"));
  try {
    const rows: Record<string, string | number>[] = [];
    const sets = await testPdfs(scratch);
    if (!findChromium()) rows.push({ PDFs: "seeds rendered to PDF: SKIPPED, chromium not installed" });
    for (const { set, files } of sets) {
      const reader = await readerCpuMs(files, runs);
      const pdfjs = await readerCpuMs(files, runs, throughPdfJs);
      const poppler = pdftotextCpuMs(files, runs);
      const readerRate = (reader.pages * 1000) / reader.ms;
      const popplerRate = poppler === undefined ? undefined : (reader.pages * 1000) / poppler;
      rows.push({
        PDFs: set,
        files: files.length,
        pages: reader.pages,
        "reader CPU ms/page": (reader.ms / reader.pages).toFixed(1),
        "reader pages/s (goal ≥ 50)": readerRate.toFixed(1),
        "pdf.js reader pages/s": ((pdfjs.pages * 1000) / pdfjs.ms).toFixed(1),
        "pdftotext -bbox pages/s": popplerRate === undefined ? "NOT MEASURED: pdftotext (poppler-utils) missing" : popplerRate.toFixed(1),
        "pdftotext ÷ reader (goal ≤ 3)": popplerRate === undefined ? "-" : (popplerRate / readerRate).toFixed(2),
      });
    }
    return rows;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchPdfReader());

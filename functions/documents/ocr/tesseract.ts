/**
 * The local OCR engine: Tesseract with the simplified-Chinese model (Debian's `tesseract-ocr` and
 * `tesseract-ocr-chi-sim`), run as a child process. Each page image is deskewed and its table
 * rulings erased first (../documents/ocr/image-prep.ts); the rulings give the grid, Tesseract's
 * word boxes give the text.
 */
import { spawn, spawnSync } from "node:child_process";
import { NianbaoError, TransientError } from "../../shared/errors.ts";
import { sizeInPoints, type OcrEngine, type OcrImage, type OcrResult } from "./engine.ts";
import { cropSheet, preparePage, toPgm, type PreparedPage } from "./image-prep.ts";
import { createLabelCorrector } from "./lexicon.ts";
import { blocksFromOcr, mergeReadings, parseTesseractTsv } from "./ocr-layout.ts";
import type { Block, Cell } from "../model.ts";

export type TesseractOptions = {
  /** The printed labels a table cell's text is corrected to (functions/report/ocr-labels.ts: TEMPLATE_LABELS). */
  labels: readonly string[];
  /** The tesseract binary. @default "tesseract" */
  binary?: string;
  /** @default "chi_sim" */
  language?: string;
  /** Per-page time limit; exceeding it raises a TransientError. @default 120000 */
  timeoutMs?: number;
  /** Pages read at once; each run is single-threaded (OMP_THREAD_LIMIT=1), which is fastest per core. @default 2 */
  concurrency?: number;
};

/** Whether the binary answers and has the simplified-Chinese model (Debian's tesseract-ocr + tesseract-ocr-chi-sim). */
export function isTesseractInstalled(binary = "tesseract"): boolean {
  const probe = spawnSync(binary, ["--list-langs"], { encoding: "utf8", timeout: 10_000 });
  return probe.status === 0 && /\bchi_sim\b/.test(`${probe.stdout}${probe.stderr}`);
}

export class TesseractOcrEngine implements OcrEngine {
  readonly name = "tesseract";
  readonly concurrency: number;
  private readonly binary: string;
  private readonly language: string;
  private readonly timeoutMs: number;
  private readonly correctLabel: (text: string) => string;

  constructor(options: TesseractOptions) {
    this.correctLabel = createLabelCorrector(options.labels);
    this.binary = options.binary ?? "tesseract";
    this.language = options.language ?? "chi_sim";
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.concurrency = options.concurrency ?? 2;
  }

  async recognizeImage(image: OcrImage): Promise<OcrResult> {
    if (image.mediaType === "image/tiff") {
      // The canvas decoder reads no TIFF: Tesseract reads it itself, without ruling detection.
      const words = parseTesseractTsv(await this.run(image.bytes, 300, 6));
      return { blocks: blocksFromOcr(words, [], 300, { width: 2480, height: 3508 }, this.correctLabel), confidence: meanConfidence(words) };
    }
    const page = await preparePage(image.pixels ?? image.bytes);
    // Two page segmentations: as one block (6) Tesseract reads lone digits best, as sparse text (11)
    // it reads wrapped labels best. Both are laid on the same rulings, so their grids match cell for cell.
    const [block, sparse] = await Promise.all([this.run(page.cleaned, page.dpi, 6), this.run(page.cleaned, page.dpi, 11)]);
    const blockWords = parseTesseractTsv(block);
    const merged = mergeReadings(
      blocksFromOcr(blockWords, page.rulings, page.dpi, page, this.correctLabel),
      blocksFromOcr(parseTesseractTsv(sparse), page.rulings, page.dpi, page, this.correctLabel),
    );
    return { blocks: await this.rereadFigures(merged, page), confidence: meanConfidence(blockWords), size: sizeInPoints(page) };
  }

  /**
   * Reads the figure cells again, all at once: each cell that is empty or a number is cut out of the
   * cleaned page onto one sheet with wide margins and read with Tesseract's Latin model restricted
   * to digits, which reads lone figures far better than a Chinese page segmentation does.
   */
  private async rereadFigures(blocks: Block[], page: PreparedPage): Promise<Block[]> {
    const px = page.dpi / 72;
    const targets: { cell: Cell; crop: { left: number; top: number; width: number; height: number } }[] = [];
    for (const block of blocks) {
      if (block.kind !== "table") continue;
      for (const cell of block.rows.flat()) {
        if (!cell.box || !FIGURE_OR_BLANK.test(cell.text.replace(/\s+/g, ""))) continue;
        const inset = 4;
        const left = Math.max(0, Math.round(cell.box.left * px) + inset);
        const top = Math.max(0, Math.round(cell.box.top * px) + inset);
        const width = Math.min(page.width - left, Math.round(cell.box.width * px) - 2 * inset);
        const height = Math.min(page.height - top, Math.round(cell.box.height * px) - 2 * inset);
        if (width > 4 && height > 4) targets.push({ cell, crop: { left, top, width, height } });
      }
    }
    if (targets.length === 0) return blocks;
    const sheet = cropSheet(page, targets.map((t) => t.crop));
    const words = parseTesseractTsv(await this.run(toPgm(sheet.ink, sheet.width, sheet.height), page.dpi, 6, ["-l", "eng", "-c", "tessedit_char_whitelist=0123456789.-"]));
    const readings = sheet.slots.map(() => [] as typeof words);
    for (const w of words) {
      const cx = w.left + w.width / 2;
      const cy = w.top + w.height / 2;
      const slot = sheet.slots.findIndex((s) => cx >= s.left && cx < s.left + s.width && cy >= s.top && cy < s.top + s.height);
      if (slot >= 0) readings[slot]!.push(w);
    }
    targets.forEach((target, i) => {
      const found = readings[i]!.filter((w) => w.confidence >= 30).sort((a, b) => a.left - b.left);
      const text = found.map((w) => w.text).join("");
      const sure = Math.min(...found.map((w) => w.confidence)) >= 60;
      // An unsure re-reading does not overrule a figure the page reading found.
      if (NUMBER.test(text) && (sure || !NUMBER.test(target.cell.text.replace(/\s+/g, "")))) target.cell.text = text;
    });
    return blocks;
  }

  private run(input: Uint8Array, dpi: number, psm = 6, language: string[] = ["-l", this.language]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ["stdin", "stdout", ...language, "--psm", String(psm), "--dpi", String(dpi), "tsv"], {
        env: { ...process.env, OMP_THREAD_LIMIT: "1" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new TransientError(`OCR 超时（${this.timeoutMs / 1000} 秒） (tesseract took longer than ${this.timeoutMs / 1000} s on one page)`));
      }, this.timeoutMs);
      child.stdout.on("data", (c: Buffer) => out.push(c));
      child.stderr.on("data", (c: Buffer) => err.push(c));
      child.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          error.code === "ENOENT"
            ? new NianbaoError("本地 OCR 引擎未安装：需要 tesseract-ocr 和 tesseract-ocr-chi-sim (the local OCR engine is not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim)", { cause: error })
            : error,
        );
      });
      child.once("close", (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
        else reject(new NianbaoError(`tesseract failed (exit ${code}): ${Buffer.concat(err).toString("utf8").slice(0, 500)}`));
      });
      child.stdin.on("error", () => {}); // an early exit is reported by "close"
      child.stdin.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    });
  }
}

const FIGURE_OR_BLANK = /^(?:-?\d+(?:\.\d+)?)?$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

function meanConfidence(words: { confidence: number }[]): number | undefined {
  if (words.length === 0) return undefined;
  return Math.round((words.reduce((s, w) => s + w.confidence, 0) / words.length) * 10) / 10;
}

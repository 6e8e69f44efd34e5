/**
 * The local OCR engine: Tesseract with the simplified-Chinese model (Debian's `tesseract-ocr` and
 * `tesseract-ocr-chi-sim`), run as a child process. Each page image is deskewed and its table
 * rulings erased first (../documents/ocr/image-prep.ts); the rulings give the grid, Tesseract's
 * word boxes give the text.
 */
import { spawn } from "node:child_process";
import { NianbaoError, TransientError } from "../shared/errors.ts";
import type { OcrEngine, OcrImage, OcrResult } from "../documents/ocr/engine.ts";
import { preparePage } from "../documents/ocr/image-prep.ts";
import { blocksFromOcr, mergeReadings, parseTesseractTsv } from "../documents/ocr/ocr-layout.ts";

export type TesseractOptions = {
  /** The tesseract binary. @default "tesseract" */
  binary?: string;
  /** @default "chi_sim" */
  language?: string;
  /** Per-page time limit; exceeding it raises a TransientError. @default 120000 */
  timeoutMs?: number;
  /** Pages read at once; each run is single-threaded (OMP_THREAD_LIMIT=1), which is fastest per core. @default 2 */
  concurrency?: number;
};

export class TesseractOcrEngine implements OcrEngine {
  readonly name = "tesseract";
  readonly concurrency: number;
  private readonly binary: string;
  private readonly language: string;
  private readonly timeoutMs: number;

  constructor(options: TesseractOptions = {}) {
    this.binary = options.binary ?? "tesseract";
    this.language = options.language ?? "chi_sim";
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.concurrency = options.concurrency ?? 2;
  }

  async recognizeImage(image: OcrImage): Promise<OcrResult> {
    if (image.mediaType === "image/tiff") {
      // The canvas decoder reads no TIFF: Tesseract reads it itself, without ruling detection.
      const words = parseTesseractTsv(await this.run(image.bytes, 300, 6));
      return { blocks: blocksFromOcr(words, [], 300, { width: 2480, height: 3508 }), confidence: meanConfidence(words) };
    }
    const page = await preparePage(image.bytes);
    // Two page segmentations: as one block (6) Tesseract reads lone digits best, as sparse text (11)
    // it reads wrapped labels best. Both are laid on the same rulings, so their grids match cell for cell.
    const [block, sparse] = await Promise.all([this.run(page.cleaned, page.dpi, 6), this.run(page.cleaned, page.dpi, 11)]);
    const blockWords = parseTesseractTsv(block);
    const blocks = mergeReadings(
      blocksFromOcr(blockWords, page.rulings, page.dpi, page),
      blocksFromOcr(parseTesseractTsv(sparse), page.rulings, page.dpi, page),
    );
    return { blocks, confidence: meanConfidence(blockWords) };
  }

  private run(input: Uint8Array, dpi: number, psm = 6): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ["stdin", "stdout", "-l", this.language, "--psm", String(psm), "--dpi", String(dpi), "tsv"], {
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

function meanConfidence(words: { confidence: number }[]): number | undefined {
  if (words.length === 0) return undefined;
  return Math.round((words.reduce((s, w) => s + w.confidence, 0) / words.length) * 10) / 10;
}

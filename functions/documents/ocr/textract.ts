/**
 * Amazon Textract as an OcrEngine: `AnalyzeDocument` (TABLES) for single page images and
 * `StartDocumentAnalysis`/`GetDocumentAnalysis` for PDFs in S3 (every result page, through
 * NextToken). Textract's Block graph (PAGE, LINE, WORD, TABLE, CELL, MERGED_CELL) becomes grids
 * with spans and confidences. Textract reads no Chinese: labels come back garbled or empty, and the
 * mapper places figures by grid position; numbers and the grid are what is trusted here.
 */
import {
  AnalyzeDocumentCommand,
  GetDocumentAnalysisCommand,
  StartDocumentAnalysisCommand,
  type Block as TextractBlock,
  type GetDocumentAnalysisCommandOutput,
} from "@aws-sdk/client-textract";
import type { Block, Cell } from "../model.ts";
import { encodedImage, type OcrEngine, type OcrImage, type OcrResult } from "./engine.ts";
import { NianbaoError, TransientError, UnreadableDocumentError } from "../../shared/errors.ts";
import { isTransient } from "../../shared/transient.ts";

/** The part of TextractClient the engine uses (a test passes a recorder). */
export type TextractSender = { send(command: unknown): Promise<unknown> };

export type TextractOcrOptions = {
  client: TextractSender;
  /** Puts a PDF where Textract can read it and says where; needed for `recognizePdf`. */
  stagePdf?: (bytes: Uint8Array) => Promise<{ bucket: string; key: string }>;
  /** @default 2000 */
  pollIntervalMs?: number;
  /** Longest wait for an analysis job before a TransientError. @default 600000 */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

/** Textract errors that mean "busy, retry later", besides the SDK-wide ones. */
const TEXTRACT_BUSY = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "LimitExceededException", "InternalServerError"]);
/** Textract errors that mean the file itself cannot be read. */
const TEXTRACT_BAD_INPUT = new Set(["UnsupportedDocumentException", "BadDocumentException", "DocumentTooLargeException", "InvalidS3ObjectException"]);

function classify(error: unknown, what: string): never {
  const name = (error as { name?: string }).name ?? "";
  if (TEXTRACT_BUSY.has(name) || isTransient(error)) {
    throw new TransientError(`Textract 繁忙，请稍后重试 (Textract is busy: ${what}: ${(error as Error).message})`, { cause: error });
  }
  if (TEXTRACT_BAD_INPUT.has(name)) {
    throw new UnreadableDocumentError(`Textract 无法读取该文件 (Textract cannot read the file: ${(error as Error).message})`, { cause: error });
  }
  throw error;
}

export class TextractOcrEngine implements OcrEngine {
  readonly name = "textract";
  readonly concurrency = 2;
  private readonly options: Required<Omit<TextractOcrOptions, "stagePdf">> & Pick<TextractOcrOptions, "stagePdf">;

  constructor(options: TextractOcrOptions) {
    this.options = {
      pollIntervalMs: 2000,
      maxWaitMs: 600_000,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  async recognizeImage(image: OcrImage): Promise<OcrResult> {
    const { bytes } = await encodedImage(image);
    let output: { Blocks?: TextractBlock[] };
    try {
      output = (await this.options.client.send(
        new AnalyzeDocumentCommand({ Document: { Bytes: bytes }, FeatureTypes: ["TABLES"] }),
      )) as { Blocks?: TextractBlock[] };
    } catch (error) {
      classify(error, `AnalyzeDocument ${image.label ?? ""}`.trim());
    }
    return blocksFromTextract(output.Blocks ?? []).get(1) ?? { blocks: [] };
  }

  async recognizePdf(bytes: Uint8Array, pageNumbers: readonly number[]): Promise<Map<number, OcrResult>> {
    if (!this.options.stagePdf) throw new NianbaoError("TextractOcrEngine needs stagePdf to read PDFs (Textract reads multi-page PDFs from S3 only)");
    const { bucket, key } = await this.options.stagePdf(bytes);
    let jobId: string | undefined;
    try {
      const started = (await this.options.client.send(
        new StartDocumentAnalysisCommand({ DocumentLocation: { S3Object: { Bucket: bucket, Name: key } }, FeatureTypes: ["TABLES"] }),
      )) as { JobId?: string };
      jobId = started.JobId;
    } catch (error) {
      classify(error, "StartDocumentAnalysis");
    }
    if (!jobId) throw new NianbaoError("Textract started no job");
    const blocks = await this.collect(jobId);
    const all = blocksFromTextract(blocks);
    const wanted = new Map<number, OcrResult>();
    for (const n of pageNumbers) wanted.set(n, all.get(n) ?? { blocks: [] });
    return wanted;
  }

  /** Polls the job until it ends, then reads every page of results through NextToken. */
  private async collect(jobId: string): Promise<TextractBlock[]> {
    const started = Date.now();
    let first: GetDocumentAnalysisCommandOutput;
    for (;;) {
      first = await this.get(jobId);
      if (first.JobStatus === "SUCCEEDED" || first.JobStatus === "PARTIAL_SUCCESS") break;
      if (first.JobStatus === "FAILED") {
        throw new UnreadableDocumentError(`Textract 无法分析该 PDF (Textract failed on the PDF: ${first.StatusMessage ?? "no reason given"})`);
      }
      if (Date.now() - started > this.options.maxWaitMs) throw new TransientError(`Textract job ${jobId} still running after ${this.options.maxWaitMs / 1000} s`);
      await this.options.sleep(this.options.pollIntervalMs);
    }
    const blocks = [...(first.Blocks ?? [])];
    let token = first.NextToken;
    while (token) {
      const next = await this.get(jobId, token);
      blocks.push(...(next.Blocks ?? []));
      token = next.NextToken;
    }
    return blocks;
  }

  private async get(jobId: string, nextToken?: string): Promise<GetDocumentAnalysisCommandOutput> {
    try {
      return (await this.options.client.send(
        new GetDocumentAnalysisCommand({ JobId: jobId, MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) }),
      )) as GetDocumentAnalysisCommandOutput;
    } catch (error) {
      classify(error, "GetDocumentAnalysis");
    }
  }
}

const childIds = (block: TextractBlock, type = "CHILD"): string[] => (block.Relationships ?? []).filter((r) => r.Type === type).flatMap((r) => r.Ids ?? []);

/**
 * Textract blocks -> one OcrResult per page: tables as grids (a MERGED_CELL is one cell with its
 * spans, its member cells not repeated), lines outside tables as paragraphs, top to bottom.
 */
export function blocksFromTextract(blocks: readonly TextractBlock[]): Map<number, OcrResult> {
  const byId = new Map(blocks.filter((b) => b.Id).map((b) => [b.Id!, b]));
  const text = (ids: readonly string[]) =>
    ids
      .map((id) => byId.get(id))
      .filter((b): b is TextractBlock => b?.BlockType === "WORD")
      .map((b) => b.Text ?? "")
      .join(" ");
  const pages = new Map<number, { items: { top: number; block: Block }[]; confidences: number[] }>();
  const pageOf = (n: number) => {
    let page = pages.get(n);
    if (!page) pages.set(n, (page = { items: [], confidences: [] }));
    return page;
  };
  const wordsInTables = new Set<string>();

  for (const table of blocks.filter((b) => b.BlockType === "TABLE")) {
    const cells = childIds(table)
      .map((id) => byId.get(id))
      .filter((b): b is TextractBlock => b?.BlockType === "CELL");
    const merged = childIds(table, "MERGED_CELL")
      .map((id) => byId.get(id))
      .filter((b): b is TextractBlock => b?.BlockType === "MERGED_CELL");
    const cellAt = new Map(cells.map((c) => [`${c.RowIndex}:${c.ColumnIndex}`, c]));
    for (const c of cells) for (const id of childIds(c)) wordsInTables.add(id);
    const covered = new Map<string, Cell | null>();
    for (const m of merged) {
      const members = childIds(m)
        .map((id) => byId.get(id))
        .filter((b): b is TextractBlock => b !== undefined)
        .sort((a, b) => (a.RowIndex ?? 0) - (b.RowIndex ?? 0) || (a.ColumnIndex ?? 0) - (b.ColumnIndex ?? 0));
      const origin: Cell = { text: members.map((c) => text(childIds(c))).filter((t) => t !== "").join(" ") };
      if ((m.RowSpan ?? 1) > 1) origin.rowSpan = m.RowSpan;
      if ((m.ColumnSpan ?? 1) > 1) origin.colSpan = m.ColumnSpan;
      if (m.Confidence !== undefined) origin.confidence = m.Confidence;
      for (let r = 0; r < (m.RowSpan ?? 1); r += 1) {
        for (let c = 0; c < (m.ColumnSpan ?? 1); c += 1) covered.set(`${(m.RowIndex ?? 1) + r}:${(m.ColumnIndex ?? 1) + c}`, r === 0 && c === 0 ? origin : null);
      }
    }
    const rows = Math.max(0, ...cells.map((c) => (c.RowIndex ?? 1) + (c.RowSpan ?? 1) - 1));
    const columns = Math.max(0, ...cells.map((c) => (c.ColumnIndex ?? 1) + (c.ColumnSpan ?? 1) - 1));
    const grid: Cell[][] = [];
    for (let r = 1; r <= rows; r += 1) {
      const row: Cell[] = [];
      for (let c = 1; c <= columns; c += 1) {
        const key = `${r}:${c}`;
        if (covered.has(key)) {
          const origin = covered.get(key);
          if (origin) row.push(origin);
          continue;
        }
        const cell = cellAt.get(key);
        if (!cell) continue;
        const out: Cell = { text: text(childIds(cell)) };
        if (cell.Confidence !== undefined) out.confidence = cell.Confidence;
        row.push(out);
      }
      grid.push(row);
    }
    const page = pageOf(table.Page ?? 1);
    page.items.push({ top: table.Geometry?.BoundingBox?.Top ?? 0, block: { kind: "table", rows: grid } });
  }

  for (const line of blocks.filter((b) => b.BlockType === "LINE")) {
    const words = childIds(line);
    if (words.length > 0 && words.every((id) => wordsInTables.has(id))) continue;
    const page = pageOf(line.Page ?? 1);
    page.items.push({ top: line.Geometry?.BoundingBox?.Top ?? 0, block: { kind: "paragraph", text: line.Text ?? text(words) } });
  }
  for (const word of blocks.filter((b) => b.BlockType === "WORD" && b.Confidence !== undefined)) pageOf(word.Page ?? 1).confidences.push(word.Confidence!);

  const out = new Map<number, OcrResult>();
  for (const [n, page] of pages) {
    const blocksOnPage = page.items.sort((a, b) => a.top - b.top).map((i) => i.block);
    const confidence = page.confidences.length ? Math.round((page.confidences.reduce((s, c) => s + c, 0) / page.confidences.length) * 10) / 10 : undefined;
    out.set(n, confidence === undefined ? { blocks: blocksOnPage } : { blocks: blocksOnPage, confidence });
  }
  return out;
}

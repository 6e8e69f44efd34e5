/**
 * `nianbao parse FILE [--json] [--no-ocr] [--explain CELL]`: reads one report file and prints its
 * record, or with `--explain` where one figure came from (CELL: `resultsTotal.naturalPerson` or
 * `表三（七）总计·自然人`).
 * A scan (or pages and pictures with no text layer) is read with the local OCR engine
 * (PaddleOCR, else Tesseract; functions/adapters/local-ocr.ts) when it is installed; that takes seconds per page, so progress goes to stderr.
 * Exit 0 when a record was produced (with or without findings), 2 when the file cannot be read
 * or is not an annual report (thrown as NianbaoError and reported in one line by the CLI).
 */
import { readConfig } from "../../functions/shared/config.ts";
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { extractDocument } from "../../functions/documents/index.ts";
import { formatRecord } from "../../functions/report/format.ts";
import { parseReport, type ReportRecord } from "../../functions/report/index.ts";
import { explainCell } from "../../functions/report/explain.ts";
import { DOCUMENT_FORMAT, type ExtractedDocument } from "../../functions/documents/model.ts";
import { decodeText } from "../../functions/documents/text.ts";
import type { OcrEngine } from "../../functions/documents/ocr/engine.ts";
import { OcrRequiredError, UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";

/** Refuse before reading a file into memory that no report comes near. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      "no-ocr": { type: "boolean", default: false },
      explain: { type: "string" },
    },
  });
  const [file] = positionals;
  if (file === undefined) {
    console.error("usage: nianbao parse FILE [--json] [--no-ocr] [--explain CELL]");
    return 2;
  }
  const info = await stat(file).catch(() => null);
  if (!info) throw new UnreadableDocumentError(`${file}: 文件不存在 (no such file)`);
  if (!info.isFile()) throw new UnreadableDocumentError(`${file}: 不是文件 (not a regular file)`);
  if (info.size > MAX_FILE_BYTES) throw new UnreadableDocumentError(`${file}: 文件过大 (${info.size} bytes; the limit is ${MAX_FILE_BYTES})`);
  const bytes = new Uint8Array(await readFile(file));
  const doc = await extractReadingScans(bytes, file, !values["no-ocr"]);
  const { record } = parseReport(doc);
  for (const warning of doc.warnings) console.error(`nianbao: ${file}: ${warning}`);
  if (values.explain !== undefined) return explain(record, values.explain, doc.format === DOCUMENT_FORMAT.TEXT ? decodeText(bytes) : undefined);
  if (values.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  else process.stdout.write(`${formatRecord(record, { color: process.stdout.isTTY === true })}\n`);
  return 0;
}

/** Prints where one figure came from; a text source's line is shown with the figure marked. */
function explain(record: ReportRecord, cell: string, sourceText: string | undefined): number {
  const text = explainCell(record, cell, sourceText?.replace(/\r\n?/g, "\n").split("\n"));
  if (text === undefined) {
    console.error(`nianbao: 记录中没有单元格 ${cell}（示例：resultsTotal.naturalPerson 或 表三（七）总计·自然人） (no such cell in the record)`);
    return 2;
  }
  process.stdout.write(`${text}\n`);
  return 0;
}

/** Reads the text layer first; only what has none goes through the (slow) local OCR engine. */
async function extractReadingScans(bytes: Uint8Array, file: string, allowOcr: boolean): Promise<ExtractedDocument> {
  let doc: ExtractedDocument | undefined;
  try {
    doc = await extractDocument(bytes, { fileName: file });
    if (!doc.needsOcr) return doc;
  } catch (error) {
    if (!(error instanceof OcrRequiredError)) throw error;
  }
  const ocr = allowOcr ? await localOcrEngine(file) : undefined;
  if (!ocr) {
    if (doc) return doc; // the text that was there; the unread pages are in its warnings
    throw new OcrRequiredError(
      allowOcr
        ? "这是扫描件，需要 OCR：请运行 npm ci（PaddleOCR）或安装 tesseract-ocr 和 tesseract-ocr-chi-sim (a scan: reading it needs the local OCR engine; run npm ci for PaddleOCR, or install Debian's tesseract-ocr and tesseract-ocr-chi-sim)"
        : "这是扫描件，需要 OCR (a scan: reading it needs OCR, which --no-ocr turned off)",
    );
  }
  return extractDocument(bytes, { fileName: file, ocr });
}

/** The local OCR engine, announcing each page it reads on stderr; undefined when none is installed. */
async function localOcrEngine(file: string): Promise<OcrEngine | undefined> {
  const config = readConfig();
  const engine = (await import("../../functions/documents/ocr/local.ts")).localOcrEngine({
    labels: TEMPLATE_LABELS,
    ...(config.NIANBAO_OCR_ENGINE ? { choice: config.NIANBAO_OCR_ENGINE } : {}),
    ...(config.NIANBAO_OCR_THREADS ? { threads: config.NIANBAO_OCR_THREADS } : {}),
  });
  if (!engine) return undefined;
  let done = 0;
  const started = Date.now();
  return {
    name: engine.name,
    concurrency: engine.concurrency,
    async recognizeImage(image) {
      const result = await engine.recognizeImage(image);
      done++;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(`nianbao: ${file}: OCR ${image.label ?? "image"} done (${done} read, ${seconds} s)\n`);
      return result;
    },
  };
}

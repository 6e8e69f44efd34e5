/**
 * `nianbao parse FILE [--json] [--no-ocr] [--explain CELL]`: reads one report file and prints its
 * record, or with `--explain` where one figure came from (CELL: `resultsTotal.naturalPerson` or
 * `表三（七）总计·自然人`).
 * `nianbao parse DIR|FILE... [--out records.csv|.jsonl|.xlsx] [--jobs N] [--headers keys|zh]`:
 * reads every file (directories recursively, whatever the extension: the reader is chosen by
 * content) in worker threads, progress on stderr, going on past bad files (each a FAILED row with
 * its reason), a summary at the end; `--timings` adds each thread's CPU (start-up against files).
 * Exit codes: one file: 0 when a record was produced (with or without findings), 2 when the file
 * cannot be read or is not an annual report. Many: 0 when every file gave a record, 1 when some
 * did not, 2 for a usage error.
 */
import { parseArgs } from "node:util";
import type { ReportRecord } from "../../functions/report/index.ts";
import { statOrNull } from "./files.ts";
import { writeSync } from "node:fs";

const USAGE = "usage: nianbao parse FILE [--json] [--no-ocr] [--explain CELL]\n       nianbao parse DIR|FILE... [--out records.csv|records.jsonl|records.xlsx] [--jobs N] [--headers keys|zh] [--no-ocr] [--timings]";

/** The formats `--out` writes, by the file's extension. */
export const OUT_FORMATS = [".csv", ".jsonl", ".xlsx"] as const;
export type OutFormat = (typeof OUT_FORMATS)[number];

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      "no-ocr": { type: "boolean", default: false },
      out: { type: "string" },
      jobs: { type: "string" },
      headers: { type: "string", default: "keys" },
      explain: { type: "string" },
      timings: { type: "boolean", default: false },
    },
  });
  if (positionals.length === 0) return usageError();
  const single = positionals.length === 1 && values.out === undefined && values.jobs === undefined && statOrNull(positionals[0]!)?.isDirectory() !== true;
  if (single) return parseOne(positionals[0]!, values.json, !values["no-ocr"], values.explain);
  if (values.explain !== undefined) return usageError("--explain reads one file");
  if (values.json) return usageError("--json reads one file; for many, write --out records.jsonl");
  const format = values.out === undefined ? undefined : OUT_FORMATS.find((f) => values.out!.toLowerCase().endsWith(f));
  if (values.out !== undefined && !format) return usageError(`--out must end in ${OUT_FORMATS.join(", ")}, not '${values.out}'`);
  // node:os is taken here: one file needs no count of cores.
  const jobs = values.jobs === undefined ? process.getBuiltinModule("node:os").availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) return usageError(`--jobs must be a whole number from 1 to 64, not '${values.jobs}'`);
  if (values.headers !== "keys" && values.headers !== "zh") return usageError(`--headers must be keys or zh, not '${values.headers}'`);
  const { parseMany } = await import("./parse-many.ts");
  return parseMany(positionals, {
    jobs,
    allowOcr: !values["no-ocr"],
    headers: values.headers,
    timings: values.timings,
    ...(values.out !== undefined && format ? { out: { path: values.out, format } } : {}),
  });
}

function usageError(reason?: string): number {
  console.error(reason ? `nianbao: ${reason}\n${USAGE}` : USAGE);
  return 2;
}

/** One file, as it always was: the tables (or --json the record) on stdout. */
async function parseOne(file: string, json: boolean, allowOcr: boolean, explainCell?: string): Promise<number> {
  const started = Date.now();
  const { readReportRecord } = await import("./read-report.ts");
  const read = await readReportRecord(file, {
    allowOcr,
    keepText: explainCell !== undefined,
    onOcrPage: (label, done) => process.stderr.write(`nianbao: ${file}: OCR ${label} done (${done} read, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
  });
  for (const warning of read.warnings) console.error(`nianbao: ${file}: ${warning}`);
  if (explainCell !== undefined) return explain(read.record, explainCell, read.sourceText);
  if (json) writeStdout(`${JSON.stringify(read.record, null, 2)}\n`);
  else {
    const { formatRecord } = await import("../../functions/report/format.ts");
    writeStdout(`${formatRecord(read.record, { color: process.stdout.isTTY === true })}\n`);
  }
  return 0;
}

/**
 * Writes to file descriptor 1 directly: process.stdout is a stream whose first use loads Node's
 * stream modules (~2 ms of CPU at each start) for one write. A non-blocking pipe that is full
 * (EAGAIN) gets the rest through process.stdout, which waits for it. A reader that has gone
 * (`nianbao parse … | head`, EPIPE) wanted no more: the rest is dropped without a word.
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EPIPE") return;
    if (code !== "EAGAIN") throw error;
    process.stdout.on("error", (late: NodeJS.ErrnoException) => {
      if (late.code !== "EPIPE") throw late;
    });
    process.stdout.write(bytes.subarray(written));
  }
}

/** Prints where one figure came from; a text source's line is shown with the figure marked. */
async function explain(record: ReportRecord, cell: string, sourceText: string | undefined): Promise<number> {
  const { explainCell } = await import("../../functions/report/explain.ts");
  const text = explainCell(record, cell, sourceText?.replace(/\r\n?/g, "\n").split("\n"));
  if (text === undefined) {
    console.error(`nianbao: 记录中没有单元格 ${cell}（示例：resultsTotal.naturalPerson 或 表三（七）总计·自然人） (no such cell in the record)`);
    return 2;
  }
  writeStdout(`${text}\n`);
  return 0;
}

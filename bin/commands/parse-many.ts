/**
 * `nianbao parse DIR|FILE...`: every file read in worker threads, a progress bar on stderr, the
 * rows written to `--out` (CSV, JSON lines or Excel, the API's export columns) or shown as a table,
 * and a summary. Exit 0 when every file gave a record, 1 when some did not.
 */
import { writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { formatRowsCsv, type CsvHeaders } from "../../functions/api/csv.ts";
import { describeErrors } from "../../functions/shared/problems.ts";
import { collectFiles, progressBar, writeProgress } from "./files.ts";
import { outcomeRow, parseFiles, threadCpuMs, type FileOutcome, type ThreadCpu } from "./parse-files.ts";
import type { OutFormat } from "./parse.ts";
import { renderTable } from "./text-table.ts";

export type ManyOptions = {
  jobs: number;
  allowOcr: boolean;
  headers: CsvHeaders;
  out?: { path: string; format: OutFormat };
  /** Print each thread's CPU (start-up against files) to stderr at the end (`--timings`). */
  timings?: boolean;
};

/** The files to read: directories expanded whatever the extension (content decides), the output file left out. */
export async function filesToRead(paths: string[], out: string | undefined): Promise<string[]> {
  const files = await collectFiles(paths, () => true);
  return out === undefined ? files : files.filter((f) => resolve(f) !== resolve(out));
}

export async function parseMany(paths: string[], options: ManyOptions): Promise<number> {
  const files = await filesToRead(paths, options.out?.path).catch((error: Error) => error);
  if (files instanceof Error || files.length === 0) {
    console.error(`nianbao: ${files instanceof Error ? files.message : "no files to read"}`);
    return 2;
  }
  const started = Date.now();
  const { outcomes, threads } = await parseFiles(files, {
    jobs: options.jobs,
    allowOcr: options.allowOcr,
    onDone: (outcome, done) => writeProgress(`${progressBar(done, files.length)} ${outcome.ok ? outcome.status : "FAILED"} ${outcome.file}`, done === files.length),
    onOcrPage: (file, label, done) => process.stderr.write(`nianbao: ${file}: OCR ${label} done (${done} read)\n`),
  });
  for (const o of outcomes) if (o.ok) for (const warning of o.warnings) process.stderr.write(`nianbao: ${o.file}: ${warning}\n`);
  if (options.out) await writeOut(outcomes, options.out, options.headers);
  else process.stdout.write(`${outcomeTable(outcomes)}\n`);
  if (options.timings) process.stderr.write(`${threadTimings(threads)}\n`);
  process.stderr.write(`${summary(outcomes, (Date.now() - started) / 1000, { ...options, jobs: threads.length })}\n`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

async function writeOut(outcomes: FileOutcome[], out: { path: string; format: OutFormat }, headers: CsvHeaders): Promise<void> {
  const rows = outcomes.map(outcomeRow);
  if (out.format === ".csv") return writeFile(out.path, formatRowsCsv(rows, headers));
  if (out.format === ".jsonl") {
    return writeFile(out.path, rows.map((r) => `${JSON.stringify({ file: r.source, id: r.id || null, status: r.status, ...(r.failure ? { failure: r.failure } : {}), ...(r.record ? { record: r.record } : {}) })}\n`).join(""));
  }
  const { writeReportsXlsx } = await import("../../functions/api/xlsx.ts");
  return writeFile(out.path, await writeReportsXlsx(rows));
}

/** File, status, body, year and what does not add up (or why the file gave no record). */
function outcomeTable(outcomes: FileOutcome[]): string {
  const rows = outcomes.map((o) =>
    o.ok
      ? [basename(o.file), o.status, o.record.agency ?? "（未识别）", String(o.record.year), describeErrors(o.record.findings, o.record.edition).join("；")]
      : [basename(o.file), "FAILED", "", "", `${o.reason}（${o.error}）`],
  );
  return renderTable(["文件", "状态", "机关", "年度", "不符之处 / 失败原因"], rows);
}

/**
 * One line per worker thread and one for the main thread, CPU seconds:
 * `nianbao: 线程 1：启动 0.081 s，20 个文件 2.310 s (thread 1 CPU: start-up 0.081 s, 20 files 2.310 s)`.
 */
export function threadTimings(threads: readonly ThreadCpu[], mainMs = threadCpuMs()): string {
  const s = (ms: number) => (ms / 1000).toFixed(3);
  const lines = threads.map((t, i) => `nianbao: 线程 ${i + 1}：启动 ${s(t.startupMs)} s，${t.files} 个文件 ${s(t.filesMs)} s (thread ${i + 1} CPU: start-up ${s(t.startupMs)} s, ${t.files} files ${s(t.filesMs)} s)`);
  return [...lines, `nianbao: 主线程 ${s(mainMs)} s (main thread CPU ${s(mainMs)} s)`].join("\n");
}

/** `6 个文件：4 个有效，1 个需复核，1 个失败 (6 files: 4 VALID, 1 NEEDS_REVIEW, 1 FAILED) · 1.2 s · 写入 records.csv` */
export function summary(outcomes: FileOutcome[], seconds: number, options: ManyOptions): string {
  const count = (status: string) => outcomes.filter((o) => (o.ok ? o.status : "FAILED") === status).length;
  const [valid, review, failed] = [count("VALID"), count("NEEDS_REVIEW"), count("FAILED")];
  const zh = `${outcomes.length} 个文件：${valid} 个有效，${review} 个需复核，${failed} 个失败`;
  const en = `${outcomes.length} files: ${valid} VALID, ${review} NEEDS_REVIEW, ${failed} FAILED`;
  const where = options.out ? ` · 写入 ${options.out.path}` : "";
  return `nianbao: ${zh} (${en}) · ${seconds.toFixed(1)} s, ${options.jobs} 个线程 (threads)${where}`;
}

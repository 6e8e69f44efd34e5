/**
 * Many report files read at once for `nianbao parse DIR|FILE...`: a pool of worker threads
 * (./parse-worker.ts), each reading one file at a time; a file that cannot be read is an outcome
 * with its reason, never the end of the run.
 */
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ExportRow } from "../../functions/api/export-rows.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { NianbaoError } from "../../functions/shared/errors.ts";

/** What became of one file: its record, or why it has none. */
export type FileOutcome =
  | { file: string; ok: true; reportId: string; status: "VALID" | "NEEDS_REVIEW"; record: ReportRecord; warnings: string[] }
  | { file: string; ok: false; error: string; reason: string };

export type WorkerSettings = {
  allowOcr: boolean;
  /** The main thread's V8 compile cache (bin/nianbao.mjs): a worker thread does not share it unless it enables it too. */
  compileCacheDir?: string;
};
export type WorkerRequest = { index: number; file: string };
export type WorkerReply =
  | { type: "ready"; startupCpuMs: number }
  | { type: "done"; index: number; outcome: FileOutcome; cpuMs: number }
  | { type: "ocr"; index: number; label: string; done: number };

/**
 * CPU milliseconds of the calling thread alone (process.cpuUsage counts every thread of the
 * process); NaN on a Node before 23.9, which cannot tell (the project runs 24; @types/node of
 * this install does not declare it yet).
 */
export function threadCpuMs(): number {
  const usage = (process as NodeJS.Process & { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : Number.NaN;
}

/**
 * The CPU one worker thread spent: starting (Node's worker set-up, the bundle, the readers'
 * modules) and reading its files (PDFium's start included in its first PDF's).
 */
export type ThreadCpu = { startupMs: number; filesMs: number; files: number };

/** node:module's compile cache (Node 22.1+; the @types/node of this install does not declare it yet). */
type CompileCache = { enableCompileCache?: (dir: string) => unknown; getCompileCacheDir?: () => string | undefined };
export const compileCache = (): CompileCache => process.getBuiltinModule("node:module") as unknown as CompileCache;

/** What a pool run gives: the outcomes in the order of the files, and each thread's CPU. */
export type PoolResult = { outcomes: FileOutcome[]; threads: ThreadCpu[] };

/** Reads one file; any error becomes a FAILED outcome with its reason (an unexpected one says so). */
export async function fileOutcome(file: string, allowOcr: boolean, onOcrPage?: (label: string, done: number) => void): Promise<FileOutcome> {
  try {
    // Loaded here, not at the top: the main thread of a pool only hands out files and never needs the readers.
    const { readReportFile } = await import("./read-report.ts");
    const read = await readReportFile(file, { allowOcr, ...(onOcrPage ? { onOcrPage } : {}) });
    return { file, ok: true, reportId: read.reportId, status: read.status, record: read.record, warnings: read.warnings };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const reason = e instanceof NianbaoError ? e.message.replace(`${file}: `, "") : `意外错误 (unexpected error): ${e.message}`;
    return { file, ok: false, error: e.name, reason };
  }
}

/** The export row of an outcome (the same columns as the API's CSV and Excel exports). */
export function outcomeRow(outcome: FileOutcome): ExportRow {
  if (!outcome.ok) return { id: "", status: "FAILED", source: outcome.file, failure: `${outcome.reason}（${outcome.error}）` };
  const { record } = outcome;
  return {
    id: outcome.reportId,
    agency: record.agency,
    year: record.year,
    edition: record.edition,
    status: outcome.status,
    parserVersion: record.parserVersion,
    source: outcome.file,
    record,
  };
}

export type PoolOptions = {
  jobs: number;
  allowOcr: boolean;
  /** Called as each file is done, with how many are done. */
  onDone?: (outcome: FileOutcome, done: number) => void;
  onOcrPage?: (file: string, label: string, done: number) => void;
};

/** A worker of this module's build: the built .js beside the built CLI, else from TypeScript through tsx's loader. */
function startWorker(settings: WorkerSettings): Worker {
  const self = import.meta.url;
  // Set by bin/build/cli.mjs in the built CLI, whose import.meta.url still names this source file.
  const built = process.env.NIANBAO_BUILT_CLI;
  if (built) return new Worker(new URL(`../../${built}/parse-worker.js`, self), { workerData: settings });
  if (self.endsWith(".ts")) {
    return new Worker(new URL("../ts-worker.mjs", self), { workerData: { ...settings, entry: new URL("./parse-worker.ts", self).href } });
  }
  return new Worker(new URL("./parse-worker.js", self), { workerData: settings });
}

/** The order files are handed out: largest first, so the threads do not end waiting on one big file read last. */
async function largestFirst(files: readonly string[]): Promise<number[]> {
  const sizes = await Promise.all(files.map((f) => stat(f).then((info) => info.size, () => 0)));
  return files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
}

/**
 * How many threads to start: `jobs`, but no more than there are files or cores (a thread beyond
 * the cores only adds its start-up and contends for the same CPU).
 */
export function threadCount(jobs: number, files: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(jobs, files, cores));
}

/**
 * Reads `files` in up to `jobs` worker threads; the outcomes in the order of `files`.
 *
 * @example
 * const { outcomes } = await parseFiles(["a.pdf", "b.txt"], { jobs: 2, allowOcr: true });
 */
export async function parseFiles(files: readonly string[], options: PoolOptions): Promise<PoolResult> {
  const outcomes: FileOutcome[] = new Array(files.length);
  const order = await largestFirst(files);
  let next = 0;
  let done = 0;
  const compileCacheDir = compileCache().getCompileCacheDir?.();
  const settings: WorkerSettings = { allowOcr: options.allowOcr, ...(compileCacheDir ? { compileCacheDir } : {}) };
  const workers = Array.from({ length: threadCount(options.jobs, files.length) }, () => startWorker(settings));
  const threads = workers.map((): ThreadCpu => ({ startupMs: 0, filesMs: 0, files: 0 }));
  try {
    await Promise.all(
      workers.map(
        (worker, w) =>
          new Promise<void>((resolve) => {
            let current = -1;
            const send = () => {
              if (next >= order.length) return resolve();
              current = order[next++]!;
              worker.postMessage({ index: current, file: files[current]! } satisfies WorkerRequest);
            };
            worker.on("message", (reply: WorkerReply) => {
              if (reply.type === "ready") return void (threads[w]!.startupMs = reply.startupCpuMs);
              if (reply.type === "ocr") return options.onOcrPage?.(files[reply.index]!, reply.label, reply.done);
              outcomes[reply.index] = reply.outcome;
              threads[w]!.filesMs += reply.cpuMs;
              threads[w]!.files += 1;
              options.onDone?.(reply.outcome, ++done);
              send();
            });
            // A worker that dies (out of memory, a native crash) fails its file and stops; the others go on.
            worker.once("error", (error) => {
              if (current >= 0 && !outcomes[current]) {
                outcomes[current] = { file: files[current]!, ok: false, error: error.name, reason: `读取线程出错 (the worker reading it failed): ${error.message}` };
                options.onDone?.(outcomes[current]!, ++done);
              }
              resolve();
            });
            worker.once("exit", () => resolve());
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // Files left unread by workers that died (all of them): read here, one by one.
  for (let i = 0; i < files.length; i++) {
    if (outcomes[i]) continue;
    outcomes[i] = await fileOutcome(files[i]!, options.allowOcr);
    options.onDone?.(outcomes[i]!, ++done);
  }
  return { outcomes, threads };
}

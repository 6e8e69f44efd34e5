/**
 * A worker thread of `nianbao parse DIR|FILE...`: loads the readers at once (while the main
 * thread starts the others), says what its start cost, then reads the files the main thread
 * sends, one at a time, and answers each with its outcome (a record, or the reason it has none)
 * and the CPU it took.
 */
import { parentPort, workerData } from "node:worker_threads";
import { compileCache, fileOutcome, threadCpuMs, type WorkerReply, type WorkerRequest, type WorkerSettings } from "./parse-files.ts";

const settings = workerData as WorkerSettings;
const port = parentPort!;

// The compile cache is enabled per thread: without it each worker compiles the readers (and
// PDFium's glue) afresh, on V8's background threads, at every run.
if (settings.compileCacheDir) compileCache().enableCompileCache?.(settings.compileCacheDir);

await import("./read-report.ts");
port.postMessage({ type: "ready", startupCpuMs: threadCpuMs() } satisfies WorkerReply);

port.on("message", (request: WorkerRequest) => {
  const started = threadCpuMs();
  void fileOutcome(request.file, settings.allowOcr, (label, done) => port.postMessage({ type: "ocr", index: request.index, label, done } satisfies WorkerReply)).then(
    (outcome) => port.postMessage({ type: "done", index: request.index, outcome, cpuMs: threadCpuMs() - started } satisfies WorkerReply),
  );
});

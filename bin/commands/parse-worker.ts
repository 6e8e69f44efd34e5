/**
 * A worker thread of `nianbao parse DIR|FILE...`: reads the files the main thread sends, one at
 * a time, and answers each with its outcome (a record, or the reason it has none).
 */
import { parentPort, workerData } from "node:worker_threads";
import { fileOutcome, type WorkerReply, type WorkerRequest, type WorkerSettings } from "./parse-files.ts";

const settings = workerData as WorkerSettings;
const port = parentPort!;

port.on("message", (request: WorkerRequest) => {
  void fileOutcome(request.file, settings.allowOcr, (label, done) => port.postMessage({ type: "ocr", index: request.index, label, done } satisfies WorkerReply)).then(
    (outcome) => port.postMessage({ type: "done", index: request.index, outcome } satisfies WorkerReply),
  );
});

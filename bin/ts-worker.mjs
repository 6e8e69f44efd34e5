// A worker thread's entry when the CLI runs from TypeScript: tsx's loader first, then the
// worker module named in workerData.entry (a built CLI starts its .js worker directly).
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);

/**
 * `npm run bench`: every benchmark of the project, each against a baseline measured in the same run.
 * Run on an otherwise idle machine; figures are medians.
 */
import { cpus } from "node:os";
import { benchCliStartup } from "./cli-startup.bench.ts";
import { benchParse } from "./parse.bench.ts";

type Bench = { title: string; run: () => Promise<Record<string, string | number>[]> | Record<string, string | number>[] };

const BENCHES: Bench[] = [
  { title: "Parse + validate per seed (baseline: reading the file)", run: () => benchParse() },
  { title: "CLI start-up: nianbao parse of a text report, whole process (baseline: node -e 0)", run: () => benchCliStartup() },
];

// Benchmarks other parts of the project register as optional modules, so one missing does not stop the rest.
const OPTIONAL: { title: string; module: string; fn: string }[] = [
  { title: "Document extractors (pages per second)", module: "./documents.bench.ts", fn: "benchDocuments" },
  { title: "PDF text reading on one core, CPU time (baseline: pdftotext -bbox in the same run)", module: "./pdf-reader.bench.ts", fn: "benchPdfReader" },
  { title: "Local pipeline", module: "./pipeline.bench.ts", fn: "benchPipeline" },
  { title: "Local API latency", module: "./api.bench.ts", fn: "benchApi" },
  { title: "Aggregates of /stats under concurrent Stores: TransactionConflicts, retries and drift (DynamoDB Local, and DynamoDB's conflict rule modelled)", module: "./aggregate-contention.bench.ts", fn: "benchAggregateContention" },
  { title: "nianbao parse DIR: --jobs 2 against --jobs 1 (40 files)", module: "./parse-folder.bench.ts", fn: "benchParseFolder" },
  { title: "Local OCR engines on the same pages: cells right and CPU seconds per page at one thread (goal: ≤ 3 s/page at ≥ 99.5% of cells)", module: "./ocr-engines.ts", fn: "benchOcrEngines" },
];

console.log(`nianbao benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"})\n`);
for (const bench of BENCHES) {
  console.log(`## ${bench.title}`);
  console.table(await bench.run());
}
for (const opt of OPTIONAL) {
  const mod = (await import(opt.module).catch(() => null)) as Record<string, () => Promise<Record<string, string | number>[]>> | null;
  const fn = mod?.[opt.fn];
  if (!fn) continue;
  console.log(`## ${opt.title}`);
  console.table(await fn());
}

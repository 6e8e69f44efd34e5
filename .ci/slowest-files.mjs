// Prints where the last test run's wall time went, to keep CI under its budget: the slowest test files
// (wall seconds from each file's process start, imports and hooks included, and the CPU seconds it and
// the processes it waited for used; test/support/file-timings.ts), and how busy the workers were.
// Falls back to vitest's JSON report (tests only, no hooks) when the timings are missing.
import { existsSync, readFileSync } from "node:fs";

const TIMINGS = new URL("../test-artifacts/file-timings.jsonl", import.meta.url);
const REPORT = new URL("../test-artifacts/vitest-results.json", import.meta.url);

function fromTimings() {
  return readFileSync(TIMINGS, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((t) => ({ name: t.file, start: t.startedAt, end: t.endedAt, cpu: t.cpuSeconds + (t.childrenCpuSeconds ?? 0) }));
}

function fromReport() {
  const report = JSON.parse(readFileSync(REPORT, "utf8"));
  return report.testResults.map((file) => ({ name: file.name.replace(/^.*?\/test\//, "test/"), start: file.startTime, end: file.endTime, cpu: undefined }));
}

try {
  const files = (existsSync(TIMINGS) ? fromTimings() : fromReport()).map((f) => ({ ...f, seconds: (f.end - f.start) / 1000 }));
  files.sort((a, b) => b.seconds - a.seconds);
  const cpu = (f) => (f.cpu === undefined ? "" : `  ${f.cpu.toFixed(1).padStart(7)} CPU s`);
  console.log(`slowest test files (wall seconds${files[0]?.cpu === undefined ? ", tests only" : ", imports and hooks included"}):`);
  for (const file of files.slice(0, 15)) console.log(`  ${file.seconds.toFixed(1).padStart(7)}${cpu(file)}  ${file.name}`);
  const span = (Math.max(...files.map((f) => f.end)) - Math.min(...files.map((f) => f.start))) / 1000;
  const busy = files.reduce((sum, f) => sum + f.seconds, 0);
  const totalCpu = files.reduce((sum, f) => sum + (f.cpu ?? 0), 0);
  console.log(`${files.length} files in ${span.toFixed(0)} s: ${busy.toFixed(0)} s of file wall time (${(busy / span).toFixed(2)} files at once on average), ${totalCpu.toFixed(0)} CPU s`);
} catch (error) {
  console.log(`no test timings: ${error.message}`);
}

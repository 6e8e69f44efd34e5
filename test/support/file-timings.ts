/**
 * Vitest set-up file: when each test file ends, one line of test-artifacts/file-timings.jsonl says
 * how long its process took from its start (imports and hooks included, which the JSON report's
 * per-file times leave out) and the CPU it used, its own and that of the processes it ran and
 * waited for (Chromium, pdftoppm, ImageMagick, DynamoDB Local's JVM). CI's budget is wall time on
 * 2 cores, so these say where it goes: .ci/slowest-files.mjs prints them.
 */
import { afterAll } from "vitest";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { TIMINGS_FILE } from "./file-timings-path.ts";

/** CPU seconds of the children this process has waited for (/proc/self/stat cutime + cstime; Linux only). */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of stat(5), counted from after the command's name (field 3 is index 0), in clock ticks (100 a second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

afterAll(({}, suite) => {
  const cpu = process.cpuUsage();
  const line = {
    file: relative(process.cwd(), suite.file.filepath),
    startedAt: Math.round(performance.timeOrigin),
    endedAt: Date.now(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    childrenCpuSeconds: childrenCpuSeconds(),
  };
  mkdirSync(dirname(TIMINGS_FILE), { recursive: true });
  appendFileSync(TIMINGS_FILE, `${JSON.stringify(line)}\n`);
});

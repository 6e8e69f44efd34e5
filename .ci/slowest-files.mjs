// Prints the test files that took longest in the last run (vitest's JSON report), to keep CI under its budget.
import { readFileSync } from "node:fs";
try {
  const report = JSON.parse(readFileSync(new URL("../test-artifacts/vitest-results.json", import.meta.url), "utf8"));
  const files = report.testResults
    .map((file) => ({ name: file.name.replace(/^.*?\/test\//, "test/"), seconds: (file.endTime - file.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  console.log("slowest test files (wall seconds, 2 run at once):");
  for (const file of files.slice(0, 15)) console.log(`  ${file.seconds.toFixed(1).padStart(7)}  ${file.name}`);
} catch (error) {
  console.log(`no test timings: ${error.message}`);
}

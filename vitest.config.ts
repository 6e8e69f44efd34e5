import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/support/slow-first-sequencer.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // One file per core. Vitest's default for `run` is one fewer than the cores: a single worker on
    // CI's 2 cores, which left one core idle while a file waited on DynamoDB Local, Chromium or a
    // child process (README, "Tests").
    maxWorkers: Math.max(2, availableParallelism()),
    // The slowest files first, so none starts late and leaves a worker idle at the end (test/support/slow-first-sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
    // Each file's duration kept beside the console output, so CI's 20-minute budget can be read per file.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-results.json" }]],
    // The CLI's JavaScript build (dist/cli/), made again when its sources changed; the file timings emptied.
    globalSetup: ["test/support/build-cli.ts", "test/support/file-timings-reset.ts"],
    // Each file's wall time from its process's start and its CPU, in test-artifacts/file-timings.jsonl.
    setupFiles: ["test/support/file-timings.ts"],
    env: {
      // The SDK's notice about Node versions, once per process (kept for a run on an older Node).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // ONNX Runtime's threads for PaddleOCR in the tests (the stack, the CLI and the engines the tests
      // build): one, as two files run at once on two cores; at two threads a page cost ~1.6× the CPU
      // on a busy machine (README, "Tests"). NIANBAO_OCR_THREADS=2 npx vitest … runs them at two.
      NIANBAO_OCR_THREADS: process.env.NIANBAO_OCR_THREADS ?? "1",
    },
  },
});

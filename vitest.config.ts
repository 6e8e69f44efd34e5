import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Each file's duration kept beside the console output, so CI's 20-minute budget can be read per file.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-results.json" }]],
    // The CLI's JavaScript build (dist/cli/), made again when its sources changed.
    globalSetup: ["test/support/build-cli.ts"],
    // The SDK's notice about Node versions, once per process (kept for a run on an older Node).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});

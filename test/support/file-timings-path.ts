/** Where ./file-timings.ts writes each test file's timings, one JSON line each (read by .ci/slowest-files.mjs). */
export const TIMINGS_FILE = "test-artifacts/file-timings.jsonl";

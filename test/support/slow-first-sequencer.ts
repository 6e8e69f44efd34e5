/**
 * Vitest's file order, slowest first. On a fresh machine (CI) vitest has no durations cached, so
 * it starts the largest files first; a slow file that is small (ocr-page-selection, load, reingest)
 * then starts late and, with two files at once, can leave the other worker idle at the end. These
 * files, the slowest of the last whole runs, start first, longest first; the rest follow in
 * vitest's own order. Update the list from `.ci/run`'s "slowest test files" when it changes much.
 */
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Wall seconds of the slowest files in CI's last run before this list (one file at a time: vitest's default on 2 cores then). */
export const SLOW_FILES: Readonly<Record<string, number>> = {
  "test/documents/ocr-hard-scans.test.ts": 287,
  "test/documents/ocr-round-trip.test.ts": 62,
  "test/documents/paddle-ocr.test.ts": 44,
  "test/pipeline/local-stack.test.ts": 33,
  "test/batch/load.test.ts": 32,
  "test/report/cell-sources.test.ts": 32,
  "test/fault/faults.test.ts": 18,
  "test/web/upload-documents.test.ts": 17,
  "test/cdk/ocr-asset.test.ts": 15,
  "test/documents/pdf/ocr-page-selection.test.ts": 15,
  "test/local/reingest.test.ts": 14.5,
  "test/functions/adapters/stats-aggregates-local.test.ts": 11,
  "test/bin/commands/parse-scan.test.ts": 10,
  "test/web/browser.test.ts": 10,
  "test/documents/pdf/pdfium-reader.test.ts": 7,
};

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rest = await super.sort(files);
    const seconds = (file: TestSpecification) => SLOW_FILES[relative(this.ctx.config.root, file.moduleId)] ?? 0;
    // A stable sort: the files not listed keep vitest's order after the listed ones.
    return [...rest].sort((a, b) => seconds(b) - seconds(a));
  }
}

/** markProgress is best effort: a failing or silent progress store never fails or holds up a step. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProgressStore } from "../../../functions/adapters/progress-store.ts";
import { logger, stepLogger } from "../../../functions/shared/logger.ts";
import { markProgress, PROGRESS_MARK_TIMEOUT_MS } from "../../../functions/shared/progress.ts";

const ID = "f".repeat(64);

describe("markProgress", () => {
  beforeEach(() => logger.setLogLevel("SILENT"));
  afterEach(() => {
    vi.useRealTimers();
  });

  it("marks the step through the progress store", async () => {
    const marks: string[] = [];
    const progress: ProgressStore = { mark: async (id, step) => void marks.push(`${id}:${step}`), get: async () => undefined };
    await markProgress(progress, ID, "Parse", stepLogger("parse"));
    expect(marks).toEqual([`${ID}:Parse`]);
  });

  it("logs a failed write and goes on", async () => {
    // Prepare
    const progress: ProgressStore = { mark: async () => Promise.reject(new Error("AccessDenied")), get: async () => undefined };
    const log = stepLogger("extract");
    const warn = vi.spyOn(log, "warn");

    // Act + Assess
    await expect(markProgress(progress, ID, "Extract", log)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith("progress not marked", expect.objectContaining({ progressStep: "Extract", error: "AccessDenied" }));
  });

  it("gives up on a store that does not answer", async () => {
    vi.useFakeTimers();
    const silent: ProgressStore = { mark: () => new Promise<void>(() => {}), get: async () => undefined };
    const log = stepLogger("store");
    const warn = vi.spyOn(log, "warn");
    let settled = false;
    const marking = markProgress(silent, ID, "Store", log).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(PROGRESS_MARK_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await marking;
    expect(settled).toBe(true);
    expect(warn).toHaveBeenCalledWith("progress not marked", expect.objectContaining({ progressStep: "Store" }));
  });
});

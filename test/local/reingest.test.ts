/**
 * A file whose processing never finishes (the process dies on it) is re-ingested by the next
 * start-ups only so many times; then it gets a FAILED record saying so, and start-ups stop retrying.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { planReingest, type LocalStackOptions } from "../../local/stack.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

let local: TestStack | undefined;
afterAll(async () => {
  await local?.stop();
});

/** Records that never answer: as if the process died while storing. */
const dying: LocalStackOptions["adapters"] = (built) => ({
  records: { ...built.records, putParsed: () => new Promise(() => {}), putFailure: () => new Promise(() => {}) },
});

describe("re-ingest at start-up", () => {
  it("counts start-ups per unrecorded object and gives up past the limit", () => {
    const a = { key: "incoming/a.txt", size: 1 };
    const b = { key: "incoming/b.txt", size: 1 };
    expect(planReingest([a, b], { "incoming/a.txt": 3, "incoming/gone.txt": 2 }, 3)).toEqual({ send: [b], abandon: [a], attempts: { "incoming/a.txt": 4, "incoming/b.txt": 1 } });
  });

  it("records a file that never finishes as FAILED after the allowed start-ups, and no longer re-ingests it", async () => {
    const bytes = new TextEncoder().encode(`hung ${Date.now()}`);

    // Start-up 1: the upload is delivered, its processing never finishes.
    local = await startTestStack("nianbao-reingest-", { ocr: false, adapters: dying });
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/hung.txt", Body: bytes }));
    await new Promise((r) => setTimeout(r, 1500));

    // Start-up 2: re-ingested once (the limit here is 1), and it hangs again.
    await local.restart({ ocr: false, adapters: dying, maxReingestAttempts: 1 });
    expect(local.stack.reconciled).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));

    // Start-up 3: past the limit, the object is recorded as FAILED with the reason, not re-ingested.
    await local.restart({ ocr: false, maxReingestAttempts: 1 });
    expect(local.stack.reconciled).toBe(0);
    const report = await local.stack.adapters.records.get(hashBytes(bytes));
    expect(report).toMatchObject({ status: "FAILED", failure: { error: "ProcessingAbandonedError" } });
    expect(report!.failure!.cause).toMatch(/不再自动重试/);
    expect(report!.sources.map((s) => s.key)).toEqual(["incoming/hung.txt"]);
    expect(JSON.parse(await readFile(join(local.dataDir, "reingest-attempts.json"), "utf8"))).toEqual({ "incoming/hung.txt": 2 });

    // Start-up 4: recorded now, nothing left to re-ingest.
    await local.restart({ ocr: false });
    expect(local.stack.reconciled).toBe(0);
  }, 120_000);
});

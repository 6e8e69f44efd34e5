/**
 * A file whose processing never finishes (the process dies on it) is re-ingested by the next
 * start-ups only so many times; then it gets a FAILED record saying so, and start-ups stop retrying.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { planReingest, startLocalStack, type LocalStack, type LocalStackOptions } from "../../local/stack.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Records that never answer: as if the process died while storing. */
const dying: LocalStackOptions["adapters"] = (built) => ({
  records: { ...built.records, putParsed: () => new Promise(() => {}), putFailure: () => new Promise(() => {}) },
});

async function start(dataDir: string, options: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({ dataDir, port: 0, ocr: false, ...options });
}

describe("re-ingest at start-up", () => {
  it("counts start-ups per unrecorded object and gives up past the limit", () => {
    const a = { key: "incoming/a.txt", size: 1 };
    const b = { key: "incoming/b.txt", size: 1 };
    expect(planReingest([a, b], { "incoming/a.txt": 3, "incoming/gone.txt": 2 }, 3)).toEqual({ send: [b], abandon: [a], attempts: { "incoming/a.txt": 4, "incoming/b.txt": 1 } });
  });

  it("records a file that never finishes as FAILED after the allowed start-ups, and no longer re-ingests it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nianbao-reingest-"));
    dirs.push(dataDir);
    const bytes = new TextEncoder().encode(`hung ${Date.now()}`);

    // Start-up 1: the upload is delivered, its processing never finishes.
    let stack = await start(dataDir, { adapters: dying });
    const s3 = new S3Client({ region: "us-east-1", endpoint: stack.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    await s3.send(new PutObjectCommand({ Bucket: stack.ingestBucket, Key: "incoming/hung.txt", Body: bytes }));
    await new Promise((r) => setTimeout(r, 1500));
    s3.destroy();
    await stack.stop();

    // Start-up 2: re-ingested once (the limit here is 1), and it hangs again.
    stack = await start(dataDir, { adapters: dying, maxReingestAttempts: 1 });
    expect(stack.reconciled).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    await stack.stop();

    // Start-up 3: past the limit, the object is recorded as FAILED with the reason, not re-ingested.
    stack = await start(dataDir, { maxReingestAttempts: 1 });
    try {
      expect(stack.reconciled).toBe(0);
      const report = await stack.adapters.records.get(hashBytes(bytes));
      expect(report).toMatchObject({ status: "FAILED", failure: { error: "ProcessingAbandonedError" } });
      expect(report!.failure!.cause).toMatch(/不再自动重试/);
      expect(report!.sources.map((s) => s.key)).toEqual(["incoming/hung.txt"]);
      expect(JSON.parse(await readFile(join(dataDir, "reingest-attempts.json"), "utf8"))).toEqual({ "incoming/hung.txt": 2 });
    } finally {
      await stack.stop();
    }
    // Start-up 4: recorded now, nothing left to re-ingest.
    stack = await start(dataDir);
    expect(stack.reconciled).toBe(0);
    await stack.stop();
  }, 120_000);
});

/**
 * Only uploads start the workflow: objects under incoming/ of the ingest bucket. The Ocr step's
 * cache and other artifacts, or ingest-bucket objects elsewhere, start nothing.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestRecordsOf } from "../../local/stack.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";

const record = (bucket: string, key: string) => ({ eventName: "ObjectCreated:Put", s3: { bucket: { name: bucket }, object: { key } } });

describe("which object events start the workflow", () => {
  it("keeps the ingest bucket's incoming/ objects and nothing else", () => {
    const event = { Records: [record("in", "incoming/a+b.txt"), record("in", "samples/x.txt"), record("art", "incoming/y.txt"), record("art", "artifacts/ocr-cache/z.json")] };
    expect(ingestRecordsOf(event, "in")).toEqual({ Records: [record("in", "incoming/a+b.txt")] });
    expect(ingestRecordsOf({ Records: [record("art", "artifacts/ocr-cache/z.json")] }, "in")).toBeNull();
  });
});

describe("on the local stack", () => {
  let local: TestStack;
  beforeAll(async () => {
    local = await startTestStack("nianbao-filter-");
  }, 120_000);
  afterAll(async () => {
    await local?.stop();
  });

  it("starts no execution for an OCR cache object or an ingest object outside incoming/", async () => {
    const report = await readFile(join(SEEDS_DIR, "001_4b9b066e761ef3f1.txt"));
    await local.s3.send(new PutObjectCommand({ Bucket: "nianbao-artifacts", Key: "artifacts/ocr-cache/tesseract/abc.json", Body: "{}" }));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "elsewhere/001.txt", Body: report }));
    await local.stack.idle();
    const list = (await (await fetch(`${local.stack.apiUrl}/reports`)).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/001.txt", Body: report }));
    await local.stack.idle();
    const after = (await (await fetch(`${local.stack.apiUrl}/reports`)).json()) as { items: unknown[] };
    expect(after.items).toHaveLength(1);
  });
});

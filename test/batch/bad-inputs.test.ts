/**
 * The bad-input corpus through the local pipeline: every file ends as one FAILED record
 * whose reason a user understands, with a notification; the bucket's objects are
 * byte-identical afterwards; nothing crashes and memory stays bounded (the 200 MB file
 * is refused by its size, never read into memory).
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalObjectStore } from "../../bin/commands/local-client.ts";
import type { ObjectStore } from "../../functions/adapters/object-store.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { buildBadInputs, writeOversizedFile, type BadInput } from "../fixtures/bad-inputs/index.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const MB = 1024 * 1024;
const OVERSIZED_KEY = "incoming/bad/huge.pdf";
const OVERSIZED_BYTES = 200 * MB;

type ReportBody = { id: string; status: string; failure?: { error: string; cause: string }; sources: { key: string }[] };
type Notice = { reportId: string; status: string; cause?: string };

let local: TestStack;
let objects: ObjectStore;
let corpus: BadInput[];
let oversizedId: string;
let before: Map<string, string>;
let rssGrowth = 0;
/** Keys whose whole bytes a handler asked for (the handlers run in this process). */
const readWhole: string[] = [];

async function hashFile(path: string): Promise<string> {
  const digest = createHash("sha256");
  for await (const chunk of createReadStream(path)) digest.update(chunk as Buffer);
  return digest.digest("hex");
}

/** Every object of the ingest bucket and the SHA-256 of its bytes (streamed). */
async function snapshot(): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const info of await objects.list(local.stack.ingestBucket)) {
    hashes.set(info.key, await objects.hash!(local.stack.ingestBucket, info.key));
  }
  return hashes;
}

async function getReport(id: string): Promise<ReportBody | undefined> {
  const res = await fetch(`${local.stack.apiUrl}/reports/${id}`);
  return res.status === 200 ? ((await res.json()) as ReportBody) : undefined;
}

async function notices(): Promise<Notice[]> {
  const text = await readFile(local.stack.notificationsLog, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Notice);
}

beforeAll(async () => {
  local = await startTestStack("nianbao-bad-", {
    adapters: ({ objects: real }) => ({
      objects: {
        ...real,
        getBytes: (bucket, key) => {
          readWhole.push(key);
          return real.getBytes(bucket, key);
        },
      },
    }),
  });
  objects = createLocalObjectStore(local.stack.s3Endpoint);
  corpus = await buildBadInputs();

  // The 200 MB file: sparse, in the test's temporary folder, uploaded as a stream.
  const huge = await writeOversizedFile(join(local.dataDir, "huge.pdf"), OVERSIZED_BYTES);
  oversizedId = await hashFile(huge);

  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await local.s3.send(
      new PutObjectCommand({
        Bucket: local.stack.ingestBucket,
        Key: OVERSIZED_KEY,
        Body: createReadStream(huge),
        ContentLength: OVERSIZED_BYTES,
      }),
    );
    for (const input of corpus) {
      await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: input.key, Body: input.bytes }));
    }
    before = new Map([[OVERSIZED_KEY, oversizedId], ...corpus.map((c) => [c.key, hashBytes(c.bytes)] as const)]);
    await local.stack.idle();
  } finally {
    clearInterval(timer);
  }
  rssGrowth = Math.max(peak, process.memoryUsage().rss) - start;
}, 300_000);

afterAll(async () => {
  await local?.stop();
});

describe("the bad-input corpus through the pipeline", () => {
  it("fails every file with the error and the reason a user reads", async () => {
    for (const input of corpus) {
      // Act
      const report = await getReport(hashBytes(input.bytes));

      // Assess
      expect(report?.status, input.name).toBe("FAILED");
      expect(report?.failure?.error, input.name).toBe(input.error);
      expect(report?.failure?.cause, input.name).toMatch(input.reason);
      expect(report?.sources.map((s) => s.key), input.name).toEqual([input.key]);
    }
  });

  it("refuses the 200 MB file by its size, holding far less than the file in memory", async () => {
    const report = await getReport(oversizedId);
    expect(report?.status).toBe("FAILED");
    expect(report?.failure?.error).toBe("UnreadableDocumentError");
    expect(report?.failure?.cause).toMatch(/文件太大（200 MB）.*more than the 50 MB allowed/);
    expect(readWhole).not.toContain(OVERSIZED_KEY);
    expect(readWhole).toContain(corpus[0]!.key);
    expect(rssGrowth).toBeLessThan(120 * MB);
  });

  it("notifies once per failed file, with the same reason", async () => {
    const all = await notices();
    for (const [key, id] of before) {
      const mine = all.filter((n) => n.reportId === id);
      expect(mine, key).toHaveLength(1);
      expect(mine[0]?.status, key).toBe("FAILED");
      expect(mine[0]?.cause, key).toBe((await getReport(id))?.failure?.cause);
    }
  });

  it("leaves every object in the bucket byte-identical and adds none", async () => {
    expect(await snapshot()).toEqual(before);
  });

  it("lists exactly one record per file", async () => {
    const res = await fetch(`${local.stack.apiUrl}/reports?limit=100`);
    const { items } = (await res.json()) as { items: { id: string; status: string }[] };
    expect(items.map((i) => i.id).sort()).toEqual([...new Set(before.values())].sort());
    expect(items.every((i) => i.status === "FAILED")).toBe(true);
  });
});

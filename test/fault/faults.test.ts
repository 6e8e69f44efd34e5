/**
 * Fault injection on the local stack (local/faults.ts, switched on through NIANBAO_FAULTS,
 * which the stack reads once at start): each fault ends with exactly one record per
 * source object — VALID / NEEDS_REVIEW / FAILED with a reason — and a notification for
 * each FAILED one.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run as runReprocess } from "../../bin/commands/reprocess.ts";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { createDynamoRecordStore } from "../../functions/adapters/record-store.ts";
import { Config } from "../../functions/shared/config.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { FaultPlan } from "../../local/faults.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

type ReportBody = { id: string; status: string; failure?: { error: string; cause: string }; sources: { key: string }[] };
type Notice = { reportId: string; status: string; cause?: string };
type ExecutionLine = { name: string; status: string; output?: string };

const seed = async (n: number) => new Uint8Array(await readFile(join(SEEDS_DIR, `${SEEDS[n]!}.txt`)));
/** Seeds 1-3 are VALID, 0 and 4 NEEDS_REVIEW (test/pipeline/local-stack.test.ts). */
const VALID_SEED = 1;
const REVIEW_SEED = 0;

let local: TestStack | undefined;

async function startWith(plan: Partial<FaultPlan>, config: Partial<Config> = {}): Promise<TestStack> {
  local = await startTestStack("nianbao-fault-", { faults: FaultPlan.parse(plan), config });
  return local;
}

afterEach(async () => {
  await local?.stop();
  local = undefined;
});

async function drop(stack: TestStack, key: string, body: Uint8Array) {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.stack.ingestBucket, Key: key, Body: body }));
}

async function getReport(stack: TestStack, id: string): Promise<ReportBody | undefined> {
  const res = await fetch(`${stack.stack.apiUrl}/reports/${id}`);
  return res.status === 200 ? ((await res.json()) as ReportBody) : undefined;
}

async function listIds(stack: TestStack): Promise<string[]> {
  const res = await fetch(`${stack.stack.apiUrl}/reports?limit=100`);
  return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
}

async function readLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as T);
}

const notices = (stack: TestStack) => readLines<Notice>(stack.stack.notificationsLog);
const executions = (stack: TestStack) => readLines<ExecutionLine>(join(stack.dataDir, "executions.log"));

describe("a handler that crashes mid-way", () => {
  it("keeps the record a crashed Store wrote, fails a crashed Extract with its reason, and reprocessing recovers it", async () => {
    // Prepare
    const stack = await startWith({
      crash: [
        { step: "store", when: "after", times: 1, keyIncludes: "incoming/store-crash/" },
        { step: "extract", when: "before", times: 1, keyIncludes: "incoming/extract-crash/" },
      ],
      retryIntervalMs: 10,
    });
    const stored = await seed(VALID_SEED);
    const extracted = await seed(2);

    // Act
    await drop(stack, "incoming/store-crash/a.txt", stored);
    await drop(stack, "incoming/extract-crash/b.txt", extracted);
    await stack.stack.idle();

    // Assess: Store crashed after its write — the record stands, its source listed once
    const kept = await getReport(stack, hashBytes(stored));
    expect(kept?.status).toBe("VALID");
    expect(kept?.sources.map((s) => s.key)).toEqual(["incoming/store-crash/a.txt"]);
    // Extract crashed before reading — FAILED with the runtime's reason, notified once
    const failed = await getReport(stack, hashBytes(extracted));
    expect(failed?.status).toBe("FAILED");
    expect(failed?.failure).toMatchObject({ error: "Runtime.ExitError", cause: expect.stringMatching(/Runtime exited/) });
    const notes = await notices(stack);
    expect(notes.filter((n) => n.reportId === hashBytes(extracted)).map((n) => n.status)).toEqual(["FAILED"]);
    expect(notes.filter((n) => n.reportId === hashBytes(stored))).toEqual([]);
    expect((await listIds(stack)).sort()).toEqual([hashBytes(stored), hashBytes(extracted)].sort());

    // Act: the FAILED one is re-run (the crash does not happen twice)
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let code: number;
    try {
      code = await runReprocess(["--status", "FAILED", "--endpoint", stack.stack.apiUrl, "--poll-ms", "50"]);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }

    // Assess
    expect(code).toBe(0);
    expect((await getReport(stack, hashBytes(extracted)))?.status).toBe("VALID");
    const store = createDynamoRecordStore(
      createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: stack.stack.dynamoDbEndpoint })),
      LOCAL_NAMES.TABLE,
    );
    expect((await store.history!(hashBytes(extracted))).map((h) => h.status)).toEqual(["FAILED"]);
    expect(await listIds(stack)).toHaveLength(2);
  }, 120_000);
});

describe("a DynamoDB conditional-check conflict", () => {
  it("lets one of two concurrent stores of the same report write it, lists both sources and notifies once", async () => {
    // Prepare: both executions' Store calls are held until they can write together
    const stack = await startWith({ barrier: { step: "store", parties: 2, timeoutMs: 20_000 } });
    const bytes = await seed(REVIEW_SEED);

    // Act
    await Promise.all([drop(stack, "incoming/race/a.txt", bytes), drop(stack, "incoming/race/b.txt", bytes)]);
    await stack.stack.idle();

    // Assess
    const report = await getReport(stack, hashBytes(bytes));
    expect(report?.status).toBe("NEEDS_REVIEW");
    expect(report?.sources.map((s) => s.key).sort()).toEqual(["incoming/race/a.txt", "incoming/race/b.txt"]);
    expect(await listIds(stack)).toEqual([hashBytes(bytes)]);
    const runs = await executions(stack);
    expect(runs.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const written = runs.map((r) => (JSON.parse(r.output ?? "{}") as { stored?: { written?: boolean } }).stored?.written);
    expect(written.sort()).toEqual([false, true]);
    expect((await notices(stack)).filter((n) => n.reportId === hashBytes(bytes))).toHaveLength(1);
  }, 120_000);
});

describe("S3 delivering the same event twice", () => {
  it("runs each object once: one record, its source once, one notification", async () => {
    // Prepare: every event arrives twice at once and a third time later
    const stack = await startWith({ duplicateEvents: true });
    const review = await seed(4);
    const empty = new Uint8Array();

    // Act
    await drop(stack, "incoming/dup/report.txt", review);
    await drop(stack, "incoming/dup/empty.txt", empty);
    await stack.stack.idle();
    await new Promise((r) => setTimeout(r, 600));
    await stack.stack.idle();

    // Assess
    expect((await listIds(stack)).sort()).toEqual([hashBytes(review), hashBytes(empty)].sort());
    expect((await getReport(stack, hashBytes(review)))?.sources.map((s) => s.key)).toEqual(["incoming/dup/report.txt"]);
    const failed = await getReport(stack, hashBytes(empty));
    expect(failed?.status).toBe("FAILED");
    expect(failed?.failure?.cause).toMatch(/empty/);
    const notes = await notices(stack);
    expect(notes.filter((n) => n.reportId === hashBytes(review)).map((n) => n.status)).toEqual(["NEEDS_REVIEW"]);
    expect(notes.filter((n) => n.reportId === hashBytes(empty)).map((n) => n.status)).toEqual(["FAILED"]);
    expect(await executions(stack)).toHaveLength(2);
  }, 120_000);
});

describe("an OCR engine that times out", () => {
  it("retries the timed-out page, then fails the scan with the timeout as its reason and notifies", async () => {
    // Prepare: the engine never answers; a call counts as timed out after half a second
    const stack = await startWith({ hangOcr: true, retryIntervalMs: 10 }, { OCR_TIMEOUT_SECONDS: 0.5 });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
    const started = Date.now();

    // Act
    await drop(stack, "incoming/scans/page.png", png);
    await stack.stack.idle();

    // Assess
    const report = await getReport(stack, hashBytes(png));
    expect(report?.status).toBe("FAILED");
    expect(report?.failure).toMatchObject({ error: "TransientError", cause: expect.stringMatching(/OCR 引擎超时.*did not answer within/) });
    // The first attempt and the state machine's four retries each waited out the timeout.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 500);
    const notes = await notices(stack);
    expect(notes.filter((n) => n.reportId === hashBytes(png)).map((n) => n.status)).toEqual(["FAILED"]);
    expect(await listIds(stack)).toEqual([hashBytes(png)]);
  }, 120_000);
});

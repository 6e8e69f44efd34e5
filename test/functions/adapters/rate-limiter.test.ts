/**
 * The OCR limiter: a DynamoDB semaphore (on DynamoDB Local) that holds across separate
 * clients, frees a crashed holder's slot when its lease expires, backoff with full jitter
 * for throttling and 5xx, and a timeout for an engine that does not answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../functions/adapters/clients.ts";
import {
  backoffDelay,
  createDynamoSemaphore,
  guardOcrEngine,
  withBackoff,
  type Semaphore,
} from "../../../functions/adapters/rate-limiter.ts";
import type { OcrEngine } from "../../../functions/documents/ocr/engine.ts";
import { Config } from "../../../functions/shared/config.ts";
import { TransientError } from "../../../functions/shared/errors.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../support/dynamodb-local.ts";

const TABLE = "records";
let dynamo: TestDynamoDb;

/** A semaphore on its own client, as another Lambda would have. */
const semaphore = (name: string, limit: number, leaseMs = 30_000, maxWaitMs = 30_000): Semaphore =>
  createDynamoSemaphore(createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint })), TABLE, {
    name,
    limit,
    leaseMs,
    maxWaitMs,
    baseMs: 5,
    capMs: 50,
  });

const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const noSleep = { sleep: async () => undefined };

beforeAll(async () => {
  dynamo = await startTestDynamoDb(TABLE, "nianbao-limiter-");
});

afterAll(async () => {
  await dynamo?.stop();
});

describe("DynamoDB semaphore", () => {
  it("keeps at most `limit` holders at once across separate clients", async () => {
    // Prepare: four "Lambdas", twelve calls, two slots
    const limiters = Array.from({ length: 4 }, () => semaphore("textract-a", 2));
    let inFlight = 0;
    let peak = 0;

    // Act
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const limiter = limiters[i % limiters.length]!;
        const lease = await limiter.acquire();
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 40));
        inFlight--;
        await limiter.release(lease);
      }),
    );

    // Assess
    expect(peak).toBe(2);
    expect(inFlight).toBe(0);
  });

  it("frees the slot of a holder that never releases once its lease expires", async () => {
    // Prepare: a crashed holder keeps the only slot
    await semaphore("textract-b", 1, 300).acquire();
    const started = Date.now();

    // Act
    const lease = await semaphore("textract-b", 1, 300).acquire();

    // Assess
    expect(lease.slot).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("gives up with a TransientError when no slot frees in time", async () => {
    await semaphore("textract-c", 1).acquire();
    await expect(semaphore("textract-c", 1, 30_000, 200).acquire()).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringMatching(/slots stayed busy/),
    });
  });
});

describe("withBackoff", () => {
  it("retries throttling, provisioned-throughput and 5xx errors, then succeeds", async () => {
    const errors = [sdkError("ThrottlingException", 400), sdkError("ProvisionedThroughputExceededException", 400), sdkError("InternalServerError", 500)];
    let calls = 0;
    const out = await withBackoff(
      async () => {
        const error = errors[calls++];
        if (error) throw error;
        return "done";
      },
      { maxAttempts: 5, baseMs: 1, capMs: 2, ...noSleep },
    );
    expect(out).toBe("done");
    expect(calls).toBe(4);
  });

  it("throws a TransientError for the state machine when throttling outlasts its attempts", async () => {
    let calls = 0;
    const attempt = withBackoff(
      async () => {
        calls++;
        throw sdkError("ThrottlingException", 400);
      },
      { maxAttempts: 3, baseMs: 1, capMs: 2, ...noSleep },
    );
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    expect(calls).toBe(3);
  });

  it("does not retry an error that is not transient", async () => {
    let calls = 0;
    const attempt = withBackoff(async () => {
      calls++;
      throw new Error("bad image");
    }, { maxAttempts: 5, baseMs: 1, capMs: 2, ...noSleep });
    await expect(attempt).rejects.toThrow("bad image");
    expect(calls).toBe(1);
  });

  it("waits a random time up to the exponential ceiling, capped (full jitter)", () => {
    expect(backoffDelay(0, { baseMs: 100, capMs: 1000, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { baseMs: 100, capMs: 1000, random: () => 0.999 })).toBe(799);
    expect(backoffDelay(10, { baseMs: 100, capMs: 1000, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(10, { baseMs: 100, capMs: 1000, random: () => 0 })).toBe(0);
  });
});

describe("guardOcrEngine", () => {
  const page = { bytes: new Uint8Array([1]), mediaType: "image/png" as const };

  it("fails an engine that does not answer in time with a TransientError naming the timeout", async () => {
    const hung: OcrEngine = { name: "hung", recognizeImage: () => new Promise(() => undefined) };
    const engine = guardOcrEngine(hung, { timeoutMs: 50, backoff: { maxAttempts: 3, baseMs: 1, capMs: 2 } });
    await expect(engine.recognizeImage(page)).rejects.toMatchObject({
      name: "TransientError",
      message: expect.stringMatching(/OCR 引擎超时.*did not answer within/),
    });
  });

  it("retries a throttled engine and holds a slot for each call", async () => {
    let calls = 0;
    const throttled: OcrEngine = {
      name: "textract",
      recognizeImage: async () => {
        if (calls++ < 2) throw sdkError("ThrottlingException", 400);
        return { blocks: [] };
      },
    };
    const engine = guardOcrEngine(throttled, {
      semaphore: semaphore("textract-d", 1),
      timeoutMs: 5_000,
      backoff: { maxAttempts: 5, baseMs: 1, capMs: 5 },
    });
    await expect(engine.recognizeImage(page)).resolves.toEqual({ blocks: [] });
    expect(calls).toBe(3);
    // Every lease was given back: another holder gets the only slot at once.
    await expect(semaphore("textract-d", 1, 30_000, 100).acquire()).resolves.toMatchObject({ slot: 0 });
  });
});

/**
 * Throttling of OCR calls across concurrent executions (Textract's TPS quotas are low and
 * per account, so a limit inside one Lambda holds nothing).
 *
 * - `createDynamoSemaphore`: a semaphore of `limit` slots in the records table, one item per
 *   slot (`pk = LIMITER#<name>`, `sk = SLOT#<n>`). A slot is taken by a conditional Put
 *   (free, or its lease expired) and given back by a conditional Delete (still ours). A
 *   holder that crashes never blocks the others for longer than its lease.
 * - `withBackoff`: retries throttling and 5xx errors (`isTransient`) with exponential
 *   backoff and full jitter.
 * - `guardOcrEngine`: an `OcrEngine` whose every call holds a slot, retries throttling and
 *   gives up on an engine that does not answer in time, as a `TransientError` the state
 *   machine retries (lib/workflow.ts): throttling alone never fails a report.
 */
import { KEY_PREFIXES } from "../shared/table-schema.ts";
import { randomUUID } from "node:crypto";
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { OcrEngine, OcrImage, OcrResult } from "../documents/ocr/engine.ts";
import { TransientError } from "../shared/errors.ts";
import { isTransient, rethrowClassified } from "../shared/transient.ts";

export type Lease = { slot: number; holder: string };

export interface Semaphore {
  /** Takes a slot, waiting (backoff with full jitter) until one is free or `maxWaitMs` passed. */
  acquire(): Promise<Lease>;
  release(lease: Lease): Promise<void>;
}

export type BackoffOptions = {
  /** Attempts in all (the first included). */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
};

/** Errors this module has already waited on: thrown on to the state machine, not retried here. */
function final<E extends Error>(error: E): E {
  return Object.assign(error, { final: true });
}
const isFinal = (error: unknown) => (error as { final?: boolean })?.final === true;

export const DEFAULT_BACKOFF = { maxAttempts: 6, baseMs: 200, capMs: 10_000 } as const satisfies BackoffOptions;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: a uniformly random pause up to min(cap, base * 2^attempt) (AWS Architecture Blog). */
export function backoffDelay(attempt: number, options: Pick<BackoffOptions, "baseMs" | "capMs" | "random">): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * Runs `fn`, retrying transient errors (throttling, 5xx, connection trouble) with
 * exponential backoff and full jitter; the last transient error is thrown as TransientError.
 *
 * @example
 * const out = await withBackoff(() => textract.send(command), DEFAULT_BACKOFF);
 */
export async function withBackoff<T>(fn: () => Promise<T>, options: BackoffOptions = DEFAULT_BACKOFF): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (isFinal(error) || (!isTransient(error) && !(error instanceof TransientError))) throw error;
      if (attempt + 1 >= options.maxAttempts) {
        if (error instanceof TransientError) throw error;
        throw new TransientError(`still throttled after ${options.maxAttempts} attempts: ${(error as Error).message}`, { cause: error });
      }
      await sleep(backoffDelay(attempt, options));
    }
  }
}

export type DynamoSemaphoreOptions = {
  /** Which limit (one per engine/quota). */
  name: string;
  /** Slots: calls in flight at once across every execution. */
  limit: number;
  /** How long a slot is held at most (a crashed holder's slot frees itself then). */
  leaseMs: number;
  /** Longest wait for a slot before giving up with a TransientError. */
  maxWaitMs: number;
  /** First and largest pause between attempts to take a slot. */
  baseMs?: number;
  capMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

/**
 * A semaphore over DynamoDB conditional writes, shared by every Lambda that uses the table.
 *
 * @example
 * const ocrSlots = createDynamoSemaphore(client, "nianbao-records", { name: "textract", limit: 2, leaseMs: 120_000, maxWaitMs: 600_000 });
 * const lease = await ocrSlots.acquire();
 * try { await textract.send(command); } finally { await ocrSlots.release(lease); }
 */
export function createDynamoSemaphore(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: DynamoSemaphoreOptions,
): Semaphore {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const pk = `${KEY_PREFIXES.LIMITER}${options.name}`;
  const baseMs = options.baseMs ?? 100;
  const capMs = options.capMs ?? 5_000;

  async function tryTake(slot: number, holder: string): Promise<boolean> {
    const at = now();
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk, sk: `SLOT#${slot}`, holder, expiresAt: at + options.leaseMs },
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
          ExpressionAttributeValues: { ":now": at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrowClassified(error, `take ${options.name} slot ${slot}`);
    }
  }

  return {
    async acquire() {
      const holder = randomUUID();
      const deadline = now() + options.maxWaitMs;
      for (let attempt = 0; ; attempt++) {
        // Start at a random slot so waiters do not all contend for slot 0.
        const first = Math.floor(Math.random() * options.limit);
        for (let i = 0; i < options.limit; i++) {
          const slot = (first + i) % options.limit;
          if (await tryTake(slot, holder)) return { slot, holder };
        }
        if (now() >= deadline) {
          throw final(new TransientError(
            `OCR 调用繁忙，稍后自动重试 (all ${options.limit} ${options.name} slots stayed busy for ${Math.round(options.maxWaitMs / 1000)} s; retried later)`,
          ));
        }
        await sleep(Math.min(backoffDelay(Math.min(attempt, 16), { baseMs, capMs }), Math.max(0, deadline - now())));
      }
    },
    async release(lease) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk, sk: `SLOT#${lease.slot}` },
            ConditionExpression: "holder = :holder",
            ExpressionAttributeValues: { ":holder": lease.holder },
          }),
        );
      } catch (error) {
        // Our lease expired and someone else holds the slot now: nothing to give back.
        if (isConditionFailed(error)) return;
        rethrowClassified(error, `release ${options.name} slot ${lease.slot}`);
      }
    },
  };
}

export type GuardOptions = {
  /** Shared across executions; absent: no cross-execution limit (tests, a single process). */
  semaphore?: Semaphore;
  /** Longest wait for one page; an engine that takes longer has timed out. */
  timeoutMs: number;
  backoff?: BackoffOptions;
};

/** Races `work` against a timer; the timer's error is a TransientError that names the engine. */
async function withTimeout<T>(work: Promise<T>, ms: number, engine: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          final(
            new TransientError(
              `OCR 引擎超时：${Math.round(ms / 1000)} 秒内没有返回结果 (the OCR engine ${engine} did not answer within ${Math.round(ms / 1000)} s)`,
            ),
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An OCR engine behind the limiter: each call holds a slot, throttling is retried with
 * backoff and jitter, and a call that outlasts `timeoutMs` fails as a TransientError.
 *
 * @example
 * const ocr = guardOcrEngine(textractEngine, { semaphore, timeoutMs: 120_000 });
 */
export function guardOcrEngine(engine: OcrEngine, options: GuardOptions): OcrEngine {
  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    return withBackoff(async () => {
      const lease = await options.semaphore?.acquire();
      try {
        return await withTimeout(call(), options.timeoutMs, engine.name);
      } finally {
        if (lease) await options.semaphore?.release(lease);
      }
    }, options.backoff ?? DEFAULT_BACKOFF);
  }
  return {
    name: engine.name,
    ...(engine.concurrency !== undefined ? { concurrency: engine.concurrency } : {}),
    recognizeImage: (image: OcrImage): Promise<OcrResult> => guarded(() => engine.recognizeImage(image)),
    ...(engine.recognizePdf
      ? {
          recognizePdf: (bytes: Uint8Array, pages: readonly number[]) => guarded(() => engine.recognizePdf!(bytes, pages)),
        }
      : {}),
  };
}

/** OCR limits of a deployment (functions/shared/config.ts): slots across executions, per-call timeout. */
export const OCR_LIMIT_DEFAULTS = {
  /** Textract's synchronous APIs allow a few TPS per account; pages take ~1-3 s each. */
  MAX_CONCURRENCY: 4,
  TIMEOUT_SECONDS: 120,
  /** A slot outlives the longest call (a holder that crashed frees it after this). */
  LEASE_MARGIN_SECONDS: 30,
} as const;

export type OcrLimitConfig = {
  TABLE_NAME?: string | undefined;
  OCR_MAX_CONCURRENCY?: number | undefined;
  OCR_TIMEOUT_SECONDS?: number | undefined;
};

const limited = new WeakMap<OcrEngine, OcrEngine>();

/**
 * The engine behind the deployment's OCR limits, built once per engine: a semaphore in the
 * records table when there is one (every execution shares it), the timeout, the backoff.
 *
 * @example
 * const ocr = limitOcr(textractEngine, config, () => createDocumentClient(config));
 * const doc = await extractDocument(bytes, { ocr });
 */
export function limitOcr(engine: OcrEngine, config: OcrLimitConfig, client?: () => DynamoDBDocumentClient): OcrEngine {
  const existing = limited.get(engine);
  if (existing) return existing;
  const timeoutMs = (config.OCR_TIMEOUT_SECONDS ?? OCR_LIMIT_DEFAULTS.TIMEOUT_SECONDS) * 1000;
  const semaphore =
    client && config.TABLE_NAME
      ? createDynamoSemaphore(client(), config.TABLE_NAME, {
          name: `ocr-${engine.name}`,
          limit: config.OCR_MAX_CONCURRENCY ?? OCR_LIMIT_DEFAULTS.MAX_CONCURRENCY,
          leaseMs: timeoutMs + OCR_LIMIT_DEFAULTS.LEASE_MARGIN_SECONDS * 1000,
          // Waiting is cheaper than failing: most of a Lambda's time, the state machine retries after that.
          maxWaitMs: Math.max(timeoutMs, 5 * 60_000),
        })
      : undefined;
  const guarded = guardOcrEngine(engine, { timeoutMs, ...(semaphore ? { semaphore } : {}) });
  limited.set(engine, guarded);
  return guarded;
}

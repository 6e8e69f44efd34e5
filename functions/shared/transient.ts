import { TransientError } from "./errors.ts";

/** SDK error names that mean "busy, try again later". */
const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "InternalServerError",
  "TimeoutError",
  "RequestTimeout",
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
]);

type SdkErrorShape = {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
};

/** Whether an SDK or network error is worth retrying (throttling, 5xx, connection trouble). */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & SdkErrorShape;
  if (e.$retryable) return true;
  if (THROTTLING_NAMES.has(e.name) || (e.code !== undefined && THROTTLING_NAMES.has(e.code))) return true;
  const status = e.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/**
 * Rethrows a transient SDK error as `TransientError` (which the state machine retries
 * with backoff); any other error unchanged.
 */
export function rethrowClassified(error: unknown, what: string): never {
  if (isTransient(error)) {
    throw new TransientError(`${what}: ${(error as Error).message}`, { cause: error });
  }
  throw error;
}

/**
 * RecordFailure: every object ends as a record, so a step that failed (after its retries)
 * leaves a FAILED record with the error and its cause, keyed like any other by the
 * SHA-256 of the object's bytes.
 */
import middy from "@middy/core";
import { getAdapter } from "../../adapters/index.ts";
import { PARSER_VERSION } from "../../report/index.ts";
import { parseEventWith } from "../../shared/handler-kit.ts";
import { markProgress } from "../../shared/progress.ts";
import { hashBytes } from "../../shared/hash.ts";
import { stepLogger } from "../../shared/logger.ts";
import { RecordFailureInput, type StepError, type Stored } from "../../shared/workflow-payloads.ts";

const MAX_CAUSE_LENGTH = 2000;

/**
 * The human-readable reason in a Catch's `Cause`: Lambda puts a JSON string
 * `{ errorType, errorMessage, trace }` there; the local runner the plain message.
 */
export function readCause(error: StepError): string {
  const raw = error.Cause ?? "";
  let cause = raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && "errorMessage" in parsed && typeof parsed.errorMessage === "string") {
      cause = parsed.errorMessage;
    }
  } catch {
    // not JSON: the message itself
  }
  cause = cause.trim() || error.Error;
  return cause.length > MAX_CAUSE_LENGTH ? `${cause.slice(0, MAX_CAUSE_LENGTH)}…` : cause;
}

/** The report id when Extract did not get that far: hash the object, or its address if it is gone. */
async function identify(event: RecordFailureInput): Promise<string> {
  if (event.extracted) return event.extracted.reportId;
  try {
    const objects = getAdapter("objects");
    // Streamed where the store can: the object may be far too big to hold (a refused upload).
    if (objects.hash) return await objects.hash(event.bucket, event.key);
    return hashBytes(await objects.getBytes(event.bucket, event.key));
  } catch {
    return hashBytes(`missing object s3://${event.bucket}/${event.key}`);
  }
}

export const handler = middy<RecordFailureInput, Stored>()
  .use(parseEventWith(RecordFailureInput))
  .handler(async (event) => {
    const reportId = await identify(event);
    const log = stepLogger("record-failure", { reportId, source: `s3://${event.bucket}/${event.key}` });
    await markProgress(reportId, "RecordFailure", log);
    const failure = { error: event.error.Error, cause: readCause(event.error) };
    const outcome = await getAdapter("records").putFailure({
      reportId,
      parserVersion: PARSER_VERSION,
      failure,
      source: { bucket: event.bucket, key: event.key },
    });
    log.warn("report failed", { ...failure, ...outcome });
    return { reportId, ...outcome, failure };
  });

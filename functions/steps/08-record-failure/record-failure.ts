/**
 * RecordFailure: every object ends as a record, so a step that failed (after its retries)
 * leaves a FAILED record with the error and its cause, keyed like any other by the
 * SHA-256 of the object's bytes.
 */
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ProgressStore } from "../../adapters/progress-store.ts";
import type { RecordStore } from "../../adapters/record-store.ts";
import { PARSER_VERSION } from "../../report/index.ts";
import { markProgress } from "../../shared/progress.ts";
import { hashBytes } from "../../shared/hash.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { RecordFailureInput, StepError, Stored } from "../../shared/workflow-payloads.ts";

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
async function identify(event: RecordFailureInput, objects: ObjectStore): Promise<string> {
  if (event.extracted) return event.extracted.reportId;
  try {
    // Streamed where the store can: the object may be far too big to hold (a refused upload).
    if (objects.hash) return await objects.hash(event.bucket, event.key);
    return hashBytes(await objects.getBytes(event.bucket, event.key));
  } catch {
    return hashBytes(`missing object s3://${event.bucket}/${event.key}`);
  }
}

/** What RecordFailure needs: the upload (to name a report Extract did not), the records table, the progress marks. */
export type RecordFailureDeps = { objects: ObjectStore; records: RecordStore; progress: ProgressStore };

/**
 * Stores the FAILED record of a step's error (after its retries).
 *
 * @example
 * const stored = await runRecordFailure({ bucket, key, error: { Error: "UnreadableDocumentError", Cause } }, deps);
 * // { reportId, status: "FAILED", written: true, sourceAdded: true, failure: { error, cause } }
 */
export async function runRecordFailure(input: RecordFailureInput, deps: RecordFailureDeps): Promise<Stored> {
  const reportId = await identify(input, deps.objects);
  const log = stepLogger("record-failure", { reportId, source: `s3://${input.bucket}/${input.key}` });
  await markProgress(deps.progress, reportId, "RecordFailure", log);
  const failure = { error: input.error.Error, cause: readCause(input.error) };
  const outcome = await deps.records.putFailure({
    reportId,
    parserVersion: PARSER_VERSION,
    failure,
    source: { bucket: input.bucket, key: input.key },
  });
  log.warn("report failed", { ...failure, ...outcome });
  return { reportId, ...outcome, failure };
}

/**
 * Store: writes the parsed record under its report id (conditional, idempotent) and
 * lists this object as one of its sources.
 */
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ProgressStore } from "../../adapters/progress-store.ts";
import type { RecordStore } from "../../adapters/record-store.ts";
import { markProgress } from "../../shared/progress.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { StoreInput, Stored } from "../../shared/workflow-payloads.ts";

/** What Store needs: the record artifact's bucket, the records table and the progress marks. */
export type StoreDeps = { objects: ObjectStore; records: RecordStore; progress: ProgressStore; artifactsBucket: string };

/**
 * Stores the record Parse wrote, with this object as a source.
 *
 * @example
 * const stored = await runStore({ bucket, key, extracted, parsed }, { objects, records, progress, artifactsBucket });
 * // { reportId, status: "VALID", written: true, sourceAdded: true }
 */
export async function runStore(input: StoreInput, deps: StoreDeps): Promise<Stored> {
  const { reportId, recordKey, status, parserVersion } = input.parsed;
  const log = stepLogger("store", { reportId });
  await markProgress(deps.progress, reportId, "Store", log);

  const record = await deps.objects.getJson<Record<string, unknown>>(deps.artifactsBucket, recordKey);
  const outcome = await deps.records.putParsed({
    reportId,
    status,
    parserVersion,
    record,
    source: { bucket: input.bucket, key: input.key },
  });
  log.info("stored", { ...outcome });
  return { reportId, ...outcome };
}

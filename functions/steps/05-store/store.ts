/**
 * Store: writes the parsed record under its report id (conditional, idempotent) and
 * lists this object as one of its sources.
 */
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ProgressStore } from "../../adapters/progress-store.ts";
import type { RecordStore } from "../../adapters/record-store.ts";
import type { ReportRecord } from "../../report/record.ts";
import type { AgencyRegistry } from "../../adapters/agency-registry.ts";
import { registryEntryOf, settleIdentity } from "./identity.ts";
import { markProgress } from "../../shared/progress.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { StoreInput, Stored } from "../../shared/workflow-payloads.ts";

/** What Store needs: the record artifact's bucket, the records table, the registry of bodies and the progress marks. */
export type StoreDeps = { objects: ObjectStore; records: RecordStore; registry: AgencyRegistry; progress: ProgressStore; artifactsBucket: string };

/**
 * Stores the record Parse wrote, with this object as a source, and adds it to its body in the
 * registry (a record whose text left its region open takes the one registered body of its name).
 *
 * @example
 * const stored = await runStore({ bucket, key, extracted, parsed }, { objects, records, progress, artifactsBucket });
 * // { reportId, status: "VALID", written: true, sourceAdded: true }
 */
export async function runStore(input: StoreInput, deps: StoreDeps): Promise<Stored> {
  const { reportId, recordKey, status, parserVersion } = input.parsed;
  const log = stepLogger("store", { reportId });
  await markProgress(deps.progress, reportId, "Store", log);

  const parsed = await deps.objects.getJson<ReportRecord>(deps.artifactsBucket, recordKey);
  const record = await settleIdentity(parsed, deps.registry);
  const outcome = await deps.records.putParsed({
    reportId,
    status,
    parserVersion,
    record,
    source: { bucket: input.bucket, key: input.key, format: input.extracted.format },
    // What a reviewer's misread counts against (the measured misread share per format).
    format: input.extracted.format,
  });
  // Another file of a report already stored: the steps after go on with that report.
  const { logicalReportId, ...stored } = outcome;
  const storedId = logicalReportId ?? reportId;
  // The body's registry entry: sets grown with ADD, so a retried or duplicated Store adds nothing twice.
  const entry = registryEntryOf(storedId, record);
  if (entry) await deps.registry.recordReport(entry);
  log.info("stored", { ...outcome, agencyId: entry?.agencyId ?? null });
  return { reportId: storedId, ...stored };
}

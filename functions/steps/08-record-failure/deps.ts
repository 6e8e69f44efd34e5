/** RecordFailure's dependencies in Lambda: S3, the records table, the progress items. */
import { buildObjectStore, buildProgressStore, buildRecordStore } from "../../adapters/index.ts";
import type { Config } from "../../shared/config.ts";
import type { RecordFailureDeps } from "./record-failure.ts";

export function buildRecordFailureDeps(config: Config): RecordFailureDeps {
  return { objects: buildObjectStore(config), records: buildRecordStore(config), progress: buildProgressStore(config) };
}

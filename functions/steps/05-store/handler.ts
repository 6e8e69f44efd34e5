/**
 * Store: writes the parsed record under its report id (conditional, idempotent) and
 * lists this object as one of its sources.
 */
import middy from "@middy/core";
import { getAdapter } from "../../adapters/index.ts";
import { readConfig, requireConfig } from "../../shared/config.ts";
import { parseEventWith } from "../../shared/handler-kit.ts";
import { markProgress } from "../../shared/progress.ts";
import { stepLogger } from "../../shared/logger.ts";
import { StoreInput, type Stored } from "../../shared/workflow-payloads.ts";

export const handler = middy<StoreInput, Stored>()
  .use(parseEventWith(StoreInput))
  .handler(async (event) => {
    const artifactsBucket = requireConfig(readConfig(), "ARTIFACTS_BUCKET");
    const { reportId, recordKey, status, parserVersion } = event.parsed;
    const log = stepLogger("store", { reportId });
    await markProgress(reportId, "Store", log);

    const record = await getAdapter("objects").getJson<Record<string, unknown>>(artifactsBucket, recordKey);
    const outcome = await getAdapter("records").putParsed({
      reportId,
      status,
      parserVersion,
      record,
      source: { bucket: event.bucket, key: event.key },
    });
    log.info("stored", { ...outcome });
    return { reportId, ...outcome };
  });

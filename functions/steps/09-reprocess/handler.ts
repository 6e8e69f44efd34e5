/**
 * Reprocess / Select: the first step of the reprocess workflow (lib/reprocess-workflow.ts).
 * Pages through the table's indexes for the reports the filter selects and writes their
 * source objects as a JSON manifest, which the Map state fans out over.
 */
import middy from "@middy/core";
import { randomUUID } from "node:crypto";
import { getAdapter } from "../../adapters/index.ts";
import { readConfig, requireConfig } from "../../shared/config.ts";
import { parseEventWith } from "../../shared/handler-kit.ts";
import { stepLogger } from "../../shared/logger.ts";
import { SelectInput, toManifestKey, type Selection, type SelectionItem } from "./selection.ts";

export const handler = middy<SelectInput, Selection>()
  .use(parseEventWith(SelectInput))
  .handler(async (event) => {
    const { filter, inline } = event as unknown as { filter: Selection["filter"]; inline: boolean };
    const artifactsBucket = requireConfig(readConfig(), "ARTIFACTS_BUCKET");
    const log = stepLogger("reprocess-select", { filter });

    const items: SelectionItem[] = [];
    for await (const report of getAdapter("selector").select(filter)) {
      items.push({ reportId: report.reportId, bucket: report.bucket, key: report.key });
    }
    const manifest = { bucket: artifactsBucket, key: toManifestKey(new Date(), randomUUID().slice(0, 8)) };
    await getAdapter("objects").putJson(manifest.bucket, manifest.key, items);
    log.info("selected", { count: items.length, manifest });
    return { count: items.length, filter, manifest, ...(inline ? { items } : {}) };
  });

/**
 * Reprocess / Select: the first step of the reprocess workflow (lib/reprocess-workflow.ts).
 * Pages through the table's indexes for the reports the filter selects and writes their
 * source objects as a JSON manifest, which the Map state fans out over.
 */
import { randomUUID } from "node:crypto";
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ReportSelector } from "../../adapters/report-selector.ts";
import { stepLogger } from "../../shared/logger.ts";
import { toManifestKey, type SelectInput, type Selection, type SelectionItem } from "./selection.ts";

/** What Select needs: the table's indexes, and the artifacts bucket for the manifest. */
export type SelectReportsDeps = { selector: ReportSelector; objects: ObjectStore; artifactsBucket: string };

/**
 * Selects the reports the filter names and writes their manifest.
 *
 * @example
 * const selection = await runSelectReports({ filter: { status: ["FAILED"] }, inline: false }, deps);
 * // { count: 3, filter, manifest: { bucket, key: "artifacts/reprocess/<time>-<run>.json" } }
 */
export async function runSelectReports(input: SelectInput, deps: SelectReportsDeps): Promise<Selection> {
  const { filter, inline } = input as unknown as { filter: Selection["filter"]; inline: boolean };
  const log = stepLogger("reprocess-select", { filter });

  const items: SelectionItem[] = [];
  for await (const report of deps.selector.select(filter)) {
    items.push({ reportId: report.reportId, bucket: report.bucket, key: report.key });
  }
  const manifest = { bucket: deps.artifactsBucket, key: toManifestKey(new Date(), randomUUID().slice(0, 8)) };
  await deps.objects.putJson(manifest.bucket, manifest.key, items);
  log.info("selected", { count: items.length, manifest });
  return { count: items.length, filter, manifest, ...(inline ? { items } : {}) };
}

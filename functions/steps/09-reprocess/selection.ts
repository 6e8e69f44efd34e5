/**
 * What the reprocess workflow's Select step takes and returns (lib/reprocess-workflow.ts).
 */
import * as z from "zod";
import { Status } from "../../shared/status.ts";

/** The filter: every criterion optional, all of them must hold. */
export const ReprocessFilter = z.object({
  status: z
    .union([Status, z.array(Status).min(1)])
    .optional()
    .transform((s) => (s === undefined ? undefined : Array.isArray(s) ? s : [s])),
  year: z.coerce.number().int().min(1990).max(2100).optional(),
  agency: z.string().min(1).optional(),
  /** A parser version: records made by an older one are selected. */
  olderThan: z.string().min(1).optional(),
});
export type ReprocessFilter = z.infer<typeof ReprocessFilter>;

export const SelectInput = z.object({
  /** The execution input: the filter (unknown keys, such as a scheduled event's, are dropped). */
  filter: ReprocessFilter.default({ status: undefined }),
  /** Return the items in the output too (the inline Map of the local stack reads them there). */
  inline: z.boolean().default(false),
});
export type SelectInput = z.input<typeof SelectInput>;

export const SelectionItem = z.object({ reportId: z.string(), bucket: z.string(), key: z.string() });
export type SelectionItem = z.infer<typeof SelectionItem>;

export type Selection = {
  count: number;
  filter: ReprocessFilter;
  /** The items as a JSON array (the Distributed Map's ItemReader reads it). */
  manifest: { bucket: string; key: string };
  items?: SelectionItem[];
};

/** Where a selection's manifest is written (under the artifacts prefix, never ingested). */
export function toManifestKey(startedAt: Date, runId: string): string {
  return `artifacts/reprocess/${startedAt.toISOString().replace(/[:.]/g, "-")}-${runId}.json`;
}

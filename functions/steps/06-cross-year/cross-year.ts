/**
 * CrossYear: after Store, checks the stored record against the same agency's records of the
 * year before and the year after (functions/report/cross-year.ts) and writes the findings
 * onto both records of each pair. Runs again whenever either record is stored anew
 * (reprocessing), so a pair's findings always follow the current bodies.
 */
import type { CrossYearItem, CrossYearStore } from "../../adapters/cross-year-store.ts";
import { agencyKeyOf, checkCrossYear } from "../../report/cross-year.ts";
import { measureTextReuse, type TextReuse } from "../../report/text-reuse.ts";
import { TransientError } from "../../shared/errors.ts";
import { stepLogger } from "../../shared/logger.ts";
import type { CrossYearInput, CrossYearResult } from "../../shared/workflow-payloads.ts";
import { STATUS } from "../../shared/status.ts";
import { checkHierarchyAround, type HierarchyDeps } from "./hierarchy-check.ts";

/** Reads and writes again this many times when a record changed between the two. */
const MAX_ATTEMPTS = 4;

const isCheckable = (item: CrossYearItem): boolean =>
  item.status !== STATUS.FAILED && typeof item.year === "number" && typeof item.agency === "string" && item.record !== undefined;

/**
 * Checks one report against its neighbours and writes the findings on both records of each
 * pair; removes entries for reports that are no longer its neighbours.
 *
 * @example
 * const result = await checkStoredReport(crossYearStore, reportId);
 * // { reportId, neighbours: ["<id of 2021>"], findings: 2 }
 */
export async function checkStoredReport(
  store: CrossYearStore,
  reportId: string,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<CrossYearResult> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const self = await store.getReport(reportId);
    if (!self) return { reportId, neighbours: [], findings: 0, skipped: "no record" };

    let neighbours: CrossYearItem[] = [];
    if (isCheckable(self)) {
      const year = self.year!;
      // The index key Store wrote: the body's agencyId (records made before it key by name).
      const key = self.agencyKey ?? agencyKeyOf(self.agency!);
      const found = await store.listByAgencyYears(key, year - 1, year + 1);
      neighbours = found.filter((n) => n.reportId !== reportId && n.year !== year && isCheckable(n));
    }
    const current = new Set(neighbours.map((n) => n.reportId));
    // Entries for reports that are no longer neighbours (this record's agency or year changed, or theirs).
    for (const otherId of Object.keys(self.crossYear ?? {})) {
      if (current.has(otherId)) continue;
      await store.removeEntry(reportId, otherId);
      await store.removeEntry(otherId, reportId);
    }

    let findings = 0;
    let stale = false;
    for (const other of neighbours) {
      const [previous, next] = other.year! < self.year! ? [other, self] : [self, other];
      const result = checkCrossYear(
        { id: previous.reportId, record: previous.record! },
        { id: next.reportId, record: next.record! },
      );
      const written = await store.writePair(
        { reportId: previous.reportId, updatedAt: previous.updatedAt, otherId: next.reportId, findings: result.previous },
        { reportId: next.reportId, updatedAt: next.updatedAt, otherId: previous.reportId, findings: result.current, textReuse: textReuseOf(previous, next), counted: next },
      );
      if (!written) stale = true;
      findings += (self === previous ? result.previous : result.current).length;
    }
    if (!stale) {
      return { reportId, neighbours: neighbours.map((n) => n.reportId), findings, ...(isCheckable(self) ? {} : { skipped: "not checkable" }) };
    }
    // A record changed since it was read (or the index has not caught up yet): read again.
    await pause(100 * 2 ** attempt);
  }
  throw new TransientError(`cross-year check of ${reportId}: records kept changing while they were checked`);
}

/**
 * The later year's text against the earlier's (consecutive years only); null when either record
 * keeps no section texts (made before they were kept) or the later has none of the sections.
 */
function textReuseOf(previous: CrossYearItem, next: CrossYearItem): TextReuse | null {
  const before = previous.record!.sectionTexts;
  const after = next.record!.sectionTexts;
  if (!before || !after || next.year! !== previous.year! + 1) return null;
  const measured = measureTextReuse(before, after);
  return measured && { previousReportId: previous.reportId, previousYear: previous.year!, ...measured };
}

/** What CrossYear needs: the records as pairs of neighbouring years; for the hierarchy check, the registry, the imported lists and where its findings go. */
export type CrossYearDeps = { crossYear: CrossYearStore } & Partial<Omit<HierarchyDeps, "crossYear">>;

/**
 * Checks the report Store just stored against its neighbouring years.
 *
 * @example
 * const result = await runCrossYear({ bucket, key, stored }, { crossYear });
 */
export async function runCrossYear(input: CrossYearInput, deps: CrossYearDeps): Promise<CrossYearResult> {
  const { reportId } = input.stored;
  const log = stepLogger("cross-year", { reportId });
  const result = await checkStoredReport(deps.crossYear, reportId);
  log.info("cross-year checked", { ...result });
  const { registry, bodyLists, hierarchy } = deps;
  if (!registry || !bodyLists || !hierarchy) return result;
  const checked = await checkHierarchyAround({ crossYear: deps.crossYear, registry, bodyLists, hierarchy }, reportId);
  if (checked.summaries.length > 0) log.info("hierarchy checked", checked);
  return { ...result, ...(checked.summaries.length > 0 ? { hierarchy: checked } : {}) };
}

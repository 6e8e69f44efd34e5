/**
 * The hierarchy check of CrossYear (functions/report/hierarchy.ts): after a report is stored,
 * the summary it is part of (its parent government's report of that year) and, when it is a
 * summary itself, the report itself, are compared with the sum of their subordinates' reports,
 * once the registry holds every subordinate for that year. Findings go onto the summary's record.
 */
import { listAllBodies, type AgencyRegistry } from "../../adapters/agency-registry.ts";
import type { BodyListStore } from "../../adapters/body-lists.ts";
import type { CrossYearItem, CrossYearStore } from "../../adapters/cross-year-store.ts";
import type { HierarchyStore } from "../../adapters/hierarchy-store.ts";
import { expectedBodies } from "../../report/coverage.ts";
import { codePrefix } from "../../report/division-tree.ts";
import { checkHierarchy, parentGovernmentOf, subordinatesOf } from "../../report/hierarchy.ts";
import type { Finding, ReportRecord } from "../../report/record.ts";
import { STATUS } from "../../shared/status.ts";

export type HierarchyDeps = { crossYear: CrossYearStore; registry: AgencyRegistry; bodyLists: BodyListStore; hierarchy: HierarchyStore };

type Checkable = CrossYearItem & { record: ReportRecord & { agency: string; region: NonNullable<ReportRecord["region"]> } };

const isCheckable = (item: CrossYearItem | undefined): item is Checkable =>
  !!item && item.status !== STATUS.FAILED && !!item.record?.agency && !!item.record.region;

/** The summary's findings against its subordinates; [] when one of them has no report of that year yet. */
async function sumOfSubordinates(deps: HierarchyDeps, summary: Checkable): Promise<Finding[]> {
  const { region, year } = summary.record;
  const prefix = codePrefix(region.code);
  const [registered, lists] = await Promise.all([listAllBodies(deps.registry, prefix), deps.bodyLists.all()]);
  const agencyId = summary.agencyKey ?? summary.record.agencyId ?? "";
  const subordinates = subordinatesOf({ agencyId, region }, expectedBodies(prefix, registered, lists));
  const byId = new Map(registered.map((b) => [b.id, b]));
  const reportIds = subordinates.map((s) => byId.get(s.agencyId)?.reports.find((r) => r.year === year)?.reportId);
  if (subordinates.length === 0 || reportIds.some((id) => id === undefined)) return [];
  const items = await Promise.all(reportIds.map((id) => deps.crossYear.getReport(id!)));
  if (!items.every(isCheckable)) return [];
  return checkHierarchy(summary.record, items.map((item, i) => ({ agency: subordinates[i]!.agency, record: item.record })));
}

/** The report of year `year` of the government above `item`, when it is a summary. */
async function parentSummary(deps: HierarchyDeps, item: Checkable): Promise<Checkable | undefined> {
  const parent = parentGovernmentOf(item.record.agency, item.record.region);
  if (!parent) return undefined;
  const body = (await listAllBodies(deps.registry, parent.region.code)).find((b) => b.id === parent.agencyId);
  const report = body?.reports.find((r) => r.year === item.record.year && r.reportId !== item.reportId);
  const summary = report ? await deps.crossYear.getReport(report.reportId) : undefined;
  return isCheckable(summary) && summary.record.summarises ? summary : undefined;
}

/** Checks the summaries `reportId` bears on; returns their ids and the findings written. */
export async function checkHierarchyAround(deps: HierarchyDeps, reportId: string): Promise<{ summaries: string[]; findings: number }> {
  const self = await deps.crossYear.getReport(reportId);
  if (!isCheckable(self)) return { summaries: [], findings: 0 };
  const summaries = [...(self.record.summarises ? [self] : []), ...[await parentSummary(deps, self)].filter((s): s is Checkable => !!s)];
  let findings = 0;
  for (const summary of summaries) {
    const found = await sumOfSubordinates(deps, summary);
    // A record stored anew in between is checked again by its own run.
    if (await deps.hierarchy.write(summary.reportId, summary.updatedAt, found)) findings += found.length;
  }
  return { summaries: summaries.map((s) => s.reportId), findings };
}

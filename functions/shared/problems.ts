/**
 * The figures that do not add up, in one short phrase each, for people (CLI tables,
 * notifications): `resultsTotal.total 19≠0` — the cell, what its rows add up to, what is printed.
 */
import type { Finding } from "../report/record.ts";

/** A finding as read back from JSON (a record, an API response): any of its fields may be missing. */
export type FindingLike = Partial<Finding>;

/** One finding as `<cell> <expected>≠<actual>`; a balance finding (four cells) as `balance.<column>`. */
export function describeFinding(finding: FindingLike): string {
  const rule = typeof finding.rule === "string" ? finding.rule : "finding";
  const cells = Array.isArray(finding.cells) ? finding.cells.filter((c): c is string => typeof c === "string") : [];
  const first = cells[0] ?? rule;
  const name = cells.length > 1 ? `${rule.split(".").pop()}.${first.split(".").pop()}` : first;
  const known = (v: unknown) => typeof v === "number";
  return known(finding.expected) && known(finding.actual) ? `${name} ${finding.expected}≠${finding.actual}` : name;
}

/** The error findings, described. */
export function describeErrors(findings: readonly FindingLike[]): string[] {
  return findings.filter((f) => f.severity === "error").map(describeFinding);
}

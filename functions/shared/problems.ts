/**
 * The figures that do not add up, in one short phrase each, for people (CLI tables,
 * notifications), in the template's words: `表三（七）总计·自然人：印 0，应为 19` — the cell,
 * what is printed, what its rows add up to.
 */
import { cellName, sectionOfCell } from "../report/cell-names.ts";
import type { Finding } from "../report/record.ts";
import { APPLICANT_COLUMNS, EDITIONS, type Edition } from "../report/template.ts";

/** A finding as read back from JSON (a record, an API response): any of its fields may be missing. */
export type FindingLike = Partial<Finding>;

const known = (v: unknown): v is number => typeof v === "number";

/** The column of a balance finding (four cells of one applicant column) as the template prints it: `自然人`. */
function balanceColumn(cells: readonly string[]): string {
  const key = cells[0]?.split(".").pop();
  return APPLICANT_COLUMNS.find((c) => c.key === key)?.label ?? key ?? "";
}

/**
 * One finding in the template's words: `表三（七）总计·自然人：印 0，应为 19`; a balance finding
 * as `表三 自然人列：一+二=19，三（七）+四=0，不平衡`; one without figures by its message.
 * `edition` names the columns of section 二 (they differ between editions).
 */
export function describeFinding(finding: FindingLike, edition?: string | null): string {
  const cells = Array.isArray(finding.cells) ? finding.cells.filter((c): c is string => typeof c === "string") : [];
  const figures = known(finding.expected) && known(finding.actual);
  if (finding.rule === "applications.balance" && figures) {
    return `表三 ${balanceColumn(cells)}列：一+二=${finding.expected}，三（七）+四=${finding.actual}，不平衡`;
  }
  const first = cells[0];
  if (figures && first?.includes(".")) {
    const ed: Edition = EDITIONS.find((e) => e === edition) ?? "2019";
    return `${cellName(sectionOfCell(first), first, ed)}：印 ${finding.actual}，应为 ${finding.expected}`;
  }
  if (typeof finding.message === "string" && finding.message) return finding.message;
  return first ?? (typeof finding.rule === "string" ? finding.rule : "发现");
}

/** The error findings, described. */
export function describeErrors(findings: readonly FindingLike[], edition?: string | null): string[] {
  return findings.filter((f) => f.severity === "error").map((f) => describeFinding(f, edition));
}

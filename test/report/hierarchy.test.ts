/**
 * hierarchy.sum: a summary report against the sum of its subordinates' reports. Built on the real
 * records of ../shared/corpus/real: 淮安市人民政府's 2024 report says it speaks for the whole city
 * (`全市共受理…`) and its subordinates are the seven county governments; a summary that equals the
 * sum of its parts raises nothing, one edited cell raises one warning naming the bodies summed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import type { ExtractedDocument } from "../../functions/documents/model.ts";
import { expectedBodies } from "../../functions/report/coverage.ts";
import { checkHierarchy, claimsSummary, subordinatesOf, type SummedReport } from "../../functions/report/hierarchy.ts";
import { parseReport, type ReportRecord } from "../../functions/report/index.ts";
import { agencyIdOf } from "../../functions/report/region.ts";

const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const read = (name: string) => extractDocument(readFileSync(`${REAL_DIR}${name}.pdf`), { fileName: `${name}.pdf` });
const textOf = (doc: ExtractedDocument) =>
  doc.pages.flatMap((p) => p.blocks.map((b) => (b.kind === "paragraph" ? b.text : b.rows.map((r) => r.map((c) => c.text).join(" ")).join("\n")))).join("\n");

/** `record` with every figure of sections 二–四 multiplied by `factor` (rounded to the 4th decimal). */
function scaled(record: ReportRecord, factor: number): ReportRecord {
  const scale = (section: Record<string, Record<string, number> | undefined>) =>
    Object.fromEntries(Object.entries(section).map(([row, cols]) => [row, Object.fromEntries(Object.entries(cols ?? {}).map(([c, v]) => [c, Math.round(v * factor * 1e4) / 1e4]))]));
  return { ...record, activeDisclosure: scale(record.activeDisclosure as never), applications: scale(record.applications as never), reviewLitigation: scale(record.reviewLitigation as never) } as ReportRecord;
}

describe("hierarchy.sum", async () => {
  const [p02, p03, p04] = await Promise.all(["p02", "p03", "p04"].map(read));
  const city = parseReport(p04!).record;
  const hongze = parseReport(p03!).record;

  it("reads 淮安市人民政府's 2024 report (全市共受理) and 洪泽区's 2023 one (全区受理) as summaries, not 洪泽区's 2024 one or a department's", () => {
    expect(claimsSummary(city.agency, textOf(p04!))).toBe(true);
    const hongze2023 = parseReport(p02!).record;
    expect(claimsSummary(hongze2023.agency, textOf(p02!))).toBe(true);
    expect(claimsSummary(hongze.agency, textOf(p03!))).toBe(false);
    expect(claimsSummary("淮安市教育局", textOf(p04!))).toBe(false);
    // 洪泽区 has no subordinates by default (no division under it, no department registered): nothing to sum.
    const id = agencyIdOf(hongze2023.agency, hongze2023.region ?? null)!;
    expect(subordinatesOf({ agencyId: id, region: hongze2023.region! }, expectedBodies("320813", [], []))).toEqual([]);
  });

  it("takes the seven county governments as 淮安市人民政府's subordinates", () => {
    const expected = expectedBodies("3208", [], []);
    const cityId = agencyIdOf(city.agency, city.region ?? null)!;
    expect(subordinatesOf({ agencyId: cityId, region: city.region! }, expected).map((b) => b.agency)).toEqual([
      "淮安区人民政府",
      "淮阴区人民政府",
      "清江浦区人民政府",
      "洪泽区人民政府",
      "涟水县人民政府",
      "盱眙县人民政府",
      "金湖县人民政府",
    ]);
  });

  // Parts: 洪泽区's real report and two more of the same shape; the summary is their sum.
  const parts: SummedReport[] = [
    { agency: "洪泽区人民政府", record: hongze },
    { agency: "淮安区人民政府", record: scaled(hongze, 2) },
    { agency: "金湖县人民政府", record: scaled(hongze, 3) },
  ];
  const summary = { ...scaled(hongze, 6), agency: city.agency, region: city.region } as ReportRecord;

  it("raises nothing where the summary equals the sum of its parts", () => {
    expect(checkHierarchy(summary, parts)).toEqual([]);
  });

  it("raises one warning per differing cell, naming the bodies summed", () => {
    const edited = structuredClone(summary) as ReportRecord & { applications: Record<string, Record<string, number>> };
    edited.applications.newReceived!.naturalPerson! += 5;
    const findings = checkHierarchy(edited, parts);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "hierarchy.sum", severity: "warning", cells: ["newReceived.naturalPerson"], actual: edited.applications.newReceived!.naturalPerson, expected: edited.applications.newReceived!.naturalPerson! - 5 });
    expect(findings[0]!.message).toMatch(/^表三.*自然人：本报告为 \d+，所属 3 个机关（洪泽区人民政府、淮安区人民政府、金湖县人民政府）的报告相加为 \d+$/);
  });

  it("compares nothing across editions or years, or without parts", () => {
    expect(checkHierarchy(summary, [])).toEqual([]);
    expect(checkHierarchy(city, [{ agency: "洪泽区人民政府", record: { ...hongze, year: 2023 } as ReportRecord }])).toEqual([]);
  });
});

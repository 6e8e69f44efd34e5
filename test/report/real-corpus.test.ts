/**
 * The real reports of ../shared/corpus/real (born-digital WPS PDFs, read from the shared corpus,
 * never copied here): every figure exactly as transcribed by hand, and exactly the expected error
 * findings, the publishing body and its region; 洪泽区's two reports share one agencyId.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";

const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const REAL = existsSync(REAL_DIR)
  ? readdirSync(REAL_DIR)
      .filter((f) => f.endsWith(".pdf"))
      .map((f) => f.replace(/\.pdf$/, ""))
      .sort()
  : [];

type Finding = { rule: string; severity: string; cells: string[]; expected: number | null; actual: number | null };
/** Error and info findings as a set on rule, severity, cells, expected and actual (warnings depend on confidence). */
const errors = (findings: Finding[]) =>
  findings
    .filter((f) => f.severity !== "warning")
    .map((f) => JSON.stringify([f.rule, f.severity, [...f.cells].sort(), f.expected, f.actual]))
    .sort();
const hasError = (findings: Finding[]) => findings.some((f) => f.severity === "error");

describe.skipIf(REAL.length === 0)("real reports (../shared/corpus/real)", () => {
  it("holds the three reports", () => expect(REAL).toEqual(["p02", "p03", "p04"]));

  describe.each(REAL)("%s", (name) => {
    const expected = JSON.parse(readFileSync(`${REAL_DIR}${name}.expected.json`, "utf8"));
    const parsed = extractDocument(readFileSync(`${REAL_DIR}${name}.pdf`), { fileName: `${name}.pdf` }).then(parseReport);

    it("reads every figure as printed", async () => {
      const { record } = await parsed;
      expect({ agency: record.agency, region: record.region, year: record.year, edition: record.edition }).toEqual({
        agency: expected.agency,
        region: expected.region,
        year: expected.year,
        edition: expected.edition,
      });
      expect(record.activeDisclosure).toEqual(expected.activeDisclosure);
      expect(record.applications).toEqual(expected.applications);
      expect(record.reviewLitigation).toEqual(expected.reviewLitigation);
    }, 60_000);

    it("reports exactly the expected error (and info) findings", async () => {
      const { record, status } = await parsed;
      expect(errors(record.findings)).toEqual(errors(expected.findings));
      expect(status).toBe(hasError(expected.findings) ? "NEEDS_REVIEW" : "VALID");
    }, 60_000);
  });

  it("gives one body's two spellings one agencyId, and another body another", async () => {
    const [p02, p03, p04] = await Promise.all(["p02", "p03", "p04"].map((n) => extractDocument(readFileSync(`${REAL_DIR}${n}.pdf`)).then(parseReport)));
    expect(p02!.record.agencyId).toBe(p03!.record.agencyId);
    expect(p02!.record.agencyId).toMatch(/^320813-/);
    expect(p04!.record.agencyId).toMatch(/^320800-/);
  }, 60_000);

  it("places p02's misprinted 2.其他法律行政止公开 as denied.lawProhibited, with a warning naming both", async () => {
    const { record } = await extractDocument(readFileSync(`${REAL_DIR}p02.pdf`)).then(parseReport);
    const fuzzy = record.findings.filter((f) => f.rule === "table.labelFuzzy");
    expect(fuzzy).toHaveLength(1);
    expect(fuzzy[0]).toMatchObject({ severity: "warning", cells: expect.arrayContaining(["denied.lawProhibited.total"]) });
    expect(fuzzy[0]!.message).toContain("2.其他法律行政止公开");
    expect(fuzzy[0]!.message).toContain("2.其他法律行政法规禁止公开");
    // （六）其他处理 printed as one row: recorded as such, its 2021 sub-rows absent.
    expect(Object.keys(record.applications)).toContain("otherHandling");
    expect(Object.keys(record.applications).filter((k) => k.startsWith("otherHandling."))).toEqual([]);
  }, 60_000);
});

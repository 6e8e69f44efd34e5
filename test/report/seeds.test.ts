import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../functions/report/index.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import type { Finding } from "../../functions/report/record.ts";

const run = promisify(execFile);

/** Findings compare as a set on rule, severity, cells, expected and actual; warnings depend on confidence. */
const comparable = (findings: Finding[]) =>
  findings
    .filter((f) => f.severity !== "warning")
    .map((f) => JSON.stringify([f.rule, f.severity, [...f.cells].sort(), f.expected, f.actual]))
    .sort();

describe.each(SEEDS)("seed %s", (name) => {
  const expected = JSON.parse(readFileSync(join(SEEDS_DIR, `${name}.expected.json`), "utf8"));
  const text = readFileSync(join(SEEDS_DIR, `${name}.txt`), "utf8");

  it("produces the expected agency, region, year, edition and figures", () => {
    const { record } = parseReportText(text);
    expect({ agency: record.agency, region: record.region, year: record.year, edition: record.edition }).toEqual({
      agency: expected.agency,
      region: expected.region,
      year: expected.year,
      edition: expected.edition,
    });
    expect(record.agencyId).toMatch(new RegExp(`^${expected.region.code}-[0-9a-z]{7}$`));
    expect(record.activeDisclosure).toEqual(expected.activeDisclosure);
    expect(record.applications).toEqual(expected.applications);
    expect(record.reviewLitigation).toEqual(expected.reviewLitigation);
  });

  it("reports exactly the expected error and info findings", () => {
    const { record, status } = parseReportText(text);
    expect(comparable(record.findings)).toEqual(comparable(expected.findings));
    expect(status).toBe(expected.findings.some((f: Finding) => f.severity === "error") ? "NEEDS_REVIEW" : "VALID");
  });
});

describe("nianbao parse --json", () => {
  it.each(SEEDS)("prints the record of seed %s on stdout and nothing else", async (name) => {
    const expected = JSON.parse(readFileSync(join(SEEDS_DIR, `${name}.expected.json`), "utf8"));
    const { stdout } = await run("node", ["bin/nianbao.mjs", "parse", join(SEEDS_DIR, `${name}.txt`), "--json"]);
    const record = JSON.parse(stdout);
    for (const key of ["agency", "region", "year", "edition", "activeDisclosure", "applications", "reviewLitigation"]) {
      expect(record[key], key).toEqual(expected[key]);
    }
    expect(comparable(record.findings)).toEqual(comparable(expected.findings));
  });
});

describe("seed 004 (flattened PDF text)", () => {
  it("marks the review totals it placed by the template's identities as inferred", () => {
    const { record } = parseReportText(readFileSync(join(SEEDS_DIR, "004_3c5ccc28fdec33c7.txt"), "utf8"));
    expect(record.layout.reviewLitigation).toBe("order");
    expect(record.inferredCells.sort()).toEqual(["litigationAfterReview.total", "litigationDirect.total"]);
    expect(record.findings.filter((f) => f.rule === "table.inferred").map((f) => f.severity)).toEqual(["warning", "warning"]);
  });

  it("keeps the printed （七）总计 of 124 although its rows add up to 127", () => {
    const { record } = parseReportText(readFileSync(join(SEEDS_DIR, "004_3c5ccc28fdec33c7.txt"), "utf8"));
    expect(record.applications.resultsTotal?.total).toBe(124);
    const finding = record.findings.find((f) => f.rule === "applications.resultsTotal" && f.cells[0] === "resultsTotal.total");
    expect(finding).toMatchObject({ expected: 127, actual: 124, severity: "error" });
  });
});

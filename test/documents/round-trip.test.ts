/**
 * Round trips: each seed's expected record -> generated HTML / DOCX / born-digital PDF ->
 * extractDocument -> parseReport gives the same figures and the same error and info findings.
 */
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import { loadSeeds, seedDocx, seedHtml, seedPdf, type Seed } from "../fixtures/generate/index.ts";
import { findChromium } from "../fixtures/generate/render-pdf.ts";
import type { Finding } from "../../functions/report/record.ts";


/** Findings as a comparable set: warnings excluded (they depend on a parser's confidence), message ignored. */
function findingSet(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.severity !== "warning")
    .map((f) => JSON.stringify([f.rule, f.severity, f.cells, f.expected, f.actual]))
    .sort();
}

async function expectRoundTrip(seed: Seed, bytes: Uint8Array, fileName: string): Promise<void> {
  const doc = await extractDocument(bytes, { fileName });
  const { record } = parseReport(doc);
  const expected = seed.record as unknown as { findings: Finding[] } & Record<string, unknown>;
  expect(record.edition).toBe(seed.record.edition);
  expect(record.activeDisclosure).toEqual(seed.record.activeDisclosure);
  expect(record.applications).toEqual(seed.record.applications);
  expect(record.reviewLitigation).toEqual(seed.record.reviewLitigation);
  expect(findingSet(record.findings as Finding[])).toEqual(findingSet(expected.findings));
}

const seeds = loadSeeds();

describe("round trip through generated documents", () => {
  it("has the five seeds to work on", () => {
    expect(seeds.map((s) => s.name.slice(0, 3))).toEqual(["000", "001", "002", "003", "004"]);
  });

  describe.each(seeds)("$name", (seed) => {
    it("reads back from HTML", async () => {
      await expectRoundTrip(seed, seedHtml(seed), `${seed.name}.html`);
    });

    it("reads back from DOCX", async () => {
      await expectRoundTrip(seed, await seedDocx(seed), `${seed.name}.docx`);
    });

    it.skipIf(!findChromium())("reads back from a born-digital PDF", async () => {
      await expectRoundTrip(seed, await seedPdf(seed), `${seed.name}.pdf`);
    }, 120_000);
  });
});

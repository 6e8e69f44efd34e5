/**
 * Reports as Amazon Textract reads their scans: grids and digits kept, every Chinese label,
 * title and header garbled. The figures are placed by grid position against the template.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { blocksFromTextract } from "../../functions/documents/ocr/textract.ts";
import { extractDocument } from "../../functions/documents/index.ts";
import type { ExtractedDocument } from "../../functions/documents/model.ts";
import { parseReport } from "../../functions/report/index.ts";
import { yearFromFirstLines } from "../../functions/report/read-grid.ts";
import { RULE } from "../../functions/report/template.ts";
import { NotAnnualReportError } from "../../functions/shared/errors.ts";
import { loadSeeds, seedHtml, type Seed } from "../fixtures/generate/index.ts";
import { splitTable, textractBlocks, textractLike, type TextractLikeOptions } from "../support/textract-like.ts";
import type { Finding } from "../../functions/report/record.ts";


/** Error and info findings as a comparable set (warnings depend on a parser's confidence). */
function findingSet(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.severity !== "warning")
    .map((f) => JSON.stringify([f.rule, f.severity, f.cells, f.expected, f.actual]))
    .sort();
}

const CJK = /[\u3400-\u9fff]/;
const seeds = loadSeeds();
const readable = new Map<string, ExtractedDocument>();

beforeAll(async () => {
  for (const seed of seeds) readable.set(seed.name, await extractDocument(seedHtml(seed), { fileName: `${seed.name}.html` }));
});

const allText = (doc: ExtractedDocument): string[] =>
  doc.pages.flatMap((p) => p.blocks.flatMap((b) => (b.kind === "paragraph" ? [b.text] : b.rows.flatMap((r) => r.map((c) => c.text)))));

describe("textractLike", () => {
  it("keeps the grids and digits but no Chinese character, the same way for the same seed", () => {
    const doc = readable.get(seeds[0]!.name)!;
    const garbled = textractLike(doc, 1);
    expect(allText(garbled).some((t) => CJK.test(t))).toBe(false);
    expect(JSON.stringify(textractLike(doc, 1))).toBe(JSON.stringify(garbled));
    const shape = (d: ExtractedDocument) => d.pages.flatMap((p) => p.blocks.map((b) => (b.kind === "table" ? b.rows.map((r) => r.map((c) => [c.rowSpan, c.colSpan])) : "p")));
    expect(shape(garbled)).toEqual(shape(doc));
    const digits = (d: ExtractedDocument) => allText(d).filter((t) => /^\d+(\.\d+)?$/.test(t));
    expect(digits(garbled)).toEqual(digits(doc));
  });
});

/** Ways a scan comes back: a few labels empty; tables split over pages; every label cell empty. */
const READINGS: { name: string; seed: number; options: TextractLikeOptions }[] = [
  { name: "labels garbled, a few empty", seed: 1, options: {} },
  { name: "tables split over pages of 14 rows", seed: 2, options: { pageRows: 14 } },
  { name: "every label cell empty, pages of 9 rows", seed: 3, options: { emptyRate: 1, pageRows: 9 } },
];

describe("splitTable", () => {
  it("cuts a merged cell at the break and starts it again, empty, at the top of the next part", () => {
    const cell = (text: string, more: { rowSpan?: number; colSpan?: number } = {}) => ({ text, ...more });
    const rows = [[cell("a", { rowSpan: 3 }), cell("b"), cell("1")], [cell("c"), cell("2")], [cell("d"), cell("3")]];
    expect(splitTable(rows, 2)).toEqual([
      [[cell("a", { rowSpan: 2 }), cell("b"), cell("1")], [cell("c"), cell("2")]],
      [[cell(""), cell("d"), cell("3")]],
    ]);
  });
});

describe.each(seeds)("a Textract reading of $name", (seed: Seed) => {
  for (const reading of READINGS) {
    it(`gives the expected figures, year, edition and findings (${reading.name})`, () => {
      const doc = textractLike(readable.get(seed.name)!, reading.seed * 101 + Number(seed.name.slice(0, 3)), reading.options);
      const { record, status } = parseReport(doc);
      const expected = seed.record as unknown as { findings: Finding[] } & Record<string, unknown>;
      expect(record.year).toBe(seed.record.year);
      expect(record.edition).toBe(seed.record.edition);
      expect(record.agency).toBeNull();
      expect(record.activeDisclosure).toEqual(seed.record.activeDisclosure);
      expect(record.applications).toEqual(seed.record.applications);
      expect(record.reviewLitigation).toEqual(seed.record.reviewLitigation);
      expect(findingSet(record.findings as Finding[])).toEqual(findingSet(expected.findings));
      expect(status).toBe(expected.findings.some((f) => f.severity === "error") ? "NEEDS_REVIEW" : "VALID");
      expect(record.layout).toEqual({ activeDisclosure: "grid", applications: "grid", reviewLitigation: "grid" });
      expect(record.findings.filter((f) => f.rule === RULE.LABELS_UNREAD && f.cells.length === 0)).toHaveLength(3);
      expect(record.ocr?.engine).toBe("textract");
    });
  }
});

describe("through the Textract adapter", () => {
  it.each(seeds)("reads $name back from the Block graph Textract would return", (seed) => {
    const garbled = textractLike(readable.get(seed.name)!, 11, { pageRows: 16 });
    const pages = [...blocksFromTextract(textractBlocks(garbled) as Parameters<typeof blocksFromTextract>[0]).entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, r]) => ({ number, blocks: r.blocks, ocr: { engine: "textract", ...(r.confidence === undefined ? {} : { confidence: r.confidence }) } }));
    expect(pages.flatMap((p) => p.blocks.map((b) => b.kind))).toEqual(garbled.pages.flatMap((p) => p.blocks.filter((b) => b.kind === "table" || b.text !== "").map((b) => b.kind)));
    const { record } = parseReport({ format: "pdf", warnings: [], pages });
    expect(record.year).toBe(seed.record.year);
    expect(record.edition).toBe(seed.record.edition);
    expect(record.activeDisclosure).toEqual(seed.record.activeDisclosure);
    expect(record.applications).toEqual(seed.record.applications);
    expect(record.reviewLitigation).toEqual(seed.record.reviewLitigation);
    expect(findingSet(record.findings as Finding[])).toEqual(findingSet((seed.record as unknown as { findings: Finding[] }).findings));
  });
});

describe("Textract readings that do not fit the template everywhere", () => {
  it("records section 三 as missing when Textract split one of its rows in two, and still reads 二 and 四", () => {
    const seed = seeds[2]!;
    const doc = textractLike(readable.get(seed.name)!, 4);
    const tables = doc.pages.flatMap((p) => p.blocks).filter((b) => b.kind === "table");
    const applications = tables.find((t) => t.rows.length > 20)!;
    const at = applications.rows.length - 3;
    applications.rows.splice(at, 0, applications.rows[at]!.map((c) => ({ ...c })));
    const { record, status } = parseReport(doc);
    expect(record.layout).toEqual({ activeDisclosure: "grid", applications: "missing", reviewLitigation: "grid" });
    expect(record.applications).toEqual({});
    expect(record.activeDisclosure).toEqual(seed.record.activeDisclosure);
    expect(record.reviewLitigation).toEqual(seed.record.reviewLitigation);
    expect(record.findings.map((f) => f.rule)).toContain(RULE.TABLE_MISSING);
    expect(status).toBe("NEEDS_REVIEW");
  });

  it("takes a money figure under an unreadable header as 万元 below a million and says so", () => {
    const seed = seeds.find((s) => s.name.startsWith("000"))!;
    const { record } = parseReport(textractLike(readable.get(seed.name)!, 9));
    expect(record.activeDisclosure.procurement).toEqual({ projects: 782, amountTenThousandYuan: 16700 });
    expect(record.findings).toContainEqual(expect.objectContaining({ rule: RULE.LABELS_UNREAD, severity: "warning", cells: ["procurement.amountTenThousandYuan"], actual: 16700 }));
  });
});

describe("yearFromFirstLines", () => {
  it("finds the title's year among garbled characters, digit-like ones included", () => {
    expect(yearFromFirstLines(["(*_[f!>)/'2019*%i~|FTh:)i", "2020-f1aE20}"], "2019")).toBe(2019);
    expect(yearFromFirstLines(["E#12022&*l"], "2021")).toBe(2022);
    // Windows of digits run together: the one the edition allows is taken.
    expect(yearFromFirstLines(["$2012020&"], "2019")).toBe(2020);
    expect(yearFromFirstLines(["2021#1820B"], "2021")).toBe(2021);
  });

  it("gives null where the first lines hold no plausible year", () => {
    expect(yearFromFirstLines(["$=+$#(E)I", "1E/9# 17&i+9 1820"], "2019")).toBeNull();
    expect(yearFromFirstLines(["a", "b", "c", "d", "e", "2020"], "2019")).toBeNull();
  });
});

describe("Textract readings that are not a report", () => {
  it("rejects a garbled table of random figures", () => {
    let n = 7;
    const next = () => (n = (n * 48271) % 2147483647) % 500;
    const rows = Array.from({ length: 12 }, (_, r) => [{ text: r === 0 ? "$=+$#(E)I" : "1E/9#" }, ...Array.from({ length: 6 }, () => ({ text: String(next()) }))]);
    const doc: ExtractedDocument = { format: "pdf", warnings: [], pages: [{ number: 1, blocks: [{ kind: "paragraph", text: "2021#1820B" }, { kind: "table", rows }] }] };
    expect(() => parseReport(doc)).toThrow(NotAnnualReportError);
  });

  it("rejects a report's tables whose title names no year, and says why", () => {
    const doc = textractLike(readable.get(seeds[1]!.name)!, 5);
    const noYear: ExtractedDocument = {
      ...doc,
      pages: doc.pages.map((p) => ({ ...p, blocks: p.blocks.map((b) => (b.kind === "paragraph" ? { ...b, text: b.text.replace(/\d/g, "#") } : b)) })),
    };
    expect(() => parseReport(noYear)).toThrow(/no year could be read/);
  });

  it("rejects the recorded Textract pages, which hold one item of section 二 only", () => {
    const recorded = JSON.parse(readFileSync(new URL("../fixtures/textract/analyze-document-table.json", import.meta.url), "utf8"));
    const pages = [...blocksFromTextract(recorded.Blocks).entries()].map(([number, r]) => ({ number, blocks: r.blocks, ocr: { engine: "textract" } }));
    expect(() => parseReport({ format: "image", warnings: [], pages })).toThrow(NotAnnualReportError);
  });
});

/**
 * Text reuse year over year (issue 14, item 4): character shingles of this year's sections 一, 五,
 * 六 against last year's, template wording masked; on 洪泽区 2023 → 2024 and on hand-made texts.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import type { SectionTexts } from "../../functions/report/prose.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { measureTextReuse, SHINGLE_CHARS } from "../../functions/report/text-reuse.ts";

const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const texts = (overview: string | null, problems: string | null = null, other: string | null = null): SectionTexts => ({ overview, problems, other });
const compared = (text: string) => text.replace(/[^\p{L}\p{N}]/gu, "");

const records = new Map<string, ReportRecord>();
beforeAll(async () => {
  for (const name of ["p02", "p03", "p04"]) {
    records.set(name, parseReport(await extractDocument(readFileSync(`${REAL_DIR}${name}.pdf`), { fileName: `${name}.pdf` })).record);
  }
}, 120_000);

describe("measureTextReuse", () => {
  it("keeps each real report's sections 一, 五 and 六 with the record", () => {
    for (const record of records.values()) {
      expect(record.sectionTexts?.overview?.length).toBeGreaterThan(500);
      expect(record.sectionTexts?.problems?.length).toBeGreaterThan(200);
      expect(record.sectionTexts?.other).toMatch(/信息处理费/);
    }
  });

  it("finds about half of 洪泽区 2024 in its 2023 report, and the passages it marks are 2023's text", () => {
    const before = records.get("p02")!.sectionTexts!;
    const after = records.get("p03")!.sectionTexts!;
    const reuse = measureTextReuse(before, after)!;
    expect(reuse.overall).toBeGreaterThan(0.3);
    expect(reuse.overall).toBeLessThan(0.8);
    // 六 is one sentence, 2023's with the year changed.
    expect(reuse.sections.other!.share).toBe(1);
    const previous = compared(Object.values(before).join("")).replace(/\d+/g, "#");
    for (const key of ["overview", "problems"] as const) {
      const section = reuse.sections[key]!;
      expect(section.share).toBeGreaterThan(0.2);
      // A passage is a run of overlapping shingles each found in 2023: its first and last are.
      for (const [start, end] of section.spans) {
        const passage = compared(after[key]!.slice(start, end)).replace(/\d+/g, "#");
        expect(passage.length).toBeGreaterThanOrEqual(SHINGLE_CHARS);
        expect(previous).toContain(passage.slice(0, SHINGLE_CHARS));
        expect(previous).toContain(passage.slice(-SHINGLE_CHARS));
      }
    }
  });

  it("finds much less of 淮安市 2024 in 洪泽区 2023 (another body)", () => {
    const own = measureTextReuse(records.get("p02")!.sectionTexts!, records.get("p03")!.sectionTexts!)!;
    const other = measureTextReuse(records.get("p02")!.sectionTexts!, records.get("p04")!.sectionTexts!)!;
    expect(other.overall).toBeLessThan(own.overall / 2);
  });

  it("is 1 for a copy with new figures and 0 for unrelated text", () => {
    const text = "2023年，我区共受理政府信息公开申请21件，均在法定期限内答复，未发生行政复议。";
    expect(measureTextReuse(texts(text), texts(text.replace("2023", "2024").replace("21", "95")))!.sections.overview).toMatchObject({ share: 1 });
    expect(measureTextReuse(texts(text), texts("今年重点推进教育信息化建设，完善家校沟通平台功能。"))!.overall).toBe(0);
  });

  it("does not count the template's wording: titles and labels printed again are not reuse", () => {
    const labels = "（一）予以公开；（二）部分公开（区分处理的，只计这一情形，不计其他情形）；其他需要报告的事项";
    const reuse = measureTextReuse(texts(`${labels}。去年全区开展培训三次。`), texts(`${labels}。今年新建政务公开专区五个。`))!;
    expect(reuse.overall).toBe(0);
    expect(reuse.sections.overview!.spans).toEqual([]);
  });

  it("is null when this year has none of the sections, and measures a section last year lacked as new", () => {
    expect(measureTextReuse(texts("去年的总体情况写了很多内容。"), texts(null))).toBeNull();
    const reuse = measureTextReuse(texts("总体情况写了很多内容的一段文字。"), texts("总体情况写了很多内容的一段文字。", "今年问题主要在于公开不够及时。"))!;
    expect(reuse.sections.problems).toMatchObject({ share: 0 });
    expect(reuse.sections.overview!.share).toBe(1);
    expect(reuse.overall).toBeGreaterThan(0);
    expect(reuse.overall).toBeLessThan(1);
  });
});

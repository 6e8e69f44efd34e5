import { describe, expect, it } from "vitest";
import { MAX_SECTION_CHARS, readProse, sectionTextsOf } from "../../functions/report/prose.ts";

describe("readProse", () => {
  it("finds headings on lines of their own, drops page numbers and joins a PDF's wrapped lines", () => {
    const prose = readProse(["一、总体情况", "2023年，我局认真", "- 1 -", "做好公开工作。", "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]);
    expect(prose.headings.map((h) => [h.section, h.number, h.style])).toEqual([
      ["overview", 1, "一、"],
      ["problems", 5, "一、"],
      ["other", 6, "一、"],
    ]);
    expect(prose.sections.overview).toBe("2023年，我局认真做好公开工作。");
    expect(prose.lineHeadings.map((h) => h.number)).toEqual([1, 5, 6]);
  });

  it("finds headings run into one paragraph (a flattened web page) and by number where the title differs", () => {
    const prose = readProse(["一、总体情况 今年我区做好公开工作。 五、下一步工作思路 一是加强培训。 六、其他需要报告的事项 无。"]);
    expect(prose.sections).toMatchObject({ overview: "今年我区做好公开工作。", problems: "一是加强培训。", other: "无。" });
    expect(prose.lineHeadings).toEqual([]);
  });

  it("takes (一)主动公开政府信息情况 inside section 一 for a sub-heading, not for section 二", () => {
    const prose = readProse(["一、总体情况", "(一)主动公开政府信息情况", "公开信息540条。", "二、主动公开政府信息情况"]);
    expect(prose.headings.map((h) => h.text)).toEqual(["一、总体情况", "二、主动公开政府信息情况"]);
    expect(prose.sections.overview).toContain("公开信息540条");
  });

  it("keeps at most MAX_SECTION_CHARS of a section with the record", () => {
    const long = "政务公开工作持续推进。".repeat(1000);
    const texts = sectionTextsOf(readProse(["一、总体情况", long, "六、其他需要报告的事项", "无。"]));
    expect(texts.overview).toHaveLength(MAX_SECTION_CHARS);
    expect(texts).toMatchObject({ problems: null, other: "无。" });
  });
});

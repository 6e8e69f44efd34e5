import { describe, expect, it } from "vitest";
import { detectEdition, readAgency, readTitle, readYear } from "../../functions/report/metadata.ts";

describe("readTitle", () => {
  it("reads agency and year from a title with the agency first", () => {
    expect(readTitle(["瑶海区人民政府 2019 年政府信息公开 工作年度报告"])).toEqual({ agency: "瑶海区人民政府", year: 2019 });
  });

  it("reads agency and year from a title with the year first", () => {
    expect(readTitle(["2019年度西湖区教育局信息公开工作年度报告"])).toEqual({ agency: "西湖区教育局", year: 2019 });
  });

  it("reads a title split over two lines", () => {
    expect(readTitle(["杭州市教育局2020年政府信息公开", "年度报告"])).toEqual({ agency: "杭州市教育局", year: 2020 });
  });
});

describe("readAgency without a title", () => {
  it("completes a short name from where the text spells it out", () => {
    const text = "2022年,市教育局认真贯彻落实。各单位通过“乌海市教育局信息报送系统”报送信息。市教育局将继续努力。";
    expect(readAgency(text.split("。"), text)).toBe("乌海市教育局");
  });

  it("completes a short name from the city the text names", () => {
    const text = "2022年,市财政局认真贯彻落实《乌海市2022年政务公开工作要点》。市财政局将继续努力。";
    expect(readAgency(text.split("。"), text)).toBe("乌海市财政局");
  });
});

describe("readYear", () => {
  it("takes the statistics period when there is no title", () => {
    const text = "本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。2022年将继续做好工作。";
    expect(readYear([text], text)).toBe(2021);
  });
});

describe("detectEdition", () => {
  it("follows the column headers, not the year", () => {
    expect(detectEdition("信息内容 本年新制作数量 本年新公开数量 对外公开总数量", 2021)).toBe("2019");
    expect(detectEdition("信息内容 本年制发件数 本年废止件数 现行有效件数", 2019)).toBe("2021");
  });

  it("finds no edition in a text without the template's headers", () => {
    expect(detectEdition("春天来了。", 2020)).toBeNull();
  });
});

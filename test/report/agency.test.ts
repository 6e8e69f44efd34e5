/**
 * The publishing body, read from titles as real reports print them (hand-written from published
 * reports and their web pages), and the weaker witnesses used when a report has no title.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { readHtmlString } from "../../functions/documents/html/read-html.ts";
import { parseReport, parseReportText } from "../../functions/report/index.ts";
import { identifyAgency, readTitle } from "../../functions/report/metadata.ts";
import { normaliseText } from "../../functions/report/normalise.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";

/** Lines as the pipeline hands them to the reader: normalised first. */
const normalised = (lines: string[]): string[] => lines.map(normaliseText);

const TITLES: { lines: string[]; agency: string; year: number | null }[] = [
  // Split over two centred lines (the real PDFs p02, p03, p04)
  { lines: ["洪泽区人民政府", "2023 年政府信息公开工作年度报告"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["淮安市洪泽区人民政府", "2024 年政府信息公开工作年度报告"], agency: "淮安市洪泽区人民政府", year: 2024 },
  { lines: ["淮安市人民政府", "2024 年政府信息公开工作年度报告"], agency: "淮安市人民政府", year: 2024 },
  { lines: ["杭州市教育局2020年政府信息公开", "年度报告"], agency: "杭州市教育局", year: 2020 },
  { lines: ["洪泽区人民政府", "2023年政府信息公开工作年度报告（全文）"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["淮安经济技术开发区管委会", "2023年政府信息公开工作年度报告"], agency: "淮安经济技术开发区管委会", year: 2023 },
  { lines: ["金湖县前锋镇人民政府", "2023年度政府信息公开工作年度报告"], agency: "金湖县前锋镇人民政府", year: 2023 },
  // Split over three lines; a higher-level place on a line of its own belongs to the name
  { lines: ["重庆市大数据应用发展管理局", "2023年政府信息公开", "工作年度报告"], agency: "重庆市大数据应用发展管理局", year: 2023 },
  { lines: ["上海市", "浦东新区人民政府", "2021年政府信息公开工作年度报告"], agency: "上海市浦东新区人民政府", year: 2021 },
  { lines: ["淮安市洪泽区", "人民政府", "2023年政府信息公开工作年度报告"], agency: "淮安市洪泽区人民政府", year: 2023 },
  { lines: ["苏州工业园区", "管理委员会2022年度政府信息公开工作年度报告"], agency: "苏州工业园区管理委员会", year: 2022 },
  { lines: ["淮安经济技术开发区", "管理委员会", "2023年政府信息公开工作年度报告"], agency: "淮安经济技术开发区管理委员会", year: 2023 },
  { lines: ["新疆维吾尔自治区乌鲁木齐市水磨沟区", "人民政府", "2023年政府信息公开工作年度报告"], agency: "新疆维吾尔自治区乌鲁木齐市水磨沟区人民政府", year: 2023 },
  { lines: ["内蒙古自治区乌海市海勃湾区", "卫生健康委员会", "2022年政府信息公开工作年度报告"], agency: "内蒙古自治区乌海市海勃湾区卫生健康委员会", year: 2022 },
  { lines: ["上海市浦东新区", "教育局", "2023年政府信息公开工作年度报告"], agency: "上海市浦东新区教育局", year: 2023 },
  // …but a site's name above a title is not part of it
  { lines: ["淮安市人民政府", "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"], agency: "淮安市洪泽区人民政府", year: 2024 },
  // One line, the year inside, before or after the name
  { lines: ["瑶海区人民政府 2019 年政府信息公开 工作年度报告"], agency: "瑶海区人民政府", year: 2019 },
  { lines: ["2019年度西湖区教育局信息公开工作年度报告"], agency: "西湖区教育局", year: 2019 },
  { lines: ["2023年北京市海淀区人民政府政府信息公开工作年度报告"], agency: "北京市海淀区人民政府", year: 2023 },
  { lines: ["杭州市财政局政府信息公开工作2023年度报告"], agency: "杭州市财政局", year: 2023 },
  { lines: ["北京市东城区人民政府政府信息公开工作年度报告（2022年度）"], agency: "北京市东城区人民政府", year: 2022 },
  { lines: ["南京市鼓楼区卫生健康委员会关于2023年度政府信息公开工作的年度报告"], agency: "南京市鼓楼区卫生健康委员会", year: 2023 },
  { lines: ["西藏自治区人民政府2022年政府信息公开年度报告"], agency: "西藏自治区人民政府", year: 2022 },
  { lines: ["瑶海区人民政府2019年政府信息公开工作年报告.docx"], agency: "瑶海区人民政府", year: 2019 },
  { lines: ["海淀区人民政府信息公开工作年度报告"], agency: "海淀区人民政府", year: null },
  { lines: ["洪泽区人民政府二〇二三年政府信息公开工作年度报告"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["《淮安市人民政府2024年政府信息公开工作年度报告》"], agency: "淮安市人民政府", year: 2024 },
  { lines: ["关于公布《洪泽区人民政府2023年政府信息公开工作年度报告》的公告"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["2023年度", "洪泽区人民政府", "政府信息公开工作年度报告"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["洪泽区人民政府", "政府信息公开工作年度报告", "（2023年度）"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["现将洪泽区人民政府2023年政府信息公开工作年度报告公布如下"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["盱眙县人民政府办公室关于印发盱眙县人民政府2023年政府信息公开工作年度报告的通知"], agency: "盱眙县人民政府", year: 2023 },
  { lines: ["现代农业产业园区管理委员会2023年政府信息公开工作年度报告"], agency: "现代农业产业园区管理委员会", year: 2023 },
  { lines: ["淮安市公安局洪泽分局2023年政府信息公开工作年度报告"], agency: "淮安市公安局洪泽分局", year: 2023 },
  { lines: ["国家税务总局淮安市税务局2023年政府信息公开工作年度报告"], agency: "国家税务总局淮安市税务局", year: 2023 },
  { lines: ["朝阳区人民政府", "2023年政务公开工作年度报告"], agency: "朝阳区人民政府", year: 2023 },
  { lines: ["附件1", "淮安市人民政府2024年政府信息公开工作年度报告"], agency: "淮安市人民政府", year: 2024 },
  { lines: ["附件 淮安市人民政府2024年政府信息公开工作年度报告"], agency: "淮安市人民政府", year: 2024 },
  // Bodies without a 局/政府 ending
  { lines: ["平潭综合实验区2023年政府信息公开工作年度报告"], agency: "平潭综合实验区", year: 2023 },
  { lines: ["苏州工业园区管理委员会2022年度政府信息公开工作年度报告"], agency: "苏州工业园区管理委员会", year: 2022 },
  { lines: ["雄安新区管理委员会2022年政府信息公开工作年度报告"], agency: "雄安新区管理委员会", year: 2022 },
  { lines: ["深圳市南山区粤海街道办事处2023年政府信息公开工作年度报告"], agency: "深圳市南山区粤海街道办事处", year: 2023 },
  { lines: ["广州市南沙区南沙街道2023年政府信息公开工作年度报告"], agency: "广州市南沙区南沙街道", year: 2023 },
  { lines: ["长沙县黄花镇人民政府2022年政府信息公开工作年度报告"], agency: "长沙县黄花镇人民政府", year: 2022 },
  { lines: ["国家发展和改革委员会2023年政府信息公开工作年度报告"], agency: "国家发展和改革委员会", year: 2023 },
  { lines: ["国务院办公厅2022年政府信息公开工作年度报告"], agency: "国务院办公厅", year: 2022 },
  { lines: ["广西壮族自治区教育厅2023年度政府信息公开工作年度报告"], agency: "广西壮族自治区教育厅", year: 2023 },
  { lines: ["杭州市公共资源交易中心2021年度政府信息公开工作年度报告"], agency: "杭州市公共资源交易中心", year: 2021 },
  { lines: ["淮安市洪泽区人民政府办公室2023年政府信息公开工作年度报告"], agency: "淮安市洪泽区人民政府办公室", year: 2023 },
  { lines: ["北京市2022年政府信息公开工作年度报告"], agency: "北京市", year: 2022 },
  // Page chrome: a <title> with the site's name, a breadcrumb before the headline
  { lines: ["洪泽区人民政府2023年政府信息公开工作年度报告_淮安市洪泽区人民政府"], agency: "洪泽区人民政府", year: 2023 },
  { lines: ["淮安市人民政府 - 淮安市人民政府2024年政府信息公开工作年度报告"], agency: "淮安市人民政府", year: 2024 },
  { lines: ["首页 > 政务公开 > 法定主动公开内容 > 政府信息公开年报", "淮安市人民政府2024年政府信息公开工作年度报告"], agency: "淮安市人民政府", year: 2024 },
  { lines: ["法定主动公开内容", "政府信息公开年报", "索引号", "2019年度西湖区教育局信息公开工作年度报告"], agency: "西湖区教育局", year: 2019 },
  // Traditional script
  { lines: ["西湖區教育局2019年政府信息公開工作年度報告"], agency: "西湖区教育局", year: 2019 },
  { lines: ["平潭綜合實驗區", "2023年政府信息公開工作年度報告"], agency: "平潭综合实验区", year: 2023 },
];

describe("readTitle on real titles", () => {
  it.each(TITLES)("$lines → $agency", ({ lines, agency, year }) => {
    expect(readTitle(normalised(lines))).toEqual({ agency, year });
  });

  it("gives only the year of a title that names no body", () => {
    expect(readTitle(["2023年政府信息公开工作年度报告", "一、总体情况"])).toEqual({ agency: null, year: 2023 });
  });

  it("does not take a body the first paragraph names", () => {
    const lines = ["淮安市洪泽区人民政府", "2024 年政府信息公开工作年度报告", "2024 年，淮安市洪泽区人民政府坚持…全面贯彻落实党中央国务院、省委省政府、淮安市委市政府关于…"];
    expect(readTitle(lines).agency).toBe("淮安市洪泽区人民政府");
  });
});

const read = (text: string, metadata = {}) => {
  const lines = text.split("\n").map(normaliseText);
  return identifyAgency(lines, lines.join("\n"), metadata);
};

describe("identifyAgency", () => {
  it("is certain of a title and ignores the bodies the prose names (p03)", () => {
    const reading = read(
      [
        "淮安市洪泽区人民政府",
        "2024 年政府信息公开工作年度报告",
        "本报告由淮安市洪泽区人民政府办公室根据《条例》要求编制此报告。",
        "2024 年，淮安市洪泽区人民政府坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央国务院、省委省政府、淮安市委市政府关于全面推进政务公开工作的各项决策部署。",
      ].join("\n"),
    );
    expect(reading).toEqual({ agency: "淮安市洪泽区人民政府", source: "title", uncertain: false });
  });

  it("is unsure of a title that names only a place, unless the compiler is of that place", () => {
    expect(read("北京市2022年政府信息公开工作年度报告\n一、总体情况")).toMatchObject({ agency: "北京市", uncertain: true });
    expect(read("北京市2022年政府信息公开工作年度报告\n本报告由北京市人民政府办公厅编制。")).toMatchObject({ agency: "北京市", uncertain: false });
  });

  it("takes the page's article title (ArticleTitle) when the page prints none", () => {
    const reading = read("一、总体情况\n2023年，我委认真贯彻落实。", { title: "平潭综合实验区2023年政府信息公开工作年度报告" });
    expect(reading).toMatchObject({ agency: "平潭综合实验区", uncertain: false });
  });

  it("without a title, takes 本报告由…编制 (a government's office compiles the government's report), uncertain", () => {
    const reading = read("本报告由淮安市人民政府办公室根据《条例》规定编制。\n2024年，我市坚持…省委省政府决策部署。");
    expect(reading).toMatchObject({ agency: "淮安市人民政府", source: "compiler", uncertain: true });
  });

  it("without a title, is certain when 本报告由…编制 and the page's 来源 agree", () => {
    const reading = read("本报告由洪泽区人民政府办公室编制。", { publisher: "淮安市洪泽区人民政府" });
    expect(reading).toMatchObject({ agency: "洪泽区人民政府", uncertain: false });
  });

  it("completes a printed 发布单位 that names only the level (`区教育局`) from the text, uncertain", () => {
    const reading = read("发布单位\n区教育局\n一、总体情况\n杭州市西湖区教育局认真贯彻落实。区教育局将继续努力。");
    expect(reading).toMatchObject({ agency: "西湖区教育局", source: "publisher", uncertain: true });
  });

  it("reads 来源 from a web page's info line", () => {
    const reading = read("发布时间：2024-01-20 来源：淮安市洪泽区人民政府 浏览次数：\n一、总体情况\n我们做了很多工作。");
    expect(reading).toMatchObject({ agency: "淮安市洪泽区人民政府", source: "publisher", uncertain: true });
  });

  it("without a title, takes the body the opening sentence speaks as, never one it merely lists (seed 002)", () => {
    const reading = read("一、总体情况\n2022年,市教育局认真贯彻落实自治区和市委、政府关于全面推进政务公开工作的部署,省委省政府、区农业农村局、区社会事业局。\n各单位通过“乌海市教育局信息报送系统”报送信息。");
    expect(reading).toMatchObject({ agency: "乌海市教育局", source: "prose", uncertain: true });
  });

  it("is null and uncertain when nothing names the publisher", () => {
    expect(read("一、总体情况\n我们做了很多工作。")).toMatchObject({ agency: null, uncertain: true });
  });
});

describe("the HTML reader keeps what the CMS says", () => {
  it("reads ArticleTitle and ContentSource from the meta tags; the <title> stays the first paragraph", () => {
    const doc = readHtmlString(
      `<html><head><title>淮安市洪泽区人民政府</title><meta name="ArticleTitle" content="洪泽区人民政府2023年政府信息公开工作年度报告"><meta name="ContentSource" content="区政府办"></head><body><p>正文</p></body></html>`,
    );
    expect(doc.metadata).toEqual({ title: "洪泽区人民政府2023年政府信息公开工作年度报告", publisher: "区政府办" });
    expect(doc.pages[0]!.blocks[0]).toEqual({ kind: "paragraph", text: "淮安市洪泽区人民政府" });
  });

  it("keeps the <h1> a long navigation menu pushes below the first lines, and the agency is read from it", () => {
    const menu = Array.from({ length: 120 }, (_, i) => `<li><a href="/c${i}">栏目${i}</a></li>`).join("");
    const doc = readHtmlString(`<html><head><title>政府信息公开年报</title></head><body><h1 class="logo">淮安市人民政府</h1><ul>${menu}</ul><h1>洪泽区人民政府2023年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>`);
    expect(doc.metadata?.headings).toEqual(["淮安市人民政府", "洪泽区人民政府2023年政府信息公开工作年度报告"]);
    const lines = doc.pages[0]!.blocks.map((b) => (b.kind === "paragraph" ? b.text : ""));
    expect(readTitle(lines).agency).toBeNull();
    expect(identifyAgency(lines, lines.join("\n"), doc.metadata)).toMatchObject({ agency: "洪泽区人民政府", uncertain: false });
  });

  it("sets no metadata on a page without those tags", () => {
    expect(readHtmlString("<html><head><title>t</title></head><body><p>x</p></body></html>").metadata).toBeUndefined();
  });
});

/** The real published PDFs, read where the project keeps them (never copied into the repository). */
const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));

describe.skipIf(!existsSync(REAL_DIR))("the real reports", () => {
  it.each(["p02", "p03", "p04"])("%s: the agency its two-line title names, with no doubt, never 省委省政府", async (name) => {
    const expected = JSON.parse(readFileSync(`${REAL_DIR}${name}.expected.json`, "utf8")) as { agency: string };
    const doc = await extractDocument(readFileSync(`${REAL_DIR}${name}.pdf`), { fileName: `${name}.pdf` });
    const { record } = parseReport(doc);
    expect(record.agency).toBe(expected.agency);
    expect(record.findings.filter((f) => f.rule === "agency.uncertain")).toEqual([]);
  });
});

describe("the agency.uncertain finding", () => {
  it("is a warning in Chinese on a report that names itself only in the prose (seed 002)", () => {
    const { record, status } = parseReportText(readFileSync(`${SEEDS_DIR}002_732b3b243defc543.txt`, "utf8"));
    expect(record.agency).toBe("乌海市教育局");
    const findings = record.findings.filter((f) => f.rule === "agency.uncertain");
    expect(findings).toEqual([{ rule: "agency.uncertain", severity: "warning", message: expect.stringMatching(/^发布机关不确定：标题中未找到机关名称，取自正文/), cells: [], expected: null, actual: null }]);
    expect(status).toBe("VALID");
  });
});

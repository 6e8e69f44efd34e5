/**
 * Property: a report whose title is printed the ways real ones are (one line with the year
 * before, inside or after the name; split over two or three lines; only in the web page's
 * `<title>`, its `ArticleTitle` meta or its `<h1>` under a breadcrumb; the name itself broken
 * before its kind of body; with and without the
 * higher-level place; bodies of every kind, not only 局/政府; a first paragraph naming other
 * bodies; traditional script) is read as published by the body its title names.
 */
import { divisionChildren } from "../../functions/report/division-tree.ts";
import fc from "fast-check";
import * as OpenCC from "opencc-js";
import { describe, expect, it } from "vitest";
import { readHtmlString } from "../../functions/documents/html/read-html.ts";
import { parseReport, parseReportText } from "../../functions/report/index.ts";
import { renderText } from "../fixtures/render-text.ts";
import { consistentFigures } from "./arbitraries.ts";

const toTraditional = OpenCC.Converter({ from: "cn", to: "tw" });
const toSimplified = OpenCC.Converter({ from: "tw", to: "cn" });

/** Real divisions, each with townships of the county. */
const PLACES = [
  { province: "江苏省", city: "淮安市", county: "洪泽区", towns: ["高良涧街道", "岔河镇", "老子山镇"] },
  { province: "浙江省", city: "杭州市", county: "西湖区", towns: ["北山街道", "转塘街道", "双浦镇"] },
  { province: "福建省", city: "福州市", county: "闽侯县", towns: ["甘蔗街道", "南屿镇", "廷坪乡"] },
  { province: "四川省", city: "成都市", county: "武侯区", towns: ["玉林街道", "簇桥街道"] },
  { province: "湖南省", city: "长沙市", county: "长沙县", towns: ["黄花镇", "开慧镇", "星沙街道"] },
  { province: "内蒙古自治区", city: "乌海市", county: "海勃湾区", towns: ["新华街道", "千里山镇"] },
  { province: "河南省", city: "濮阳市", county: "华龙区", towns: ["中原路街道", "岳村镇"] },
  { province: "安徽省", city: "合肥市", county: "瑶海区", towns: ["明光路街道", "大兴镇"] },
  { province: "云南省", city: "大理白族自治州", county: "宾川县", towns: ["金牛镇", "拉乌彝族乡"] },
];

/** Departments a county or a city has, of every ending. */
const DEPARTMENTS = [
  "人民政府", "人民政府办公室", "教育局", "农业农村局", "卫生健康委员会", "发展和改革委员会", "住房和城乡建设局",
  "市场监督管理局", "行政审批局", "政务服务管理办公室", "公共资源交易中心", "大数据管理中心", "医疗保障局", "退役军人事务局",
];

/** Zones whose bodies are named without a place of the ordinary hierarchy before them. */
const ZONES: { place: string; kind: string }[] = [
  { place: "平潭综合实验区", kind: "" },
  { place: "苏州工业园区", kind: "管理委员会" },
  { place: "雄安新区", kind: "管理委员会" },
  { place: "横琴粤澳深度合作区", kind: "执行委员会" },
  { place: "福州新区", kind: "管理委员会" },
  { place: "两江新区", kind: "管理委员会" },
];

/**
 * A body's name: the higher-level place the title may print (`prefix`), the place that names the
 * body, and the kind of body (`kind`, where a long title may break the line).
 */
type Body = { prefix: string; place: string; kind: string; division?: { province: string; city: string; county?: string } };

/** The GB/T 2260 code of a division, looked up in the division tree by its names (not by the reader). */
function codeOf(d: { province: string; city: string; county?: string }): string {
  const province = divisionChildren().find((p) => p.name === d.province)!;
  const city = divisionChildren(province.code).find((c) => c.name === d.city)!;
  if (!d.county) return city.code;
  return divisionChildren(city.code).find((c) => c.name === d.county)!.code;
}

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  // A county's government or department, with or without its city (and province) before it
  fc.record({ place: fc.constantFrom(...PLACES), dept: fc.constantFrom(...DEPARTMENTS), levels: fc.constantFrom(0, 1, 2) }).map(({ place, dept, levels }) => ({
    prefix: [place.province, place.city].slice(2 - levels).join(""),
    place: place.county,
    kind: dept,
    // With its city printed, the title alone decides the county; without, the text may or may not.
    ...(levels > 0 ? { division: { province: place.province, city: place.city, county: place.county } } : {}),
  })),
  // A city's government or department, with or without its province
  fc.record({ place: fc.constantFrom(...PLACES), dept: fc.constantFrom(...DEPARTMENTS), levels: fc.constantFrom(0, 1) }).map(({ place, dept, levels }) => ({
    prefix: levels ? place.province : "",
    place: place.city,
    kind: dept,
    division: { province: place.province, city: place.city },
  })),
  // A township: 街道办事处, 镇人民政府, 乡人民政府
  fc.record({ place: fc.constantFrom(...PLACES), town: fc.nat(), levels: fc.constantFrom(0, 1) }).map(({ place, town, levels }) => {
    const name = place.towns[town % place.towns.length]!;
    return { prefix: levels ? place.city : "", place: place.county + name, kind: name.endsWith("街道") ? "办事处" : "人民政府" };
  }),
  // A city's development zone: 管理委员会, 管委会
  fc.record({ place: fc.constantFrom(...PLACES.filter((p) => p.city.endsWith("市"))), zone: fc.constantFrom("经济技术开发区", "高新技术产业开发区"), kind: fc.constantFrom("管理委员会", "管委会") }).map(
    ({ place, zone, kind }) => ({ prefix: "", place: place.city.replace(/市$/, "") + zone, kind }),
  ),
  fc.constantFrom(...ZONES).map((zone) => ({ prefix: "", ...zone })),
);

const nameOf = (b: Body): string => b.prefix + b.place + b.kind;

/** The title on one line, the ways real ones word it. */
const oneLine = (name: string, year: number, form: number, spaced: boolean): string => {
  const y = spaced ? `${year} 年` : `${year}年`;
  return [
    `${name}${y}政府信息公开工作年度报告`,
    `${name}${y}度政府信息公开工作年度报告`,
    `${y}度${name}政府信息公开工作年度报告`,
    `${name}政府信息公开工作${y}度报告`,
    `${name}政府信息公开工作年度报告（${y}度）`,
    `${name}关于${y}度政府信息公开工作的年度报告`,
    `${name}${y}政府信息公开年报`,
  ][form]!;
};

/** The title as the lines a PDF or a document prints. */
const titleLines = (b: Body, year: number, form: number, spaced: boolean, split: number): string[] => {
  const name = nameOf(b);
  const y = spaced ? `${year} 年` : `${year}年`;
  switch (split) {
    case 0:
      return [oneLine(name, year, form, spaced)];
    case 1: // p02: the name, then the rest, centred on two lines
      return [name, `${y}政府信息公开工作年度报告`];
    case 2:
      return [`${name}${y}政府信息公开`, "工作年度报告"];
    case 3:
      return [name, `${y}政府信息`, "公开工作年度报告"];
    case 4: // the higher-level place on a line of its own, where the title prints one
      return b.prefix ? [b.prefix, b.place + b.kind, `${y}政府信息公开工作年度报告`] : [name, `${y}政府信息公开工作年度报告`];
    default: // the name itself broken before the kind of body
      return b.kind ? [b.prefix + b.place, b.kind, `${y}政府信息公开工作年度报告`] : [name, `${y}政府信息公开工作年度报告`];
  }
};

/** Bodies the first paragraph names that are not the publisher. */
const DISTRACTIONS = [
  (year: number) => `${year}年，全面贯彻落实党中央国务院、省委省政府、市委市政府关于全面推进政务公开工作的各项决策部署。`,
  () => "区农业农村局、区社会事业局、区政府办公室等部门按照职责做好政府信息公开工作。",
  (year: number) => `根据《省政府办公厅关于印发${year}年政务公开工作要点的通知》，县发展和改革委员会、市财政局牵头推进。`,
  // A compiler other than the body the title names: the title wins.
  () => "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》要求编制。",
  () => "",
];

const frontMatter = (year: number, distraction: number): string[] => [DISTRACTIONS[distraction]!(year)].filter((l) => l !== "");

/** The rendered report's body (its tables and prose), without the title line the fixture prints. */
const bodyLines = (text: string): string[] => text.split("\n").slice(1);

const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The same body as a web page: prose as paragraphs, `|` rows as a table. */
function htmlBody(lines: string[]): string {
  const out: string[] = [];
  let rows: string[] = [];
  const flush = (): void => {
    if (rows.length) out.push(`<table border="1">${rows.join("")}</table>`);
    rows = [];
  };
  for (const line of lines) {
    if (line.includes("|")) {
      const cells = line.split("|").map((c) => c.trim());
      if (cells.at(-1) === "") cells.pop();
      rows.push(`<tr>${cells.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`);
    } else {
      flush();
      if (line.trim()) out.push(`<p>${escape(line)}</p>`);
    }
  }
  flush();
  return out.join("\n");
}

const SITES = (b: Body) => [`${b.prefix}${b.place}人民政府门户网站`, "中国政府网"];

/** How a web page carries the title. */
const HTML_FORMS = ["title", "articleTitle", "h1"] as const;

function htmlPage(b: Body, year: number, form: number, spaced: boolean, how: (typeof HTML_FORMS)[number], front: string[], body: string[]): string {
  const title = oneLine(nameOf(b), year, form, spaced);
  const site = SITES(b)[0]!;
  const head =
    how === "title"
      ? `<title>${title}_${site}</title>`
      : how === "articleTitle"
        ? `<title>${site}</title><meta name="SiteName" content="${site}"><meta name="ArticleTitle" content="${title}">`
        : `<title>${site}</title>`;
  const header =
    how === "h1" ? `<div class="logo">${site}</div><div class="crumb">首页 &gt; 政务公开 &gt; 法定主动公开内容 &gt; 政府信息公开年报</div><h1>${title}</h1>` : "";
  return `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${header}<div class="info">发布日期：${year + 1}-01-20</div>${htmlBody([...front, ...body])}</body></html>`;
}

const roundTrips = (name: string): boolean => toSimplified(toTraditional(name)) === name;

const uncertain = (findings: { rule: string }[]) => findings.filter((f) => f.rule === "agency.uncertain");

describe("agency from titles printed the ways real ones are", () => {
  it("a document's title lines (one line, split over two or three, place line above) give the body, certainly", () => {
    fc.assert(
      fc.property(
        consistentFigures,
        bodyArb,
        fc.record({ form: fc.nat({ max: 6 }), spaced: fc.boolean(), split: fc.nat({ max: 5 }), distraction: fc.nat({ max: 4 }), traditional: fc.boolean() }),
        (figures, body, { form, spaced, split, distraction, traditional }) => {
          fc.pre(!traditional || roundTrips(nameOf(body)));
          // Prepare
          const lines = [...titleLines(body, figures.year, form, spaced, split), ...frontMatter(figures.year, distraction), ...bodyLines(renderText(figures, "pipes"))];
          const text = lines.join("\n");
          // Act
          const { record } = parseReportText(traditional ? toTraditional(text) : text);
          // Assess
          expect(record.agency).toBe(nameOf(body));
          if (body.division) expect(record.region?.code).toBe(codeOf(body.division));
          expect(record.year).toBe(figures.year);
          expect(uncertain(record.findings)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a web page's <title>, ArticleTitle or <h1> gives the body, certainly", () => {
    fc.assert(
      fc.property(
        consistentFigures,
        bodyArb,
        fc.record({ form: fc.nat({ max: 6 }), spaced: fc.boolean(), how: fc.constantFrom(...HTML_FORMS), distraction: fc.nat({ max: 4 }), traditional: fc.boolean() }),
        (figures, body, { form, spaced, how, distraction, traditional }) => {
          fc.pre(!traditional || roundTrips(nameOf(body)));
          // Prepare
          const html = htmlPage(body, figures.year, form, spaced, how, frontMatter(figures.year, distraction), bodyLines(renderText(figures, "pipes")));
          // Act
          const { record } = parseReport(readHtmlString(traditional ? toTraditional(html) : html));
          // Assess
          expect(record.agency).toBe(nameOf(body));
          if (body.division) expect(record.region?.code).toBe(codeOf(body.division));
          expect(uncertain(record.findings)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("without any title, never takes a body the first paragraph merely lists, and says the agency is uncertain", () => {
    fc.assert(
      fc.property(consistentFigures, fc.nat({ max: 2 }), (figures, distraction) => {
        // Prepare: the fixture's opening speaks as 我局 and names no body
        const text = [...frontMatter(figures.year, distraction), ...bodyLines(renderText(figures, "pipes"))].join("\n");
        // Act
        const { record } = parseReportText(text);
        // Assess
        expect(["省委省政府", "市委市政府", "区农业农村局", "区社会事业局", "区政府办公室", "县发展和改革委员会", "市财政局", "省政府办公厅"]).not.toContain(record.agency);
        expect(uncertain(record.findings)).toHaveLength(1);
        expect(uncertain(record.findings)[0]).toMatchObject({ severity: "warning", cells: [] });
      }),
      { numRuns: 30 },
    );
  });
});

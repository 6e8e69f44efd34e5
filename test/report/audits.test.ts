/**
 * The audits reviewers run (issue 14, item 5): each fires on an edited copy of a seed or a real
 * report, and on the originals exactly where the document really has the fault.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import type { ExtractedDocument } from "../../functions/documents/model.ts";
import { checkPeriodYear } from "../../functions/report/audits.ts";
import { parseReport, parseReportText } from "../../functions/report/index.ts";
import { normaliseText } from "../../functions/report/normalise.ts";
import { readProse } from "../../functions/report/prose.ts";
import type { Finding } from "../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const REAL = ["p02", "p03", "p04"] as const;

const NEW_RULES = /^(?:audit\.|narrative\.allConcluded$)/;
const seedText = (name: string) => readFileSync(join(SEEDS_DIR, `${SEEDS.find((s) => s.startsWith(name))}.txt`), "utf8");
const audits = (findings: Finding[]) => findings.filter((f) => NEW_RULES.test(f.rule));
const rulesOf = (findings: Finding[]) => audits(findings).map((f) => f.rule);

/** A seed with lines replaced; throws when the line is not there (the edit would test nothing). */
function editedSeed(name: string, ...edits: [string | RegExp, string][]): Finding[] {
  let text = seedText(name);
  for (const [from, to] of edits) {
    if (!(typeof from === "string" ? text.includes(from) : from.test(text))) throw new Error(`not in seed ${name}: ${from}`);
    text = text.replace(from, to);
  }
  return parseReportText(text).record.findings;
}

const real = new Map<string, ExtractedDocument>();
beforeAll(async () => {
  for (const name of REAL) real.set(name, await extractDocument(readFileSync(`${REAL_DIR}${name}.pdf`), { fileName: `${name}.pdf` }));
}, 120_000);

/** A real report's extracted document with one paragraph's text replaced. */
function editedReal(name: string, from: RegExp, to: string): Finding[] {
  const doc = structuredClone(real.get(name)!);
  let edited = 0;
  for (const page of doc.pages) {
    for (const block of page.blocks) {
      if (block.kind === "paragraph" && from.test(block.text)) {
        block.text = block.text.replace(from, to);
        edited += 1;
      }
    }
  }
  if (edited === 0) throw new Error(`no paragraph of ${name} matches ${from}`);
  return parseReport(doc).record.findings;
}

describe("the originals", () => {
  // Checked by hand: seed 001 pastes an older report's outline (一、概述 … 八、) into its 一、总体情况;
  // seed 003 prints its section 二 without a number and a table caption numbered 一、 inside it, and
  // leaves 129 cells of table 三 and 9 of table 四 blank (only the 自然人 and 总计 columns are filled).
  const FAULTS: Record<string, string[]> = {
    "000": [],
    "001": ["audit.headingOrder"],
    "002": [],
    "003": ["audit.blankCells", "audit.blankCells", "audit.headingOrder"],
    "004": [],
  };

  it.each(Object.entries(FAULTS))("seed %s raises only the audits of its real faults", (name, rules) => {
    expect(rulesOf(parseReportText(seedText(name)).record.findings).sort()).toEqual(rules);
  });

  it("seed 003's blank cells are counted per table", () => {
    const blank = parseReportText(seedText("003")).record.findings.filter((f) => f.rule === "audit.blankCells");
    expect(blank.map((f) => [f.severity, f.actual, f.cells.length])).toEqual([
      ["warning", 129, 129],
      ["warning", 9, 9],
    ]);
    expect(blank[0]!.message).toMatch(/^表三有 129 个空白单元格，均记为 0/);
  });

  it.each(REAL)("real report %s raises none", (name) => {
    expect(rulesOf(parseReport(real.get(name)!).record.findings)).toEqual([]);
  });

  it.each([...SEEDS.map((s) => s.slice(0, 3)), ...REAL])("%s: its statistics period or opening year is read (checked against another year, it fires)", (name) => {
    const doc = REAL.includes(name as (typeof REAL)[number]) ? real.get(name)! : null;
    const { record } = doc ? parseReport(doc) : parseReportText(seedText(name));
    const paragraphs = (doc ?? { pages: [] }).pages.flatMap((p) => p.blocks.flatMap((b) => (b.kind === "paragraph" ? [b.text] : [])));
    const prose = readProse(doc ? paragraphs.map(normaliseText) : normaliseText(seedText(name)).split("\n"));
    expect(checkPeriodYear(prose, record.year)).toEqual([]);
    expect(checkPeriodYear(prose, record.year + 1).length).toBeGreaterThan(0);
  });
});

describe("each audit on an edited copy", () => {
  it("办结 N 件 against （七）总计 (narrative.mismatch)", () => {
    const findings = editedSeed("003", ["共办结依申请政府信息公开事项23件", "共办结依申请政府信息公开事项25件"]);
    const mismatch = findings.filter((f) => f.rule === "narrative.mismatch" && f.cells.join() === "resultsTotal.total");
    expect(mismatch.map((f) => [f.severity, f.expected, f.actual])).toEqual([["warning", 23, 25]]);
    expect(mismatch[0]!.message).toContain("称办结/答复 25 件，而表中为 23 件");
  });

  it("行政诉讼 N 件 against 直接起诉 + 复议后起诉 (narrative.mismatch)", () => {
    const findings = editedSeed("003", ["发生2起关于政府信息公开的行政诉讼案件", "发生3起关于政府信息公开的行政诉讼案件"]);
    const mismatch = findings.filter((f) => f.rule === "narrative.mismatch" && f.cells.includes("litigationDirect.total"));
    expect(mismatch.map((f) => [f.expected, f.actual, f.cells])).toEqual([[2, 3, ["litigationDirect.total", "litigationAfterReview.total"]]]);
  });

  it("全部办结 while 结转下年度 > 0 (narrative.allConcluded)", () => {
    const sentence = ["累计接听群众热线电话7000余个。", "累计接听群众热线电话7000余个。本年度收到的政府信息公开申请已全部办结。"] as [string, string];
    expect(rulesOf(editedSeed("002", sentence))).toEqual([]);
    const findings = editedSeed("002", sentence, ["四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"]);
    expect(audits(findings)).toMatchObject([
      { rule: "narrative.allConcluded", severity: "warning", cells: ["carriedForward.total"], expected: 0, actual: 1, sentence: "本年度收到的政府信息公开申请已全部办结" },
    ]);
  });

  it("section 五 empty, 无 or missing (audit.problemsSection)", () => {
    const body = /(五、存在的主要问题及改进情况\n)[\s\S]*?(?=六、其他需要报告的事项)/;
    expect(audits(editedSeed("002", [body, "$1无。\n"])).map((f) => [f.rule, f.message])).toEqual([
      ["audit.problemsSection", "第五部分「存在的主要问题及改进情况」只写了「无。」，未说明存在的问题及改进措施"],
    ]);
    expect(audits(editedSeed("002", [body, "$1"])).map((f) => f.message)).toEqual(["第五部分「存在的主要问题及改进情况」没有内容"]);
    const gone = editedSeed("002", [body, ""]);
    expect(rulesOf(gone)).toContain("audit.problemsSection");
    expect(audits(gone).find((f) => f.rule === "audit.problemsSection")!.message).toBe("未找到第五部分「存在的主要问题及改进情况」");
  });

  it("fees in 第二十条第（八）项 while section 六 says none were collected (audit.feesStatement), on 洪泽区 2023", () => {
    const findings = editedReal("p02", /全年收取政府信息公开信息处理费 0 元。/, "全年未收取任何费用。");
    expect(audits(findings)).toMatchObject([
      { rule: "audit.feesStatement", severity: "warning", cells: ["fees.amountTenThousandYuan"], expected: 0, actual: 7730.28 },
    ]);
    expect(audits(findings)[0]!.message).toMatch(/^第六部分称「.*全年未收取任何费用」，而表二第二十条第（八）项.*为 7730\.28/);
  });

  it("a statistics period or opening year other than the report's (audit.periodYear)", () => {
    const period = editedSeed("003", ["统计期限为2020年1月1日至12月31日", "统计期限为2019年1月1日至12月31日"]);
    expect(audits(period).filter((f) => f.rule === "audit.periodYear").map((f) => [f.expected, f.actual, f.message])).toEqual([
      [2020, 2019, "统计期限写为「为2019年1月1日至12月31日」，与报告年度 2020 年不符"],
    ]);
    // Seed 002 has no title: its year comes from its first sentence, so the opening year is edited on 洪泽区 2023.
    const opening = editedReal("p02", /^2023\s*年(.)洪泽区人民政府坚持/, "2022年$1洪泽区人民政府坚持");
    expect(audits(opening).map((f) => [f.rule, f.expected, f.actual, f.message])).toEqual([
      ["audit.periodYear", 2023, 2022, "第一部分「总体情况」以「2022年」开头，与报告年度 2023 年不符"],
    ]);
  });

  it("blank cells in table 三 (audit.blankCells)", () => {
    const findings = editedSeed("002", ["(七)总计 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "(七)总计 | 0 |  |  | 0 | 0 | 0 | 0 |"]);
    expect(audits(findings)).toMatchObject([{ rule: "audit.blankCells", severity: "warning", cells: ["resultsTotal.commercialEnterprise", "resultsTotal.researchInstitution"], actual: 2 }]);
  });

  it("headings out of order, misnumbered, mixed systems, a section missing", () => {
    expect(audits(editedSeed("002", ["\n五、存在的主要问题及改进情况", "\n三、存在的主要问题及改进情况"])).map((f) => [f.rule, f.message])).toEqual([
      ["audit.headingOrder", "标题「三、存在的主要问题及改进情况」编号有误：模板中「存在的主要问题及改进情况」是第五部分"],
    ]);
    expect(audits(editedSeed("002", ["\n四、政府信息公开行政复议", "\n五、政府信息公开行政复议"])).map((f) => [f.rule, f.message])).toEqual([
      ["audit.headingOrder", "标题「五、政府信息公开行政复议、行政诉讼情况」编号有误：模板中「政府信息公开行政复议、行政诉讼情况」是第四部分"],
    ]);
    expect(audits(editedSeed("002", ["\n六、其他需要报告的事项", "\n(六)其他需要报告的事项"])).map((f) => [f.rule, f.message])).toEqual([
      ["audit.headingNumbering", "各部分标题混用了两种以上编号方式：「一、总体情况」、「(六)其他需要报告的事项」"],
    ]);
    expect(audits(editedSeed("002", ["\n六、其他需要报告的事项", "\n"])).map((f) => [f.rule, f.message])).toEqual([
      ["audit.sectionMissing", "未找到第六部分「其他需要报告的事项」"],
    ]);
  });
});

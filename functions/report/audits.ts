/**
 * The content audits reviewers run by hand, as findings: what the prose says against the tables,
 * the sections and headings the template asks for, the year the report speaks of, and cells left
 * blank. Each finding is a `warning` or an `info`: it asks for a look and never changes a status.
 */
import { columnName, rowName } from "./cell-names.ts";
import { checkStatedFigures, type StatedFigure } from "./narrative.ts";
import { compact } from "./normalise.ts";
import { PROSE_SECTIONS, type Prose } from "./prose.ts";
import type { FigureReading } from "./read-figures.ts";
import { type Edition, RULE, SECTION, SEVERITY, type SectionKey } from "./template.ts";
import type { Finding } from "./validate.ts";

const finding = (rule: string, severity: "warning" | "info", message: string, extra: Partial<Finding> = {}): Finding => ({
  rule,
  severity,
  message,
  cells: [],
  expected: null,
  actual: null,
  ...extra,
});

/** Sentences of a text, white space removed (a PDF prints `2023 年`). */
const sentencesOf = (text: string): string[] => compact(text).split(/[。;!?]/).filter((s) => s !== "");

const OTHER_TIME = /上年|去年|上一年|同比|较上|环比|累计|结转/;
const ALL_CONCLUDED = /(?:全部|均已|均|已全部|全部按时|均按时)办结/;

/** The sentence saying this year's applications were all concluded (`全部办结`): carried forward should be 0. */
export function allConcludedStatements(prose: Prose): StatedFigure[] {
  const sentence = sentencesOf(prose.text).find((s) => ALL_CONCLUDED.test(s) && /申请/.test(s) && !OTHER_TIME.test(s));
  return sentence ? [{ rule: RULE.NARRATIVE_ALL_CONCLUDED, quantity: "全部办结", sentence, stated: 0, cells: ["carriedForward.total"] }] : [];
}

/** `全部办结` said of this year's applications while some are carried into next year. */
export function checkAllConcluded(prose: Prose, applications: FigureReading["applications"]): Finding[] {
  return checkStatedFigures(allConcludedStatements(prose), applications, {});
}

const NOTHING_TO_SAY = /^(?:无|暂无|没有|无其他需要报告的事项)$/;

/** Section 五 missing, empty, or only `无`. */
export function checkProblemsSection(prose: Prose): Finding[] {
  const text = prose.sections.problems;
  if (text === null) return [finding(RULE.AUDIT_PROBLEMS_SECTION, SEVERITY.WARNING, "未找到第五部分「存在的主要问题及改进情况」")];
  const bare = compact(text).replace(/[。.,;:]/g, "");
  if (bare === "") return [finding(RULE.AUDIT_PROBLEMS_SECTION, SEVERITY.WARNING, "第五部分「存在的主要问题及改进情况」没有内容")];
  if (NOTHING_TO_SAY.test(bare)) return [finding(RULE.AUDIT_PROBLEMS_SECTION, SEVERITY.WARNING, `第五部分「存在的主要问题及改进情况」只写了「${compact(text)}」，未说明存在的问题及改进措施`)];
  return [];
}

/** Sections 一 and 六 must be there (五 has its own audit; 二–四 are tables, `table.missing`). */
export function checkSectionsPresent(prose: Prose): Finding[] {
  return PROSE_SECTIONS.filter((s) => (s.key === "overview" || s.key === "other") && prose.sections[s.key] === null).map((s) =>
    finding(RULE.AUDIT_SECTION_MISSING, SEVERITY.WARNING, `未找到第${"一二三四五六"[s.no - 1]}部分「${s.title}」`),
  );
}

/** `未收取任何费用` and the like; a statement about one kind of fee (信息处理费, 依申请) does not count. */
const NO_FEES = /(?:未|没有|无|不)(?:收取|收)(?:任何)?(?:费用|费)|免费|零收费/;
const ONE_KIND_OF_FEE = /信息处理费|依申请|申请人|提供政府信息|政府信息公开|信息公开/;

/** Fees in 第二十条第（八）项 while section 六 says no fees at all were collected. */
export function checkFeesStatement(prose: Prose, reading: FigureReading, edition: Edition): Finding[] {
  const amount = edition === "2021" ? (reading.activeDisclosure.fees?.amountTenThousandYuan ?? 0) : 0;
  const other = prose.sections.other;
  if (amount <= 0 || other === null) return [];
  const clauses = sentencesOf(other).flatMap((s) => s.split(/[,:]/));
  const sentence = clauses.find((s) => NO_FEES.test(s) && !ONE_KIND_OF_FEE.test(s));
  if (!sentence) return [];
  return [
    finding(
      RULE.AUDIT_FEES_STATEMENT,
      SEVERITY.WARNING,
      `第六部分称「${sentence}」，而表二第二十条第（八）项${columnName(SECTION.ACTIVE_DISCLOSURE, "fees", "amountTenThousandYuan", edition)}为 ${amount}；如指信息处理费，请写明`,
      { cells: ["fees.amountTenThousandYuan"], expected: 0, actual: amount, sentence },
    ),
  ];
}

/** `统计期限自2023年1月1日起至2023年12月31日止`, `统计期限为2020年1月1日至12月31日`. */
const PERIOD = /统计(?:期限|期间|时段|时限|周期|时间)[^。]{0,12}?(\d{4})年1月1日[^。]{0,6}?(?:至|到)(?:(\d{4})年)?12月31日/;
/** `2023年,…` opening 一、总体情况 (not `2023年以来`, `2023年1月`). */
const OPENING_YEAR = /^(\d{4})年度?(?![以来月\d])/;

/** A statistics period, or the year that opens section 一, other than the report's year. */
export function checkPeriodYear(prose: Prose, year: number): Finding[] {
  const out: Finding[] = [];
  const period = PERIOD.exec(compact(prose.text));
  const wrong = period ? [period[1], period[2]].map((y) => (y === undefined ? year : Number(y))).find((y) => y !== year) : undefined;
  if (period && wrong !== undefined) {
    out.push(
      finding(RULE.AUDIT_PERIOD_YEAR, SEVERITY.WARNING, `统计期限写为「${period[0].replace(/^统计(?:期限|期间|时段|时限|周期|时间)/, "")}」，与报告年度 ${year} 年不符`, {
        expected: year,
        actual: wrong,
        sentence: period[0],
      }),
    );
  }
  // Section 五 may well open with next year's plans (`2021年,将…`): only 一 is checked.
  for (const key of ["overview"] as const) {
    const opening = OPENING_YEAR.exec(compact(prose.sections[key] ?? ""));
    if (!opening || Number(opening[1]) === year) continue;
    const section = PROSE_SECTIONS.find((s) => s.key === key)!;
    out.push(
      finding(RULE.AUDIT_PERIOD_YEAR, SEVERITY.WARNING, `第${"一二三四五六"[section.no - 1]}部分「${section.title}」以「${opening[1]}年」开头，与报告年度 ${year} 年不符`, {
        expected: year,
        actual: Number(opening[1]),
      }),
    );
  }
  return out;
}

const BLANK_SECTIONS: readonly SectionKey[] = [SECTION.APPLICATIONS, SECTION.REVIEW_LITIGATION];
const TABLE_NUMBER: Partial<Record<SectionKey, string>> = { applications: "三", reviewLitigation: "四" };

/** How many cells of tables 三 and 四 were left blank or printed `/` (both recorded as 0). */
export function checkBlankCells(reading: FigureReading): Finding[] {
  return BLANK_SECTIONS.flatMap((section) => {
    const blank = (reading.blankCells ?? []).filter((b) => b.section === section).flatMap((b) => b.columns.map((c) => `${b.row}.${c}`));
    const marked = (reading.printedNothing ?? []).filter((n) => n.section === section).flatMap((n) => n.columns.map((c) => `${n.row}.${c}`));
    if (blank.length + marked.length === 0) return [];
    const parts = [blank.length > 0 ? `${blank.length} 个空白单元格` : "", marked.length > 0 ? `${marked.length} 个印「/」等无数字符号的单元格` : ""].filter(Boolean);
    const first = [...(reading.blankCells ?? []), ...(reading.printedNothing ?? [])].find((b) => b.section === section)!;
    return [
      finding(RULE.AUDIT_BLANK_CELLS, SEVERITY.WARNING, `表${TABLE_NUMBER[section]}有 ${parts.join("、")}，均记为 0（首见于${rowName(section, first.row)}）`, {
        cells: [...blank, ...marked],
        actual: blank.length + marked.length,
      }),
    ];
  });
}

/** Top-level headings out of order, a section under another number, two numbering systems. */
export function checkHeadings(prose: Prose): Finding[] {
  const out: Finding[] = [];
  const misnumbered = prose.headings.find((h) => h.number !== null && h.number !== PROSE_SECTIONS.find((s) => s.key === h.section)!.no);
  const lines = prose.lineHeadings;
  const jump = lines.findIndex((h, i) => h.number !== (i === 0 ? 1 : lines[i - 1]!.number + 1));
  if (misnumbered) {
    const section = PROSE_SECTIONS.find((s) => s.key === misnumbered.section)!;
    out.push(
      finding(RULE.AUDIT_HEADING_ORDER, SEVERITY.WARNING, `标题「${misnumbered.text}」编号有误：模板中「${section.title}」是第${"一二三四五六"[section.no - 1]}部分`, {
        expected: section.no,
        actual: misnumbered.number,
      }),
    );
  } else if (jump >= 0) {
    const previous = lines[jump - 1];
    out.push(
      finding(
        RULE.AUDIT_HEADING_ORDER,
        SEVERITY.WARNING,
        previous ? `标题编号顺序错乱：「${previous.text}」之后是「${lines[jump]!.text}」` : `第一个标题「${lines[jump]!.text}」不是从「一、」开始`,
        { expected: previous ? previous.number + 1 : 1, actual: lines[jump]!.number },
      ),
    );
  }
  const styles = [...new Set(prose.headings.flatMap((h) => (h.style ? [h.style] : [])))];
  if (styles.length > 1) {
    const shown = styles.map((style) => prose.headings.find((h) => h.style === style)!.text);
    out.push(finding(RULE.AUDIT_HEADING_NUMBERING, SEVERITY.WARNING, `各部分标题混用了两种以上编号方式：${shown.map((t) => `「${t}」`).join("、")}`));
  }
  return out;
}

/**
 * Every audit on one report.
 *
 * @example
 * const findings = auditReport(readProse(paragraphs), reading, 2023, "2021");
 */
export function auditReport(prose: Prose, reading: FigureReading, year: number, edition: Edition): Finding[] {
  return [
    ...checkAllConcluded(prose, reading.applications),
    ...checkProblemsSection(prose),
    ...checkSectionsPresent(prose),
    ...checkFeesStatement(prose, reading, edition),
    ...checkPeriodYear(prose, year),
    ...checkBlankCells(reading),
    ...checkHeadings(prose),
  ];
}

/**
 * Figures the prose states, compared with the matching cells of the tables.
 *
 * Only sentences that clearly speak of the same quantity are compared: this year's applications
 * by outcome, administrative reviews and lawsuits. A sentence about another year or a comparison
 * with last year is skipped, and so is any quantity the tables do not hold (a district-wide count
 * of normative documents, say).
 */
import { compact } from "./normalise.ts";
import type { FigureTable } from "./read-figures.ts";
import { RULE } from "./template.ts";
import type { Finding } from "./validate.ts";

type Quantity = {
  name: string;
  pattern: RegExp;
  /** The cells whose sum the sentence states, from the applications or review tables. */
  cells: (apps: FigureTable, review: FigureTable) => { section: FigureTable; row: string; column: string }[];
};

const rowsStartingWith = (table: FigureTable, prefix: string) =>
  Object.keys(table)
    .filter((row) => row === prefix || row.startsWith(`${prefix}.`))
    .map((row) => ({ section: table, row, column: "total" }));

/** `予以公开`, `同意公开`, `公开` (not `不予公开`), and the words joining it to `部分公开`. */
const GRANTED = "(?<!不)(?:予以|同意)?公开(?:的)?";
const BOTH = "(?:及|和|与|、|或|或者|以及)";

const QUANTITIES: Quantity[] = [
  { name: "收到申请", pattern: /(?:接收|收到|受理|新收)(?:(?!复议|诉讼)[^,，。；;]){0,14}?申请(?:共计|共)?(\d+)件/, cells: (a) => rowsStartingWith(a, "newReceived") },
  {
    // `予以公开及部分公开42件`, `予以公开(含部分公开)42件`: one figure for both outcomes.
    name: "予以公开及部分公开",
    pattern: new RegExp(`${GRANTED}(?:${BOTH}部分(?:予以)?公开|\\(含部分公开\\))(?:的)?(?:共计|共)?(\\d+)件`),
    cells: (a) => [...rowsStartingWith(a, "granted"), ...rowsStartingWith(a, "partiallyGranted")],
  },
  {
    // `共办结申请23件`, `答复申请21件`: every application concluded this year, （七）总计.
    name: "办结/答复",
    pattern: /(?:办结|答复)(?:(?!复议|诉讼|上年|结转)[^,，。；;]){0,14}?(?:申请|事项)(?:共计|共)?(\d+)件/,
    cells: (a) => (a.resultsTotal ? [{ section: a, row: "resultsTotal", column: "total" }] : []),
  },
  { name: "予以公开", pattern: /(?<!不)予以公开(\d+)件/, cells: (a) => rowsStartingWith(a, "granted") },
  { name: "部分公开", pattern: new RegExp(`(?<!${GRANTED}${BOTH})部分公开(\\d+)件`), cells: (a) => rowsStartingWith(a, "partiallyGranted") },
  { name: "不予公开", pattern: /不予公开(\d+)件/, cells: (a) => rowsStartingWith(a, "denied") },
  { name: "无法提供", pattern: /无法提供(\d+)件/, cells: (a) => rowsStartingWith(a, "unavailable") },
  { name: "不予处理", pattern: /不予处理(\d+)件/, cells: (a) => rowsStartingWith(a, "notProcessed") },
  { name: "其他处理", pattern: /其他处理(\d+)件/, cells: (a) => rowsStartingWith(a, "otherHandling") },
  { name: "行政复议", pattern: /行政复议(?:申请|案件)?(\d+)(?:件|起)/, cells: (_, r) => rowsStartingWith(r, "review") },
  {
    name: "行政诉讼",
    pattern: /(?:发生|提起|被提起|收到)(\d+)起[^,，。；;]{0,20}?行政诉讼|行政诉讼(?:案件)?(\d+)(?:件|起)/,
    cells: (_, r) => [...rowsStartingWith(r, "litigationDirect"), ...rowsStartingWith(r, "litigationAfterReview")],
  },
];

const OTHER_TIME = /上年|去年|上一年|同比|较上|环比|累计/;

/** Splits prose into sentences (and their clauses, which carry one figure each). */
function sentencesOf(paragraphs: readonly string[]): string[] {
  return paragraphs.flatMap((p) => compact(p).split(/[。；;!！?？]/)).filter((s) => /\d/.test(s));
}

/**
 * A figure the prose states and the cells it is checked against, kept with the record
 * (`statedFigures`) so that a reviewer's correction of a cell checks the prose again without the
 * original (functions/report/reviews.ts).
 */
export type StatedFigure = { rule: string; quantity: string; sentence: string; stated: number; cells: string[] };

/** Every figure of this year the prose states that the tables hold, matching or not. */
export function statedFiguresOf(paragraphs: readonly string[], year: number, applications: FigureTable, review: FigureTable): StatedFigure[] {
  const stated: StatedFigure[] = [];
  for (const sentence of sentencesOf(paragraphs)) {
    if (OTHER_TIME.test(sentence)) continue;
    const years = [...sentence.matchAll(/((?:19|20)\d{2})年/g)].map((m) => Number(m[1]));
    if (years.some((y) => y !== year)) continue;
    for (const quantity of QUANTITIES) {
      const m = quantity.pattern.exec(sentence);
      if (!m) continue;
      const cells = quantity.cells(applications, review);
      if (cells.length === 0) continue;
      stated.push({ rule: RULE.NARRATIVE_MISMATCH, quantity: quantity.name, sentence, stated: Number(m[1] ?? m[2]), cells: cells.map((c) => `${c.row}.${c.column}`) });
    }
  }
  return stated;
}

type CellValues = Record<string, Record<string, number> | undefined>;
const sumOf = (cells: readonly string[], tables: readonly CellValues[]) =>
  cells.reduce((sum, cell) => {
    const dot = cell.lastIndexOf(".");
    const [row, column] = [cell.slice(0, dot), cell.slice(dot + 1)];
    return sum + (tables.map((t) => t[row]?.[column]).find((v) => v !== undefined) ?? 0);
  }, 0);

/** The finding a stated figure gives against the tables' figures, or none where they agree. */
function findingOf(s: StatedFigure, table: number): Finding | undefined {
  if (s.rule === RULE.NARRATIVE_ALL_CONCLUDED) {
    if (table <= 0) return undefined;
    return {
      rule: s.rule,
      severity: "warning",
      message: `正文「${s.sentence}」称申请已全部办结，而表三「四、结转下年度继续办理」·总计为 ${table}`,
      cells: [...s.cells],
      expected: s.stated,
      actual: table,
      sentence: s.sentence,
    };
  }
  if (table === s.stated) return undefined;
  return {
    rule: s.rule,
    severity: "warning",
    message: `正文「${s.sentence}」称${s.quantity} ${s.stated} 件，而表中为 ${table} 件`,
    cells: [...s.cells],
    expected: table,
    actual: s.stated,
    sentence: s.sentence,
  };
}

/** The warnings (`narrative.mismatch`, `narrative.allConcluded`) for the stated figures the tables contradict. */
export function checkStatedFigures(stated: readonly StatedFigure[], applications: FigureTable, review: FigureTable): Finding[] {
  return stated.flatMap((s) => findingOf(s, sumOf(s.cells, [applications as CellValues, review as CellValues])) ?? []);
}

/** `narrative.mismatch` warnings for figures the prose states that the tables contradict. */
export function checkNarrative(paragraphs: readonly string[], year: number, applications: FigureTable, review: FigureTable): Finding[] {
  return checkStatedFigures(statedFiguresOf(paragraphs, year, applications, review), applications, review);
}

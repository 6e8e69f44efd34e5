/**
 * A reviewer's verdict on an error finding, cell by cell (issue 16 item 3):
 *
 * - `misprint`: the report really prints that figure. It stays, the finding stands and counts
 *   as the body's own error (confirmed).
 * - `misread`: we read the cell wrongly; `value` is the figure the page shows. It is kept as a
 *   correction beside the reading it replaces (`read`, by which parser version), with who, when
 *   and why, and the record is revalidated with it. A newer parser's reading either agrees with
 *   it (the correction is then no longer applied: `agreedBy`) or not (it stands, and a
 *   `review.correctionDisputed` warning says so: `disputedBy`).
 *
 * A record's reviews are one map by cell (the latest verdict per cell); every verdict is also
 * kept as a history item by the record store. Pure: no AWS SDK, no I/O.
 */
import { cellName, sectionOfCell } from "./cell-names.ts";
import type { Finding, ReportRecord } from "./record.ts";
import { RULE, SEVERITY, STATUS, type SectionKey } from "./template.ts";
import { checkResults, checkReviewTotals, checkRowTotals } from "./validate.ts";
import { checkStatedFigures, type StatedFigure } from "./narrative.ts";

export const VERDICT = { MISPRINT: "misprint", MISREAD: "misread" } as const;
export type Verdict = (typeof VERDICT)[keyof typeof VERDICT];

/** The current verdict on one cell. */
export type CellReview = {
  verdict: Verdict;
  /** The rule of the error finding reviewed (`applications.resultsTotal`). */
  rule: string;
  /** misread: the figure the page shows. */
  value?: number;
  /** The figure as read when reviewed (the printed reading a correction stands beside). */
  read: number;
  /** The parser version that read `read`. */
  readBy: string;
  reason: string;
  reviewer: string;
  at: string;
  /** How the cell was read (`rows`, `order`, `grid`, `ocr:paddleocr`): whose accuracy a misread measures. */
  reader: string;
  /** The source's format (`text`, `html`, `docx`, `pdf`, `image`; `scan` where the cell was OCR'd). */
  format: string;
  /** A later parser version read `value` itself: the correction is no longer applied. */
  agreedBy?: string;
  /** A later parser version read yet another figure than `value`: the correction stands, reported. */
  disputedBy?: string;
};
export type CellReviews = Record<string, CellReview>;

/** What a reviewer sends. */
export type ReviewRequest = { cell: string; rule: string; verdict: Verdict; value?: number; reason: string; reviewer: string };

/** A review refused, with a message a Chinese reader understands and the field it is about. */
export class ReviewError extends Error {
  readonly parameter: string;
  constructor(message: string, parameter: string) {
    super(message);
    this.name = "ReviewError";
    this.parameter = parameter;
  }
}

/** The identities recomputed from the figures when a correction changes one. */
const IDENTITY_RULES = new Set<string>([RULE.ROW_TOTAL, RULE.RESULTS_TOTAL, RULE.BALANCE, RULE.REVIEW_TOTAL]);
const SECTIONS: readonly SectionKey[] = ["activeDisclosure", "applications", "reviewLitigation"];

type Figures = Record<string, Record<string, number> | undefined>;

/** The figure of `cell` (`resultsTotal.naturalPerson`) in `record`, or undefined where it has none. */
export function figureOf(record: ReportRecord, cell: string): { section: SectionKey; row: string; column: string; value: number } | undefined {
  const dot = cell.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const row = cell.slice(0, dot);
  const column = cell.slice(dot + 1);
  const section = sectionOfCell(cell);
  const value = (record[section] as Figures)[row]?.[column];
  return typeof value === "number" ? { section, row, column, value } : undefined;
}

/** Whether an active correction is applied to the figures. */
const isActiveCorrection = (review: CellReview) => review.verdict === VERDICT.MISREAD && review.agreedBy === undefined && review.value !== undefined;

/** Whether `finding` is an error a reviewer confirmed as the body's own misprint. */
export function isConfirmedMisprint(
  finding: Pick<Finding, "severity"> & Partial<Pick<Finding, "rule" | "cells">>,
  reviews: Record<string, Pick<CellReview, "verdict" | "rule">> | undefined,
): boolean {
  if (finding.severity !== SEVERITY.ERROR || !reviews) return false;
  return (finding.cells ?? []).some((cell) => reviews[cell]?.verdict === VERDICT.MISPRINT && reviews[cell]!.rule === finding.rule);
}

/** The reader and format a verdict on `cell` measures. */
function readerOf(record: ReportRecord, section: SectionKey, cell: string, format: string): { reader: string; format: string } {
  const source = record.cellSources?.[cell];
  const via = source?.via ?? record.layout[section];
  if (via === "ocr") return { reader: `ocr:${record.ocr?.engine ?? "unknown"}`, format: "scan" };
  return { reader: via, format };
}

/**
 * The reviews after `request` on `record` (the stored record, corrections applied), or a
 * ReviewError: an unknown cell, no such error finding, a misread without a figure or with the
 * figure already read.
 */
export function addReview(record: ReportRecord, reviews: CellReviews, request: ReviewRequest, at: string, format: string): CellReviews {
  const figure = figureOf(record, request.cell);
  if (!figure) throw new ReviewError(`报告中没有单元格「${request.cell}」（cell 应为「行.列」，如 resultsTotal.naturalPerson）`, "cell");
  const earlier = reviews[request.cell];
  const answered = record.findings.some((f) => f.severity === SEVERITY.ERROR && f.rule === request.rule && (request.verdict === VERDICT.MISREAD || f.cells.includes(request.cell)));
  // A cell corrected before may be corrected again, though its finding is gone.
  if (!answered && !(earlier && earlier.rule === request.rule)) {
    const where = request.verdict === VERDICT.MISPRINT ? `涉及「${cellName(figure.section, request.cell, record.edition)}」的` : "";
    throw new ReviewError(`报告中没有${where}「${request.rule}」错误，无从复核`, "rule");
  }
  // The printed reading: what the parser read, not an earlier correction of it.
  const read = earlier && isActiveCorrection(earlier) ? earlier.read : figure.value;
  const readBy = earlier && isActiveCorrection(earlier) ? earlier.readBy : record.parserVersion;
  if (request.verdict === VERDICT.MISREAD) {
    if (request.value === undefined) throw new ReviewError("判为误读时须给出页面上印的数字（value）", "value");
    if (request.value === read) throw new ReviewError(`页面上的数字 ${request.value} 与读出的数字相同，不是误读`, "value");
  }
  const review: CellReview = {
    verdict: request.verdict,
    rule: request.rule,
    ...(request.verdict === VERDICT.MISREAD ? { value: request.value! } : {}),
    read,
    readBy,
    reason: request.reason,
    reviewer: request.reviewer,
    at,
    ...readerOf(record, figure.section, request.cell, format),
  };
  return { ...reviews, [request.cell]: review };
}

/**
 * A reviewer's verdict applied to the stored record (its corrections applied): the new reviews
 * and the record revalidated with them. A cell whose correction the verdict replaces gets its
 * printed reading back first.
 */
export function reviewRecord(record: ReportRecord, reviews: CellReviews, request: ReviewRequest, at: string, format: string): { record: ReportRecord; reviews: CellReviews } {
  const next = addReview(record, reviews, request, at, format);
  const earlier = reviews[request.cell];
  let base = record;
  if (earlier && isActiveCorrection(earlier)) {
    const figure = figureOf(record, request.cell)!;
    const section = structuredClone(record[figure.section]) as Figures;
    section[figure.row]![figure.column] = earlier.read;
    base = { ...record, [figure.section]: section } as ReportRecord;
  }
  return { record: applyReviews(base, next), reviews: next };
}

/**
 * `record` as its reviews make it: the active corrections' figures in place of the readings,
 * the template's identities checked again,
 * a `review.correctionDisputed` warning per disputed correction, the status from the findings.
 * Idempotent: applying the same reviews to its own result changes nothing.
 */
export function applyReviews(record: ReportRecord, reviews: CellReviews): ReportRecord {
  const figures = Object.fromEntries(SECTIONS.map((s) => [s, structuredClone(record[s]) as Figures])) as Record<SectionKey, Figures>;
  for (const [cell, review] of Object.entries(reviews)) {
    const figure = figureOf(record, cell);
    if (!figure) continue;
    if (isActiveCorrection(review)) figures[figure.section][figure.row]![figure.column] = review.value!;
  }
  const applications = figures.applications as Record<string, Record<string, number>>;
  const reviewLitigation = figures.reviewLitigation as Record<string, Record<string, number>>;
  const identities = [...checkRowTotals(applications), ...checkResults(applications, record.edition), ...checkReviewTotals(reviewLitigation)];
  const narrative = checkStatedFigures(statedFiguresOfRecord(record), applications, reviewLitigation);
  const withoutDisputes = record.findings.filter((f) => f.rule !== RULE.REVIEW_DISPUTED);
  const findings = [...replaceInPlace(replaceInPlace(withoutDisputes, IDENTITY_RULES, identities), NARRATIVE_RULES, narrative), ...disputes(record, reviews)];
  const status = findings.some((f) => f.severity === SEVERITY.ERROR) ? STATUS.NEEDS_REVIEW : STATUS.VALID;
  return { ...record, ...figures, findings, status } as ReportRecord;
}

/** The prose's checks, recomputed from the figures the prose states. */
const NARRATIVE_RULES = new Set<string>([RULE.NARRATIVE_MISMATCH, RULE.NARRATIVE_ALL_CONCLUDED]);

/** `findings` with those of `rules` replaced by `fresh`, where the first of them stood (so an unchanged check keeps its place). */
function replaceInPlace(findings: Finding[], rules: ReadonlySet<string>, fresh: Finding[]): Finding[] {
  const first = findings.findIndex((f) => rules.has(f.rule));
  const kept = findings.filter((f) => !rules.has(f.rule));
  const at = first < 0 ? kept.length : findings.slice(0, first).filter((f) => !rules.has(f.rule)).length;
  return [...kept.slice(0, at), ...fresh, ...kept.slice(at)];
}

/**
 * The figures the record's prose states: kept with it since parser 1.3.0 (`statedFigures`); for
 * a record stored before, those its narrative findings name (a sentence that agreed with the
 * tables then was not kept, so a correction cannot make it disagree).
 */
function statedFiguresOfRecord(record: ReportRecord): StatedFigure[] {
  if (record.statedFigures) return record.statedFigures;
  return record.findings.flatMap((f) => {
    if (!NARRATIVE_RULES.has(f.rule) || f.sentence === undefined) return [];
    if (f.rule === RULE.NARRATIVE_ALL_CONCLUDED) return [{ rule: f.rule, quantity: "全部办结", sentence: f.sentence, stated: 0, cells: f.cells }];
    const quantity = /称(.+) \d+ 件，而表中为/.exec(f.message)?.[1];
    return quantity === undefined || f.actual === null ? [] : [{ rule: f.rule, quantity, sentence: f.sentence, stated: f.actual, cells: f.cells }];
  });
}

function disputes(record: ReportRecord, reviews: CellReviews): Finding[] {
  return Object.entries(reviews)
    .filter(([, review]) => isActiveCorrection(review) && review.disputedBy !== undefined)
    .map(([cell, review]) => ({
      rule: RULE.REVIEW_DISPUTED,
      severity: SEVERITY.WARNING,
      message: `${cellName(sectionOfCell(cell), cell, record.edition)}：解析器 ${review.disputedBy} 读作 ${review.read}，与复核更正的 ${review.value}（${review.reviewer}，${review.at.slice(0, 10)}）不同，仍按更正记录`,
      cells: [cell],
      expected: review.value!,
      actual: review.read,
    }));
}

/**
 * The reviews of a record carried onto a new reading of the same report (`record`, fresh from
 * the parser): a correction the new reading agrees with is no longer applied; one it disagrees
 * with stands against the new reading, disputed. Misprints are kept as they are. `anotherFile`: the
 * reading is another file's of the same report (../report/sources.ts), compared even when the same
 * parser version read it.
 */
export function carryReviews(record: ReportRecord, reviews: CellReviews, options: { anotherFile?: boolean } = {}): CellReviews {
  const carried: CellReviews = {};
  for (const [cell, review] of Object.entries(reviews)) {
    const figure = figureOf(record, cell);
    // Another file's reading (a logical report's carried file changed) is compared whatever parser read it.
    if (!isActiveCorrection(review) || !figure || (review.readBy === record.parserVersion && !options.anotherFile)) {
      carried[cell] = review;
      continue;
    }
    carried[cell] =
      figure.value === review.value
        ? { ...review, agreedBy: record.parserVersion }
        : { ...review, read: figure.value, readBy: record.parserVersion, disputedBy: record.parserVersion };
  }
  return carried;
}

/**
 * The reading under a record's active corrections: each corrected cell back to the figure read
 * (`read`). Findings are left as they are: applyReviews checks the identities again.
 */
export function withoutCorrections(record: ReportRecord, reviews: CellReviews | undefined): ReportRecord {
  const active = Object.entries(reviews ?? {}).filter(([cell, review]) => isActiveCorrection(review) && figureOf(record, cell));
  if (active.length === 0) return record;
  const figures = Object.fromEntries(SECTIONS.map((s) => [s, structuredClone(record[s]) as Figures])) as Record<SectionKey, Figures>;
  for (const [cell, review] of active) {
    const figure = figureOf(record, cell)!;
    figures[figure.section][figure.row]![figure.column] = review.read;
  }
  return { ...record, ...figures } as ReportRecord;
}

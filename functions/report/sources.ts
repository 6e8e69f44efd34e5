/**
 * One report, however many files (issue 15 item 2): the same body's report for the same year and
 * edition may arrive as several files (a PDF and a web page, a re-encoded text, a rescan). They are
 * one logical report; its record carries the figures of the source read most directly and every
 * other source is compared with it cell by cell (`sources.disagree`).
 *
 * Pure: the readings come in as values.
 */
import { cellName } from "./cell-names.ts";
import type { Finding, ReportRecord } from "./record.ts";
import { RULE, SECTION, SEVERITY, type SectionKey } from "./template.ts";

export const SOURCES_DISAGREE = RULE.SOURCES_DISAGREE;

/** The key of the logical report a record belongs to; null (never merged) without an agencyId, year or edition. */
export function logicalKeyOf(record: Pick<ReportRecord, "agencyId" | "year" | "edition">): string | null {
  if (typeof record.agencyId !== "string" || !record.agencyId || typeof record.year !== "number" || !record.edition) return null;
  return `${record.agencyId}#${record.year}#${record.edition}`;
}

/** One file's own reading of the report. */
export type SourceReading = { reportId: string; fileName: string; receivedAt: string; record: ReportRecord };

/** How the figures were read: a text layer, HTML, DOCX or text (0) before OCR (1) before a grid of unread labels (2). */
export function readingRank(record: ReportRecord): number {
  // Records stored before `layout` was kept have none: read directly as far as anyone knows.
  const layouts: string[] = Object.values(record.layout ?? {});
  if (layouts.includes("grid")) return 2;
  return record.ocr ? 1 : 0;
}

/** The reading whose figures the record carries: the most direct, then the earliest received, then by id. */
export function carriedReading<R extends SourceReading>(readings: readonly R[]): R {
  if (readings.length === 0) throw new Error("a logical report has at least one source");
  return [...readings].sort(
    (a, b) => readingRank(a.record) - readingRank(b.record) || a.receivedAt.localeCompare(b.receivedAt) || a.reportId.localeCompare(b.reportId),
  )[0]!;
}

type Figures = Record<string, Record<string, number> | undefined>;
const SECTIONS: SectionKey[] = [SECTION.ACTIVE_DISCLOSURE, SECTION.APPLICATIONS, SECTION.REVIEW_LITIGATION];

/** A cell two readings both print with different figures. */
export type DifferingCell = { section: SectionKey; cell: string; carried: number; other: number; otherFile: string };

/** The cells `other` prints differently from `carried` (a cell or table one of them lacks is not compared). */
export function differingCells(carried: SourceReading, other: SourceReading): DifferingCell[] {
  const cells: DifferingCell[] = [];
  for (const section of SECTIONS) {
    const own = (carried.record[section] ?? {}) as Figures;
    const theirs = (other.record[section] ?? {}) as Figures;
    if (carried.record.layout?.[section] === "missing" || other.record.layout?.[section] === "missing") continue;
    for (const [row, columns] of Object.entries(own)) {
      for (const [column, value] of Object.entries(columns ?? {})) {
        const otherValue = theirs[row]?.[column];
        if (otherValue === undefined || Math.abs(otherValue - value) < 1e-9) continue;
        cells.push({ section, cell: `${row}.${column}`, carried: value, other: otherValue, otherFile: other.fileName });
      }
    }
  }
  return cells;
}

const NAMED_CELLS = 10;

/**
 * One `sources.disagree` warning naming, in the template's words, every cell another source
 * prints differently, with each file's figure; null when all sources agree.
 */
export function sourcesDisagreement(carried: SourceReading, others: readonly SourceReading[]): Finding | null {
  if (carried.record.edition === undefined) return null;
  const differing = others.flatMap((other) => differingCells(carried, other));
  if (differing.length === 0) return null;
  const edition = carried.record.edition;
  const described = differing
    .slice(0, NAMED_CELLS)
    .map((d) => `${cellName(d.section, d.cell, edition)}：${carried.fileName} 为 ${d.carried}，${d.otherFile} 为 ${d.other}`);
  const more = differing.length > NAMED_CELLS ? `；另有 ${differing.length - NAMED_CELLS} 处` : "";
  const files = [...new Set(differing.map((d) => d.otherFile))];
  const single = differing.length === 1 ? differing[0]! : undefined;
  return {
    rule: SOURCES_DISAGREE,
    severity: SEVERITY.WARNING,
    message: `同一报告的 ${files.length + 1} 个文件数字不一致（本记录采用 ${carried.fileName} 的数字，对照 ${files.join("、")}）：${described.join("；")}${more}`,
    cells: [...new Set(differing.map((d) => d.cell))],
    expected: single ? single.carried : null,
    actual: single ? single.other : null,
  };
}

/** The carried reading's record with the agreement of the sources as its one `sources.disagree` finding (or none). */
export function recordOfSources(carried: SourceReading, others: readonly SourceReading[]): ReportRecord {
  const finding = sourcesDisagreement(carried, others);
  const findings = carried.record.findings.filter((f) => f.rule !== SOURCES_DISAGREE);
  return { ...carried.record, findings: finding ? [...findings, finding] : findings };
}

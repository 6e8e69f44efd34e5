/**
 * The domain core: a document in the intermediate form → the record of the contract.
 *
 * @example
 * const doc = await extractDocument(bytes, { fileName: "report.docx" });
 * const { record, status } = parseReport(doc);
 */
import { claimsSummary } from "./hierarchy.ts";
import type { ExtractedDocument } from "../documents/model.ts";
import { textDocument } from "../documents/text.ts";
import { NotAnnualReportError } from "../shared/errors.ts";
import type { ParsedStatus } from "../shared/status.ts";
import { agencyFinding, detectEdition, identifyAgency, readTitle, readYear } from "./metadata.ts";
import { normaliseText } from "./normalise.ts";
import { readFigures, type Row } from "./read-figures.ts";
import { readGrid, yearFromFirstLines } from "./read-grid.ts";
import { ReportRecord } from "./record.ts";
import { agencyIdOf, resolveRegion } from "./region.ts";
import { SEVERITY, STATUS } from "./template.ts";
import { allConcludedStatements, auditReport } from "./audits.ts";
import { checkStatedFigures, statedFiguresOf } from "./narrative.ts";
import { cellOrigins, type CellOrigin, cellSourcesOf } from "./cell-sources.ts";
import { readProse, sectionTextsOf } from "./prose.ts";
import { validateFigures } from "./validate.ts";

export { ReportRecord, Finding, ReportStatus } from "./record.ts";
export * as template from "./template.ts";

/**
 * Bumped whenever a change can alter a record; the batch reprocessing selects older ones. 1.4.0: a
 * report's files are one record (sources, `sources.disagree`), so the scheduled reprocessing merges
 * the separate records stored before.
 */
export const PARSER_VERSION = "1.4.0";

export type ParsedReport = { record: ReportRecord; status: ParsedStatus };

const CELL = "\u0001";
const ROW = "\u0002";

/**
 * Normalises every cell of the document in one pass (one conversion of the whole text is much
 * cheaper than one per cell) and returns its rows; a paragraph is a row of one cell.
 */
function normalisedRows(origins: readonly (readonly CellOrigin[])[]): Row[] {
  const raw = origins.map((cells) => cells.map((origin) => origin.cell.text));
  const joined = raw.map((cells) => cells.map((c) => c.replace(/[\u0001\u0002]/g, " ")).join(CELL)).join(ROW);
  return normaliseText(joined)
    .split(ROW)
    .map((r) => r.split(CELL));
}

/** Reads a report's tables, checks the template's identities and returns its record. */
export function parseReport(doc: ExtractedDocument): ParsedReport {
  const origins = cellOrigins(doc);
  const rows = normalisedRows(origins);
  const text = rows.map((cells) => cells.join(" ")).join("\n");
  const lines = rows.map((cells) => cells.join(""));

  let year = readYear(lines, text);
  let edition = detectEdition(text, year);
  // No Chinese header was read (Textract reads none): the figures are placed by grid position.
  const grid = edition === null && readTitle(lines).agency === null ? readGrid(doc) : null;
  if (grid) {
    edition = grid.edition;
    year ??= yearFromFirstLines(lines, grid.edition);
    if (year === null) {
      throw new NotAnnualReportError(
        "无法确定报告年度：表格符合年度报告模板，但标题中的年份无法识别 (the tables follow the annual report template, but no year could be read from the title or first lines)",
      );
    }
  }
  if (edition === null && readTitle(lines).agency !== null) {
    throw new NotAnnualReportError(
      "这是政府信息公开工作年度报告，但其统计表格不属于已知的模板版本（2019 版或 2021 版） (an annual report, but its tables follow no known edition of the template: neither the 2019 nor the 2021 edition)",
    );
  }
  if (edition === null || year === null) {
    throw new NotAnnualReportError(
      "不是政府信息公开工作年度报告：未找到年度报告的统计表格 (not a government information disclosure annual report: none of its tables was found)",
    );
  }
  const reading = grid ? grid.reading : readFigures(rows, text, edition);
  if (reading.layout.activeDisclosure === "missing" && reading.layout.applications === "missing") {
    throw new NotAnnualReportError(
      "不是政府信息公开工作年度报告：未找到主动公开和依申请公开统计表 (not a government information disclosure annual report: its tables were not found)",
    );
  }
  const paragraphs = rows.filter((cells) => cells.length === 1).map((cells) => cells[0]!);
  // Garbled labels spell no agency; the text of a Textract scan names none that can be read.
  const identity = grid ? null : identifyAgency(lines, text, doc.metadata);
  const uncertain = identity ? agencyFinding(identity) : null;
  const prose = readProse(paragraphs);
  const stated = statedFiguresOf(paragraphs, year, reading.applications, reading.reviewLitigation);
  const findings = [
    ...(grid ? grid.findings : []),
    ...(uncertain ? [uncertain] : []),
    ...validateFigures(reading, edition),
    ...checkStatedFigures(stated, reading.applications, reading.reviewLitigation),
    ...(grid ? [] : auditReport(prose, reading, year, edition)),
  ];
  const status = findings.some((f) => f.severity === SEVERITY.ERROR) ? STATUS.NEEDS_REVIEW : STATUS.VALID;
  const agency = identity?.agency ?? null;
  const region = resolveRegion(agency, text);
  const record = ReportRecord.parse({
    agency,
    agencyId: agencyIdOf(agency, region),
    region,
    year,
    edition,
    activeDisclosure: reading.activeDisclosure,
    applications: reading.applications,
    reviewLitigation: reading.reviewLitigation,
    findings,
    status,
    parserVersion: PARSER_VERSION,
    layout: reading.layout,
    inferredCells: reading.inferredCells,
    cellSources: cellSourcesOf(reading, origins),
    ...(claimsSummary(agency, text) ? { summarises: true } : {}),
    sectionTexts: sectionTextsOf(prose),
    statedFigures: [...stated, ...(grid ? [] : allConcludedStatements(prose))],
    ...ocrSummary(doc),
  });
  return { record, status };
}

/** The pages OCR read, for the record: a figure read by OCR deserves a second look. */
function ocrSummary(doc: ExtractedDocument): { ocr?: ReportRecord["ocr"] } {
  const read = doc.pages.filter((page) => page.ocr);
  if (read.length === 0) return {};
  const engines = [...new Set(read.map((page) => page.ocr!.engine))];
  const confidences = read.map((page) => page.ocr!.confidence).filter((c): c is number => c !== undefined);
  const confidence = confidences.length > 0 ? Math.round((confidences.reduce((a, b) => a + b, 0) / confidences.length) * 10) / 10 : undefined;
  const sized = read.filter((page) => page.ocr!.size !== undefined);
  const pageSizes = Object.fromEntries(sized.map((page) => [String(page.number), [page.ocr!.size!.width, page.ocr!.size!.height] as [number, number]]));
  return {
    ocr: { engine: engines.join("+"), pages: read.map((page) => page.number), ...(confidence === undefined ? {} : { confidence }), ...(sized.length > 0 ? { pageSizes } : {}) },
  };
}

/** Convenience for text already in memory. */
export function parseReportText(text: string): ParsedReport {
  return parseReport(textDocument(text));
}

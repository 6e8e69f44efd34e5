/**
 * Where one figure of a record came from, for a reader (`nianbao parse FILE --explain CELL`):
 * the page and box, or the line and columns, or the table's cell; how it was read; the OCR
 * confidence; whether its place was inferred. Lines are Chinese (a reader sees them).
 */
import { cellName, sectionOfCell } from "./cell-names.ts";
import type { ReportRecord } from "./record.ts";

type Source = NonNullable<ReportRecord["cellSources"]>[string];

const HOW: Record<Source["via"], string> = {
  rows: "按表格行读取（rows）",
  order: "按数字顺序读取（order：表格被展平为连续文字）",
  grid: "按表格网格位置读取（grid：标签无法识别）",
  ocr: "OCR 识别（ocr）",
};

/** The cell key (`row.column`) a reader named, by key or by its name in the template's words (`表三（七）总计·自然人`). */
export function findCell(record: ReportRecord, named: string): string | undefined {
  const keys = Object.keys(record.cellSources ?? {});
  return keys.find((k) => k === named) ?? keys.find((k) => cellName(sectionOfCell(k), k, record.edition) === named);
}

function figureOf(record: ReportRecord, cell: string): number | undefined {
  const dot = cell.lastIndexOf(".");
  const section = record[sectionOfCell(cell)] as Record<string, Record<string, number> | undefined>;
  return section[cell.slice(0, dot)]?.[cell.slice(dot + 1)];
}

function placeOf(s: Source): string[] {
  const lines: string[] = [];
  if (s.page !== undefined) lines.push(`第 ${s.page} 页${s.box ? `，框 左 ${s.box[0]} 上 ${s.box[1]} 宽 ${s.box[2]} 高 ${s.box[3]}（页面坐标，点）` : ""}`);
  if (s.line !== undefined) {
    const [start, end] = s.span!;
    lines.push(`第 ${s.line} 行，第 ${end - start <= 1 ? start + 1 : `${start + 1}–${end}`} 个字符`);
  }
  if (s.table !== undefined && s.line === undefined) lines.push(`第 ${s.table + 1} 个表格，第 ${s.row! + 1} 行，第 ${s.col! + 1} 个单元格`);
  return lines.length > 0 ? lines : ["原文中无对应位置"];
}

/** A text source's line with the figure's span in 【】 (long lines cut around it). */
function markedLine(line: string, [start, end]: [number, number]): string {
  const from = Math.max(0, start - 30);
  const to = Math.min(line.length, end + 30);
  return `${from > 0 ? "…" : ""}${line.slice(from, start)}【${line.slice(start, end)}】${line.slice(end, to)}${to < line.length ? "…" : ""}`;
}

/** The explanation of one cell, or undefined when the record has no such cell; `lines`: the source's text lines, where it is text. */
export function explainCell(record: ReportRecord, named: string, lines?: readonly string[]): string | undefined {
  const cell = findCell(record, named);
  if (cell === undefined) return undefined;
  const s = record.cellSources![cell]!;
  const findings = record.findings.filter((f) => f.cells.includes(cell)).map((f) => `  问题：${f.message}`);
  return [
    `${cellName(sectionOfCell(cell), cell, record.edition)}（${cell}）= ${figureOf(record, cell)}`,
    ...placeOf(s).map((p) => `  位置：${p}`),
    ...(s.line !== undefined && lines?.[s.line - 1] !== undefined ? [`  原文：${markedLine(lines[s.line - 1]!, s.span!)}`] : []),
    `  读法：${HOW[s.via]}`,
    ...(s.confidence === undefined ? [] : [`  置信度：${s.confidence}`]),
    ...(s.inferred ? ["  推定：此格的位置由模板的恒等式推定，或原文未印此格（记为 0）"] : []),
    ...findings,
  ].join("\n");
}

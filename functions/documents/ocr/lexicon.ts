/**
 * OCR post-correction against the national template's printed labels: a table cell whose OCR text
 * is within a small edit distance of exactly one label is taken to be that label ("政府集中来购"
 * -> "政府集中采购"). Cells far from every label (figures, free text) are left as read. The labels
 * come from the template (functions/report/template.ts), plus the headings it does not name.
 */
import { APPLICANT_COLUMNS, APPLICATION_ROWS, DISCLOSURE_ITEMS, REVIEW_COLUMNS, REVIEW_GROUPS } from "../../report/template.ts";

/** Headings the report prints around the template's tables that the template itself does not name. */
const PRINTED_HEADINGS: readonly string[] = [
  "信息内容", "本年收费金额（单位：万元）", "采购总金额（万元）", "申请人情况", "法人或其他组织", "三、本年度办理结果",
  "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
  "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
];

/** Every label of both editions, from the one template definition, and the printed headings. */
export const TEMPLATE_LABELS: readonly string[] = [
  ...new Set([
    ...DISCLOSURE_ITEMS.flatMap((item) => [
      `第二十条第${item.item}项`,
      ...item.rows.flatMap((row) => [row.label, ...row.variants]),
      ...Object.values(item.columns).flatMap((columns) => columns.map((column) => column.label)),
    ]),
    ...APPLICANT_COLUMNS.map((column) => column.label),
    ...APPLICATION_ROWS.flatMap((row) => (row.group ? [row.label, row.group] : [row.label])),
    ...REVIEW_GROUPS.flatMap((group) => group.label.split("·")),
    ...REVIEW_COLUMNS.map((column) => column.label),
    ...PRINTED_HEADINGS,
  ]),
];

/** The form labels are compared in: no spaces or quotes, one kind of bracket, comma and stop. */
function comparable(text: string): string {
  return text
    .replace(/[\s“”"'‘’`]/g, "")
    .replace(/[（〈《<\[【]/g, "(")
    .replace(/[）〉》>\]】]/g, ")")
    .replace(/[，,]/g, ",")
    .replace(/[：:]/g, ":")
    .replace(/[、.．·]/g, ".");
}

/**
 * Levenshtein distance of `a` to `b`, or (with `prefixOfB`) to the closest prefix of `b`: a long
 * label wrapped over lines often reaches OCR without its end. Above `limit`, returns `limit + 1`.
 */
function editDistance(a: string, b: string, limit: number, prefixOfB = false): number {
  if (!prefixOfB && Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return prefixOfB ? Math.min(...previous) : previous[b.length]!;
}

/** Shorter OCR text is compared with a label's beginning only when it is long enough to be telling. */
const MIN_PREFIX_CHARS = 8;

const ENTRIES = TEMPLATE_LABELS.map((label) => ({ label, key: comparable(label) }));

/**
 * The template label an OCR'd cell stands for, or the text unchanged when none is close and unique.
 * Close: at most 30% of the longer string's characters differ; a cell much shorter than a label
 * (at least 8 characters) is compared with the label's beginning, since a wrapped label often
 * loses the end of its second line.
 */
export function correctLabel(text: string): string {
  const key = comparable(text);
  if (!/[\u3400-\u9fff]/.test(key)) return text;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const entry of ENTRIES) {
    if (entry.key === key) return entry.label;
    const limit = Math.max(1, Math.floor(Math.max(key.length, entry.key.length) * 0.3));
    const truncated = key.length >= MIN_PREFIX_CHARS && entry.key.length > key.length + limit;
    const d = editDistance(key, entry.key, limit, truncated);
    if (d > limit) continue;
    if (d < bestDistance) {
      best = entry.label;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) tie = true;
  }
  return best !== undefined && !tie ? best : text;
}

/**
 * The labels OCR post-correction (functions/documents/ocr/lexicon.ts) snaps a cell's text to:
 * every printed label of both editions, from the one template definition, plus the headings
 * the report prints around the tables that the template does not name. The readers are given
 * this list (`new TesseractOcrEngine({ labels: TEMPLATE_LABELS })`); they import nothing of
 * the domain.
 */
import { APPLICANT_COLUMNS, APPLICATION_ROWS, DISCLOSURE_ITEMS, REVIEW_COLUMNS, REVIEW_GROUPS } from "./template.ts";

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

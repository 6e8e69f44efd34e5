/**
 * OCR post-correction against the national template's printed labels: a table cell whose OCR text
 * is within a small edit distance of exactly one label is taken to be that label ("政府集中来购"
 * -> "政府集中采购"). Cells far from every label (figures, free text) are left as read.
 */
export const TEMPLATE_LABELS: readonly string[] = [
  // 二、主动公开政府信息情况
  "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "本年制发件数", "本年废止件数", "现行有效件数",
  "规章", "规范性文件", "行政规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费",
  "上一年项目数量", "本年增/减", "处理决定数量", "本年处理决定数量", "本年收费金额（单位：万元）", "政府集中采购", "采购项目数量",
  "采购总金额", "采购总金额（万元）", "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项",
  // 三、收到和处理政府信息公开申请情况
  "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
  "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "（一）予以公开",
  "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
  "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
  "8.属于行政查询事项", "（四）无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
  "（五）不予处理", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
  "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计", "四、结转下年度继续办理",
  "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
  // 四、政府信息公开行政复议、行政诉讼情况
  "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议直接起诉", "复议后起诉",
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

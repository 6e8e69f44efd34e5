/**
 * OCR post-correction against the national template's printed labels: a table cell whose OCR text
 * is within a small edit distance of exactly one label is taken to be that label ("政府集中来购"
 * -> "政府集中采购"). Cells far from every label (figures, free text) are left as read. The labels
 * are given (functions/report/ocr-labels.ts has the template's): the readers know no template.
 */
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

/**
 * A corrector over `labels`: the label an OCR'd cell stands for, or the text unchanged when none
 * is close and unique.
 * Close: at most 30% of the longer string's characters differ; a cell much shorter than a label
 * (at least 8 characters) is compared with the label's beginning, since a wrapped label often
 * loses the end of its second line.
 *
 * @example
 * const correctLabel = createLabelCorrector(TEMPLATE_LABELS);
 * correctLabel("政府集中来购"); // "政府集中采购"
 */
export function createLabelCorrector(labels: readonly string[]): (text: string) => string {
  const entries = labels.map((label) => ({ label, key: comparable(label) }));
  return function correctLabel(text: string): string {
    return closestLabel(entries, text);
  };
}

function closestLabel(entries: readonly { label: string; key: string }[], text: string): string {
  const key = comparable(text);
  if (!/[\u3400-\u9fff]/.test(key)) return text;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const entry of entries) {
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

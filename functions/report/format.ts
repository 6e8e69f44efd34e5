/**
 * A record as text: the three tables as the template prints them, with the cells that break an
 * identity marked, then the findings. Used by the CLI and the local stack's summary.
 */
import type { ReportRecord } from "./record.ts";
import {
  APPLICANT_COLUMNS,
  disclosureItemsOf,
  recordedApplicationRowsOf,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  SECTION_TITLES,
  SEVERITY,
  SEVERITY_LABELS,
} from "./template.ts";

export type FormatOptions = { color?: boolean };

/** Display width: CJK characters take two columns in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (text: string, n: number): string => text + " ".repeat(Math.max(0, n - width(text)));
const padStart = (text: string, n: number): string => " ".repeat(Math.max(0, n - width(text))) + text;

function grid(header: string[], rows: { label: string; cells: string[]; flagged: boolean[] }[], paint: (s: string) => string): string {
  const labelWidth = Math.max(width(header[0] ?? ""), ...rows.map((r) => width(r.label)));
  const colWidths = header.slice(1).map((h, i) => Math.max(width(h), ...rows.map((r) => width(r.cells[i] ?? "") + 1)));
  const line = (label: string, cells: string[], flagged: boolean[] = []): string =>
    [padEnd(label, labelWidth), ...cells.map((c, i) => {
      const text = padStart(flagged[i] ? `${c}!` : c, colWidths[i]!);
      return flagged[i] ? paint(text) : text;
    })].join("  ");
  return [line(header[0] ?? "", header.slice(1)), ...rows.map((r) => line(r.label, r.cells, r.flagged))].join("\n");
}

/** Formats a record for a terminal. Cells named by an error finding are marked with `!`. */
export function formatRecord(record: ReportRecord, options: FormatOptions = {}): string {
  const paint = options.color ? (s: string) => `\x1b[1;31m${s}\x1b[0m` : (s: string) => s;
  const flagged = new Set(record.findings.filter((f) => f.severity === SEVERITY.ERROR).flatMap((f) => f.cells));
  const out: string[] = [];
  out.push(`${record.agency ?? "（未识别机关）"}  ${record.year}年  模板 ${record.edition} 版  ${record.status}`);

  out.push("", SECTION_TITLES.activeDisclosure);
  for (const { item, rows, columns } of disclosureItemsOf(record.edition)) {
    const ad = record.activeDisclosure as Record<string, Record<string, number> | undefined>;
    const printed = rows.filter((r) => ad[r.key]);
    if (printed.length === 0) continue;
    out.push(
      grid(
        [`第二十条第${item.item}项`, ...columns.map((c) => c.label)],
        printed.map((r) => ({
          label: r.label,
          cells: columns.map((c) => String(ad[r.key]![c.key] ?? "")),
          flagged: columns.map((c) => flagged.has(`${r.key}.${c.key}`)),
        })),
        paint,
      ),
    );
  }

  out.push("", SECTION_TITLES.applications);
  const apps = record.applications as Record<string, Record<string, number> | undefined>;
  out.push(
    grid(
      ["", ...APPLICANT_COLUMNS.map((c) => c.label)],
      recordedApplicationRowsOf(record.edition)
        .filter((r) => apps[r.key])
        .map((r) => ({
          label: r.group && r.label.startsWith("1.") ? `${r.group} ${r.label}` : r.group ? `        ${r.label}` : r.label,
          cells: APPLICANT_COLUMNS.map((c) => String(apps[r.key]![c.key])),
          flagged: APPLICANT_COLUMNS.map((c) => flagged.has(`${r.key}.${c.key}`)),
        })),
      paint,
    ),
  );

  out.push("", SECTION_TITLES.reviewLitigation);
  const review = record.reviewLitigation as Record<string, Record<string, number> | undefined>;
  out.push(
    grid(
      ["", ...REVIEW_COLUMNS.map((c) => c.label)],
      REVIEW_GROUPS.filter((g) => review[g.key]).map((g) => ({
        label: g.label,
        cells: REVIEW_COLUMNS.map((c) => String(review[g.key]![c.key])),
        flagged: REVIEW_COLUMNS.map((c) => flagged.has(`${g.key}.${c.key}`)),
      })),
      paint,
    ),
  );

  out.push("", record.findings.length === 0 ? "发现：无" : "发现：");
  for (const f of record.findings) {
    const text = `  [${SEVERITY_LABELS[f.severity]}] ${f.message}`;
    out.push(f.severity === SEVERITY.ERROR ? paint(text) : text);
  }
  return out.join("\n");
}

/**
 * Every error finding of the seeds and of the real PDFs speaks the template's words: its message
 * and its short description (CLI tables, notifications) name the table, the row and the column
 * as the template prints them, with no internal key in sight.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../functions/documents/index.ts";
import { columnName, rowLabel, sectionOfCell } from "../../functions/report/cell-names.ts";
import { parseReport, parseReportText } from "../../functions/report/index.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { describeFinding } from "../../functions/shared/problems.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const REAL_DIR = fileURLToPath(new URL("../../../shared/corpus/real/", import.meta.url));
const REAL = ["p02", "p03", "p04"].filter((name) => existsSync(join(REAL_DIR, `${name}.pdf`)));
if (REAL.length < 3) console.warn(`finding-names: only ${REAL.length} of 3 real PDFs found in ${REAL_DIR}; the others are not checked`);

async function records(): Promise<[string, ReportRecord][]> {
  const out: [string, ReportRecord][] = SEEDS.map((name) => [name, parseReportText(readFileSync(join(SEEDS_DIR, `${name}.txt`), "utf8")).record]);
  for (const name of REAL) {
    const bytes = new Uint8Array(readFileSync(join(REAL_DIR, `${name}.pdf`)));
    out.push([name, parseReport(await extractDocument(bytes, { fileName: `${name}.pdf` })).record]);
  }
  return out;
}

describe("error findings in the template's words", () => {
  it("name table, row and column as printed, in message and description alike", async () => {
    const all = await records();
    const errors = all.flatMap(([name, record]) => record.findings.filter((f) => f.severity === "error").map((f) => ({ name, record, f })));
    expect(errors.length).toBeGreaterThan(0); // seeds 000 and 004 need review
    for (const { name, record, f } of errors) {
      for (const text of [f.message, describeFinding(f, record.edition)]) {
        expect(text, `${name} ${f.rule}`).toMatch(/^表[二三四]/);
        expect(text, `${name} ${f.rule}: no internal keys`).not.toMatch(/[A-Za-z]/);
        for (const cell of f.cells) {
          const section = sectionOfCell(cell);
          const row = cell.slice(0, cell.lastIndexOf("."));
          expect(text, `${name} ${cell}`).toContain(columnName(section, row, cell.slice(cell.lastIndexOf(".") + 1), record.edition));
          if (f.cells.length === 1) expect(text, `${name} ${cell}`).toContain(rowLabel(section, row));
        }
      }
    }
  });
});

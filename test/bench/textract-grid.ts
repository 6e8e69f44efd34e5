/**
 * What the parser makes of the real reports read as Amazon Textract reads them (every digit and
 * cell grid kept, the Chinese garbled: test/support/textract-like.ts), for the choice of the
 * cloud's OCR engine (README, "OCR in AWS"). An upper bound for Textract: it keeps every digit.
 *
 *   node bin/run-ts.mjs test/bench/textract-grid.ts
 */
import { readFileSync } from "node:fs";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import { textractLike } from "../support/textract-like.ts";
import { cellAccuracy, realExpected, REAL_DIR } from "../documents/helpers/scans.ts";

export async function benchTextractGrid(): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  for (const name of ["p02", "p03", "p04"]) {
    const doc = await extractDocument(new Uint8Array(readFileSync(`${REAL_DIR}${name}.pdf`)), { fileName: `${name}.pdf` });
    const { record } = parseReport(textractLike(doc, 7));
    const accuracy = cellAccuracy(realExpected(name), record as never);
    rows.push({ report: name, cells: `${accuracy.right}/${accuracy.total}`, agency: record.agency ?? "null", layout: Object.values(record.layout ?? {}).join(" ") });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchTextractGrid());

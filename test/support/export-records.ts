/**
 * What the export tests share (test/api/exports.test.ts, test/bin/commands/export.test.ts): the
 * seeds' expected records stored under two parser versions, a query that fails mid-way for one
 * of them (the fault the stack's export function is given), and a CSV export checked against them.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RecordQuery } from "../../functions/adapters/record-query.ts";
import type { RecordStore, StoredReport } from "../../functions/adapters/record-store.ts";
import { expect } from "vitest";
import { parseCsv } from "../../functions/api/csv.ts";
import { FIGURE_COLUMNS, readFigure } from "../../functions/api/figures.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

/** The query, except that a filter on `faultyVersion` yields one report and then throws `message`. */
export function failingOn(query: RecordQuery, faultyVersion: string, message: string): RecordQuery {
  return {
    ...query,
    async *each(filter, shape) {
      for await (const report of query.each(filter, shape)) {
        yield report;
        if (filter.parserVersion === faultyVersion) throw new Error(message);
      }
    },
  };
}

/** Each seed's expected record stored VALID under `version` and `faultyVersion`; the reports of `version` as stored. */
export async function storeSeedRecords(records: RecordStore, bucket: string, version: string, faultyVersion: string): Promise<StoredReport[]> {
  const stored: StoredReport[] = [];
  for (const [i, seed] of SEEDS.entries()) {
    const record = JSON.parse(await readFile(join(SEEDS_DIR, `${seed}.expected.json`), "utf8")) as ReportRecord;
    for (const parserVersion of [version, faultyVersion]) {
      const reportId = createHash("sha256").update(`${parserVersion}-${seed}`).digest("hex");
      await records.putParsed({ reportId, status: "VALID", parserVersion, record, source: { bucket, key: `incoming/${parserVersion}/${i}.txt` } });
      if (parserVersion === version) stored.push((await records.get(reportId))!);
    }
  }
  return stored;
}

/** One row per report of `stored`, every figure of every row equal to its record's. */
export function expectCsvFiguresOf(text: string, stored: readonly StoredReport[]): void {
  const [header, ...rows] = parseCsv(text);
  const col = new Map(header!.map((name, i) => [name, i]));
  expect(rows).toHaveLength(stored.length);
  for (const row of rows) {
    const report = stored.find((r) => r.reportId === row[col.get("id")!]);
    expect(report, "a row of a record of the filter").toBeDefined();
    for (const column of FIGURE_COLUMNS) {
      const figure = readFigure(report!.record, column);
      expect(row[col.get(column.name)!], column.name).toBe(figure === undefined ? "" : String(figure));
    }
  }
}

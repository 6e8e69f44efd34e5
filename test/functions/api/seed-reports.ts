/** The seeds' expected records as stored reports (what the table would hold). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StoredReport } from "../../../functions/adapters/record-store.ts";
import type { ReportRecord } from "../../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../../fixtures/seeds.ts";

export function loadSeedReports(): StoredReport[] {
  return SEEDS.map((seed, i) => {
    const record = JSON.parse(readFileSync(join(SEEDS_DIR, `${seed}.expected.json`), "utf8")) as ReportRecord;
    const hasError = record.findings.some((f) => f.severity === "error");
    return {
      reportId: String(i).repeat(64),
      status: hasError ? "NEEDS_REVIEW" : "VALID",
      parserVersion: "test",
      agency: record.agency!,
      year: record.year,
      edition: record.edition,
      record,
      sources: [{ bucket: "ingest", key: `seeds/${seed}.txt`, uri: `s3://ingest/seeds/${seed}.txt`, receivedAt: "2026-01-01T00:00:00Z" }],
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    };
  });
}

/** The API and export benches' records: copies of the seeds' expected records, written straight through the store. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RecordStore } from "../../functions/adapters/record-store.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

/** Records written at once. */
export const WRITERS = 8;

const BODIES = 5_000;

/** Writes records [from, to) through the store, `writers` at a time; mean ms per record. */
export async function writeBenchRecords(records: RecordStore, seeds: ReportRecord[], bucket: string, from: number, to: number, writers = WRITERS): Promise<number> {
  const start = performance.now();
  let next = from;
  const writer = async () => {
    for (let i = next++; i < to; i = next++) {
      const seed = seeds[i % seeds.length]!;
      const hasError = (seed.findings as { severity: string }[]).some((f) => f.severity === "error");
      await records.putParsed({
        reportId: i.toString(16).padStart(64, "0"),
        status: hasError ? "NEEDS_REVIEW" : "VALID",
        parserVersion: "bench",
        // One body's report for one year is one report however many files (record-store-sources.ts), so
        // every record is another body's or year's: 5,000 bodies × 4 years before any repeats.
        record: { ...seed, agency: `机关${i % BODIES}`, agencyId: `bench-${i % BODIES}`, year: 2019 + (Math.floor(i / BODIES) % 4) },
        source: { bucket, key: `incoming/bench/${i}.txt` },
      });
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  return (performance.now() - start) / (to - from);
}

/** The seeds' expected records, which the bench's records are copies of. */
export function readSeeds(): Promise<ReportRecord[]> {
  return Promise.all(SEEDS.map(async (s) => JSON.parse(await readFile(join(SEEDS_DIR, `${s}.expected.json`), "utf8")) as ReportRecord));
}


import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportText } from "../../functions/report/index.ts";
import { ReportRecord, ReportRecordSchema } from "../../functions/report/record.ts";
import { parseReportRecord } from "../../functions/report/record-parser.generated.ts";
import { GENERATED_FILE, recordParserModule } from "../../functions/report/record-parser-generate.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";

const INVALID = Symbol.for("zod.compile.invalid");
const seedRecords = SEEDS.map((name) => parseReportText(readFileSync(join(SEEDS_DIR, `${name}.txt`), "utf8")).record);

/** A seed's record with what only PDFs and scans carry: OCR pages and sizes, page boxes, confidences. */
function withOcr(record: ReportRecord): ReportRecord {
  const [key, source] = Object.entries(record.cellSources!)[0]!;
  return {
    ...record,
    cellSources: { ...record.cellSources, [key]: { ...source, via: "ocr", page: 2, box: [10, 20, 30, 40], confidence: 87.5, inferred: true } },
    ocr: { engine: "paddleocr", pages: [1, 2], confidence: 91.2, pageSizes: { "1": [595.3, 841.9], "2": [595.3, 841.9] } },
  };
}

describe("record-parser.generated.ts (the record's parser from zod's compiler)", () => {
  it("is what the generator writes from the current schema (regenerate: node bin/run-ts.mjs functions/report/record-parser-generate.ts)", () => {
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(recordParserModule());
  });

  it("parses every seed's record, and one with OCR places, to what zod's runtime parser gives, key order included", () => {
    const records = [...seedRecords, withOcr(seedRecords[0]!)];
    expect(new Set(records.map((r) => r.edition))).toEqual(new Set(["2019", "2021"]));
    for (const record of records) {
      const fast = parseReportRecord(structuredClone(record));
      expect(fast).not.toBe(INVALID);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(ReportRecordSchema.parse(structuredClone(record))));
    }
  });

  it("hands what it refuses to the runtime parser, which refuses it with zod's own issues", () => {
    const record = seedRecords[0]!;
    const bad = [
      { ...record, year: 1800 },
      { ...record, unknownKey: 1 },
      { ...record, status: "MAYBE" },
      { ...record, cellSources: { "x.y": { via: "ocr", page: 0 } } },
      { ...record, edition: "2020" },
    ];
    for (const input of bad) {
      expect(parseReportRecord(input)).toBe(INVALID);
      const fast = ReportRecord.safeParse(input);
      const runtime = ReportRecordSchema.safeParse(input);
      expect(fast.success).toBe(false);
      expect(fast.error?.issues).toEqual(runtime.error?.issues);
    }
  });
});

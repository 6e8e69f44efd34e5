/**
 * CrossYear against DynamoDB Local: records written through the record store, checked by
 * `checkStoredReport`, findings read back from both records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../../functions/adapters/clients.ts";
import { createDynamoCrossYearStore, type CrossYearStore } from "../../../../functions/adapters/cross-year-store.ts";
import { createDynamoRecordStore, type RecordStore } from "../../../../functions/adapters/record-store.ts";
import { checkStoredReport, runCrossYear } from "../../../../functions/steps/06-cross-year/cross-year.ts";
import { parseReportText } from "../../../../functions/report/index.ts";
import { createDynamoAgencyRegistry, type AgencyRegistry } from "../../../../functions/adapters/agency-registry.ts";
import { registryEntryOf, settleIdentity } from "../../../../functions/steps/05-store/identity.ts";
import { Config } from "../../../../functions/shared/config.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../../support/dynamodb-local.ts";
import type { Figures } from "../../../fixtures/render-text.ts";
import { breakCarryOver, consistentPair, reportText } from "../../../support/cross-year-pair.ts";

const TABLE = "records";
let dynamo: TestDynamoDb;
let records: RecordStore;
let crossYear: CrossYearStore;
let registry: AgencyRegistry;
let next = 1;
const newId = () => (next++).toString(16).padStart(64, "0");
const noPause = async () => undefined;

/** Stores a generated report as the Store step does: identity settled by the registry, then recorded in it. */
async function store(figures: Figures, id = newId(), parserVersion = "1.0.0"): Promise<string> {
  const parsed = parseReportText(reportText(figures));
  const record = await settleIdentity(parsed.record, registry);
  await records.putParsed({ reportId: id, status: parsed.status, parserVersion, record, source: { bucket: "b", key: `${id}.txt` } });
  const entry = registryEntryOf(id, record);
  if (entry) await registry.recordReport(entry);
  return id;
}

type Entry = { rule: string; cells: string[]; related: { reportId: string; year: number } };
async function entries(id: string): Promise<Record<string, Entry[]>> {
  return ((await records.get(id)) as unknown as { crossYear?: Record<string, Entry[]> }).crossYear ?? {};
}

beforeAll(async () => {
  dynamo = await startTestDynamoDb(TABLE, "nianbao-cy-");
  const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint }));
  records = createDynamoRecordStore(client, TABLE);
  crossYear = createDynamoCrossYearStore(client, TABLE);
  registry = createDynamoAgencyRegistry(client, TABLE);
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

describe("checkStoredReport", () => {
  it("writes an empty entry on both records when the carry-over matches", async () => {
    const [first, second] = consistentPair(1, "甲市教育局", 2020);
    const a = await store(first);
    const b = await store(second);

    const result = await checkStoredReport(crossYear, b, noPause);

    expect(result).toMatchObject({ neighbours: [a], findings: 0 });
    expect(await entries(a)).toEqual({ [b]: [] });
    expect(await entries(b)).toEqual({ [a]: [] });
  });

  it("writes one finding per broken column on both records, each naming the other", async () => {
    const [first, second] = consistentPair(2, "乙市教育局", 2020);
    const a = await store(first);
    const b = await store(breakCarryOver(second, ["naturalPerson", "total"], 3));

    const result = await checkStoredReport(crossYear, a, noPause);

    expect(result.findings).toBe(2);
    const onA = (await entries(a))[b]!;
    const onB = (await entries(b))[a]!;
    expect(onB.map((f) => f.cells[0]).sort()).toEqual(["carriedOver.naturalPerson", "carriedOver.total"]);
    expect(onA).toHaveLength(2);
    expect(onA.every((f) => f.rule === "crossYear.carryOver" && f.related.reportId === b && f.related.year === 2021)).toBe(true);
    expect(onB.every((f) => f.related.reportId === a && f.related.year === 2020)).toBe(true);
  });

  it("finds the neighbour when one year names the agency with its city and the other without", async () => {
    const [first, second] = consistentPair(3, "杭州市西湖区卫生健康局", 2020);
    const a = await store(first);
    const b = await store(breakCarryOver({ ...second, agency: "西湖区卫生健康局" }, ["total", "naturalPerson"], 1));

    const result = await checkStoredReport(crossYear, b, noPause);

    expect(result.neighbours).toEqual([a]);
    expect((await entries(a))[b]).toHaveLength(2);
  });

  it("checks the years on both sides and skips a record of the same year", async () => {
    const [y1, y2] = consistentPair(4, "丙县财政局", 2019);
    const [, y3] = consistentPair(5, "丙县财政局", 2020);
    const a = await store(y1);
    const b = await store(y2);
    const c = await store(y3);
    const twin = await store(y2); // the same year again (another file of the same report)

    const result = await checkStoredReport(crossYear, b, noPause);

    expect([...result.neighbours].sort()).toEqual([a, c].sort());
    expect(Object.keys(await entries(b)).sort()).toEqual([a, c].sort());
    expect(Object.keys(await entries(a))).toEqual([b]);
    expect(result.neighbours).not.toContain(twin);
  });

  it("recomputes from the new body when a record is replaced while it is checked", async () => {
    const [first, second] = consistentPair(6, "丁市民政局", 2020);
    const a = await store(first);
    const b = await store(breakCarryOver(second, ["total", "naturalPerson"], 2));
    // A reprocess replaces b with a consistent body between the read and the write.
    let replaced = false;
    const racing: CrossYearStore = {
      ...crossYear,
      async writePair(x, y) {
        if (!replaced) {
          replaced = true;
          await store(second, b, "2.0.0");
        }
        return crossYear.writePair(x, y);
      },
    };

    const result = await checkStoredReport(racing, a, noPause);

    expect(replaced).toBe(true);
    expect(result.findings).toBe(0);
    expect(await entries(a)).toEqual({ [b]: [] });
    expect(await entries(b)).toEqual({ [a]: [] });
  });

  it("removes the entries of a pair that are no longer neighbours", async () => {
    const [first, second] = consistentPair(7, "戊市审计局", 2020);
    const a = await store(first);
    const b = await store(breakCarryOver(second, ["total", "naturalPerson"], 1));
    await checkStoredReport(crossYear, b, noPause);
    expect(Object.keys(await entries(a))).toEqual([b]);

    // A newer parser reads b's year as 2023: no longer next to a.
    await store({ ...second, year: 2023 }, b, "2.0.0");
    const result = await checkStoredReport(crossYear, b, noPause);

    expect(result.neighbours).toEqual([]);
    expect(await entries(a)).toEqual({});
    expect(await entries(b)).toEqual({});
    expect((await records.get(b))?.textReuse).toBeUndefined();
  });

  it("writes the later year's text reuse against the earlier on the later record only", async () => {
    const [first, second] = consistentPair(11, "己市统计局", 2020);
    const a = await store(first);
    const b = await store(second);
    // The earlier year checked after both are stored: the later record still gets the measure.
    await checkStoredReport(crossYear, a, noPause);
    const later = await records.get(b);
    expect(later?.textReuse).toMatchObject({ previousReportId: a, previousYear: 2020 });
    expect(later!.textReuse!.overall).toBeGreaterThanOrEqual(0);
    expect(later!.textReuse!.overall).toBeLessThanOrEqual(1);
    // The generated reports print the same sections 五 and 六: all of it is last year's.
    expect(later!.textReuse!.sections.problems).toMatchObject({ share: 1 });
    expect((await records.get(a))?.textReuse).toBeUndefined();
  });

  it("skips a report with no record", async () => {
    expect(await checkStoredReport(crossYear, newId(), noPause)).toMatchObject({ neighbours: [], findings: 0, skipped: "no record" });
  });
});

describe("runCrossYear", () => {
  it("checks the stored report through the store it is given", async () => {
    // Prepare: a store with no such record (an in-memory fake, no table)
    const asked: string[] = [];
    const fake: CrossYearStore = {
      getReport: async (id) => void asked.push(id),
      listByAgencyYears: async () => [],
      writePair: async () => true,
      removeEntry: async () => undefined,
    };
    const reportId = "e".repeat(64);

    // Act
    const result = await runCrossYear(
      { bucket: "b", key: "k", stored: { reportId, status: "VALID", written: true, sourceAdded: true } },
      { crossYear: fake },
    );

    // Assess
    expect(result).toEqual({ reportId, neighbours: [], findings: 0, skipped: "no record" });
    expect(asked).toEqual([reportId]);
  });
});

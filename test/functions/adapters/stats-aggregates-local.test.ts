/**
 * The aggregates of `/stats` against DynamoDB Local: after any sequence of writes, replacements
 * by newer parser versions, failures, duplicate deliveries and concurrent Stores of the same
 * bytes, the aggregates equal a full recomputation from the records, and `/stats` read from
 * them equals today's computation (summariseReports over the records read) for every filter.
 * Then a deliberately drifted table: the rebuild reports the drift and repairs it.
 */
import fc from "fast-check";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoRecordQuery, READ_SHAPE, type ReportFilter } from "../../../functions/adapters/record-query.ts";
import { createDynamoRecordStore, type RecordStore } from "../../../functions/adapters/record-store.ts";
import { AGGREGATE_SHARDS, createDynamoStatsAggregates, scopePk, shardOf, shardSk, yearSk } from "../../../functions/adapters/stats-aggregates.ts";
import { rebuildStatsAggregates } from "../../../functions/adapters/stats-rebuild.ts";
import { summariseReports } from "../../../functions/api/stats.ts";
import type { StoredReport } from "../../../functions/adapters/record-store.ts";
import { ensureRecordsTable } from "../../../local/dynamodb.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../support/dynamodb-local.ts";
import { partialRecord } from "../../support/fakes.ts";
import { agencyKeyOf } from "../../../functions/report/cross-year.ts";

let dynamo: TestDynamoDb;
let tables = 0;

beforeAll(async () => {
  dynamo = await startTestDynamoDb("records-0", "nianbao-ddb-agg-");
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

async function freshTable(): Promise<string> {
  const name = `records-${++tables}`;
  await ensureRecordsTable(dynamo.endpoint, name);
  return name;
}

const id = (n: number) => n.toString(16).padStart(64, "0");
const VERSIONS = ["1.0.0", "1.1.0", "1.2.0"];
const REGIONS = [
  null,
  { code: "330106", province: "浙江省", city: "杭州市", county: "西湖区" },
  { code: "110105", province: "北京市", city: null, county: "朝阳区" },
  { code: "330100", province: "浙江省", city: "杭州市", county: null },
];
const AGENCIES = ["西湖区教育局", "朝阳区人民政府", "杭州市财政局"];

const cell = fc.integer({ min: 0, max: 50 });
const parsedRecord = fc.record({
  agency: fc.constantFrom(...AGENCIES, null),
  year: fc.constantFrom(2019, 2020, 2021, null),
  edition: fc.constantFrom("2019", "2021"),
  region: fc.constantFrom(...REGIONS),
  error: fc.boolean(),
  granted: fc.record({ naturalPerson: cell, total: cell }),
  denied: fc.record({ total: cell }),
  notHeld: fc.record({ total: cell, otherOrganization: cell }),
  review: fc.record({ upheld: cell, total: cell }),
});

const write = fc.oneof(
  fc.record({
    kind: fc.constant("parsed" as const),
    report: fc.integer({ min: 0, max: 5 }),
    version: fc.constantFrom(...VERSIONS),
    review: fc.boolean(),
    record: parsedRecord,
  }),
  fc.record({ kind: fc.constant("failure" as const), report: fc.integer({ min: 0, max: 5 }), version: fc.constantFrom(...VERSIONS) }),
);
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

/** A step: one write delivered once, twice (a duplicate delivery), or several Stores at once. */
const step = fc.oneof(
  write.map((w) => [w]),
  write.map((w) => [w, w]),
  fc.array(write, { minLength: 2, maxLength: 4 }),
);

function send(store: RecordStore, w: Write, n: number) {
  const source = { bucket: "ingest", key: `incoming/${w.report}-${n}.txt` };
  if (w.kind === "failure") {
    return store.putFailure({ reportId: id(w.report), parserVersion: w.version, failure: { error: "TransientError", cause: "busy" }, source });
  }
  const r = w.record;
  const record = partialRecord({
    agency: r.agency,
    // The body's id as Store keys it, so reports of one body, year and edition are one report's files.
    agencyId: r.agency ? agencyKeyOf(r.agency) : null,
    year: r.year,
    edition: r.edition,
    region: r.region,
    findings: r.error ? [{ rule: "identity", severity: "error", message: "不符", cells: [], expected: 1, actual: 2 }] : [],
    applications: { granted: r.granted, "denied.stateSecret": r.denied, "unavailable.notHeld": r.notHeld },
    reviewLitigation: { review: r.review },
  });
  return store.putParsed({ reportId: id(w.report), status: w.review ? "NEEDS_REVIEW" : "VALID", parserVersion: w.version, record, source });
}

const FILTERS: ReportFilter[] = [
  {},
  { year: 2020 },
  { status: "VALID" },
  { status: "FAILED" },
  { edition: "2021" },
  { edition: "2019", status: "NEEDS_REVIEW", year: 2019 },
  { agency: "西湖区教育局" },
  { agency: "朝阳区人民政府", year: 2021 },
];

async function readAll(table: string, filter: ReportFilter): Promise<StoredReport[]> {
  const reports: StoredReport[] = [];
  for await (const report of createDynamoRecordQuery(dynamo.client, table).each(filter, READ_SHAPE.FIGURES)) reports.push(report);
  return reports;
}

describe("stats aggregates on DynamoDB Local", () => {
  it("equal a full recomputation and today's /stats after random writes, replacements, failures, duplicates and races", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const table = await freshTable();
        const store = createDynamoRecordStore(dynamo.client, table);
        let n = 0;
        for (const writes of steps) await Promise.all(writes.map((w) => send(store, w, n++)));

        const rebuild = await rebuildStatsAggregates(dynamo.client, table, { repair: false });
        expect(rebuild.drift).toEqual([]);
        const aggregates = createDynamoStatsAggregates(dynamo.client, table);
        for (const filter of FILTERS) {
          const answer = await aggregates.stats(filter);
          expect("stats" in answer, JSON.stringify(filter)).toBe(true);
          if ("stats" in answer) expect(answer.stats, JSON.stringify(filter)).toEqual(summariseReports(await readAll(table, filter)));
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
  }, 240_000);

  it("says which filters no aggregate covers", async () => {
    const aggregates = createDynamoStatsAggregates(dynamo.client, "records-0");
    expect(await aggregates.stats({ parserVersion: "1.0.0" })).toEqual({ uncovered: "parserVersion" });
    expect(await aggregates.stats({ agency: "西湖区教育局", status: "VALID" })).toEqual({ uncovered: "agency with status or edition" });
  });

  it("spread one year's reports over the shards of their scope, and /stats sums the shards and an unsharded item alike", async () => {
    const table = await freshTable();
    const store = createDynamoRecordStore(dynamo.client, table);
    const reports = 24;
    const one = (report: number): Write => ({
      kind: "parsed", report: 100 + report, version: "1.0.0", review: false,
      record: { agency: null, year: 2021, edition: "2021", region: REGIONS[1]!, error: false, granted: { naturalPerson: 1, total: 2 }, denied: { total: 0 }, notHeld: { total: 0, otherOrganization: 0 }, review: { upheld: 0, total: 0 } },
    });
    await Promise.all(Array.from({ length: reports }, (_, i) => send(store, one(i), i)));
    const items = await dynamo.client.send(new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": scopePk("2021", "VALID") } }));
    const shards = (items.Items ?? []).map((item) => String(item.sk));
    expect(new Set(shards).size).toBeGreaterThanOrEqual(AGGREGATE_SHARDS / 2);
    for (const sk of shards) expect(sk).toMatch(new RegExp(`^${yearSk(2021)}#[0-${AGGREGATE_SHARDS - 1}]$`));
    const aggregates = createDynamoStatsAggregates(dynamo.client, table);
    for (const filter of [{ year: 2021 }, {}, { status: "VALID" }] as ReportFilter[]) {
      const answer = await aggregates.stats(filter);
      expect("stats" in answer && answer.stats.reportCount, JSON.stringify(filter)).toBe(reports);
      expect("stats" in answer && answer.stats).toEqual(summariseReports(await readAll(table, filter)));
    }
    // An item of the year as written before the shards (one whole item) is summed with them.
    await dynamo.client.send(new PutCommand({ TableName: table, Item: { pk: scopePk("2021", "VALID"), sk: yearSk(2021), writes: 1, reports: 5 } }));
    const withOld = await aggregates.stats({ year: 2021 });
    expect("stats" in withOld && withOld.stats.reportCount).toBe(reports + 5);
  }, 60_000);

  it("rebuild reports a drifted table's drift and repairs it", async () => {
    const table = await freshTable();
    const store = createDynamoRecordStore(dynamo.client, table);
    const sample = fc.sample(fc.array(write, { minLength: 20, maxLength: 20 }), { numRuns: 1, seed: 17 })[0]!;
    for (const [i, w] of sample.entries()) await send(store, w, i);
    // Two records whose items are known: 2019 edition VALID of 2020, 2021 edition NEEDS_REVIEW of 2021.
    const known = (report: number, edition: "2019" | "2021", year: 2020 | 2021, review: boolean): Write => ({
      kind: "parsed", report, version: "9.0.0", review,
      record: { agency: null, year, edition, region: null, error: false, granted: { naturalPerson: 1, total: 1 }, denied: { total: 0 }, notHeld: { total: 0, otherOrganization: 0 }, review: { upheld: 0, total: 0 } },
    });
    await send(store, known(50, "2019", 2020, false), 50);
    await send(store, known(51, "2021", 2021, true), 51);
    // The items they count in: their shard of their scope's year.
    const sk50 = shardSk(2020, shardOf({ reportId: id(50) }));
    const sk51 = shardSk(2021, shardOf({ reportId: id(51) }));
    const counted = await dynamo.client.send(new GetCommand({ TableName: table, Key: { pk: scopePk("2019", "VALID"), sk: sk50 } }));
    const reports = counted.Item?.reports as number;

    // Drift: a counter off by 7, a phantom item, an item lost, and a record written before the aggregates.
    await dynamo.client.send(
      new UpdateCommand({ TableName: table, Key: { pk: scopePk("2019", "VALID"), sk: sk50 }, UpdateExpression: "ADD #c :d", ExpressionAttributeNames: { "#c": "reports" }, ExpressionAttributeValues: { ":d": 7 } }),
    );
    await dynamo.client.send(new PutCommand({ TableName: table, Item: { pk: scopePk("2021", "FAILED"), sk: yearSk(1999), writes: 1, reports: 3 } }));
    await dynamo.client.send(new DeleteCommand({ TableName: table, Key: { pk: scopePk("2021", "NEEDS_REVIEW"), sk: sk51 } }));
    await dynamo.client.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `REPORT#${id(99)}`, sk: "RECORD", reportId: id(99), status: "FAILED", parserVersion: "0.9.0", updatedAt: "2020-01-01T00:00:00.000Z", createdAt: "2020-01-01T00:00:00.000Z", sources: [] },
      }),
    );

    const dry = await rebuildStatsAggregates(dynamo.client, table, { repair: false });
    expect(dry.drift).toContainEqual({ pk: scopePk("2019", "VALID"), sk: sk50, counter: "reports", stored: reports + 7, expected: reports });
    expect(dry.drift).toContainEqual({ pk: scopePk("2021", "FAILED"), sk: yearSk(1999), counter: "reports", stored: 3, expected: 0 });
    expect(dry.drift.some((d) => d.pk === scopePk("2021", "NEEDS_REVIEW") && d.sk === sk51 && d.counter === "reports" && d.stored === 0 && d.expected > 0)).toBe(true);
    expect(dry.drift.some((d) => d.pk === scopePk(undefined, "FAILED") && d.sk === shardSk(undefined, shardOf({ reportId: id(99) })) && d.counter === "reports" && d.expected === d.stored + 1)).toBe(true);
    expect(dry.repaired).toBe(0);

    const repair = await rebuildStatsAggregates(dynamo.client, table, { repair: true });
    expect(repair.drift).toEqual(dry.drift);
    expect(repair.repaired).toBeGreaterThanOrEqual(3);
    expect(repair.recordsMarked).toBe(1);
    const after = await rebuildStatsAggregates(dynamo.client, table, { repair: false });
    expect(after.drift).toEqual([]);
    for (const filter of FILTERS) {
      const answer = await createDynamoStatsAggregates(dynamo.client, table).stats(filter);
      expect("stats" in answer && answer.stats).toEqual(summariseReports(await readAll(table, filter)));
    }
    // The record stored before the aggregates is marked counted and has the counts a listing reads.
    const legacy = await dynamo.client.send(new GetCommand({ TableName: table, Key: { pk: `REPORT#${id(99)}`, sk: "RECORD" } }));
    expect(legacy.Item).toMatchObject({ revision: 0, errorCount: 0, sourceCount: 0 });
    // The marked record is counted now: replacing it subtracts what the rebuild added.
    await store.putFailure({ reportId: id(99), parserVersion: "1.0.0", failure: { error: "E", cause: "again" }, source: { bucket: "ingest", key: "incoming/99.txt" } });
    expect((await rebuildStatsAggregates(dynamo.client, table, { repair: false })).drift).toEqual([]);
  }, 120_000);
});

/**
 * The progress store against DynamoDB Local, in the same table as the records: marks in
 * workflow order, a TTL a day ahead, expiry honoured on read, and no progress item in any index.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../functions/adapters/clients.ts";
import { createDynamoProgressStore, PROGRESS_TTL_SECONDS, type ProgressStore } from "../../../functions/adapters/progress-store.ts";
import { createDynamoRecordStore } from "../../../functions/adapters/record-store.ts";
import { Config } from "../../../functions/shared/config.ts";
import { ALL_TABLE_INDEXES, KEY_PREFIXES, TIME_TO_LIVE_ATTRIBUTE, toProgressPk } from "../../../functions/shared/table-schema.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../support/dynamodb-local.ts";
import { partialRecord } from "../../support/fakes.ts";

const TABLE = "records";
let dynamo: TestDynamoDb;
let client: ReturnType<typeof createDocumentClient>;
let progress: ProgressStore;

const id = (n: number) => n.toString(16).padStart(64, "0");

beforeAll(async () => {
  dynamo = await startTestDynamoDb(TABLE, "nianbao-ddb-");
  client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint }));
  progress = createDynamoProgressStore(client, TABLE);
});

afterAll(async () => {
  await dynamo?.stop();
});

describe("progress store on DynamoDB Local", () => {
  it("lists the steps marked in workflow order, whatever order the marks land in", async () => {
    // Prepare: concurrent marks, out of order (each sets only its own attribute).
    await Promise.all([progress.mark(id(1), "Store"), progress.mark(id(1), "Extract"), progress.mark(id(1), "Parse")]);

    // Act
    const read = await progress.get(id(1));

    // Assess
    expect(read?.reportId).toBe(id(1));
    expect(read?.steps.map((s) => s.step)).toEqual(["Extract", "Parse", "Store"]);
    for (const mark of read?.steps ?? []) expect(Date.parse(mark.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("answers undefined for a report never marked", async () => {
    expect(await progress.get(id(2))).toBeUndefined();
  });

  it("moves a step's time on when it runs again (a retry)", async () => {
    let clock = new Date("2026-01-01T00:00:00Z");
    const store = createDynamoProgressStore(client, TABLE, () => clock);
    await store.mark(id(3), "Ocr");
    clock = new Date("2026-01-01T00:00:09Z");
    await store.mark(id(3), "Ocr");
    expect((await store.get(id(3)))?.steps).toEqual([{ step: "Ocr", at: "2026-01-01T00:00:09.000Z" }]);
  });

  it("sets a TTL a day ahead and treats an expired item as gone before TTL deletes it", async () => {
    let clock = new Date("2026-01-01T00:00:00Z");
    const store = createDynamoProgressStore(client, TABLE, () => clock);
    await store.mark(id(4), "Extract");
    const scan = await client.send(new ScanCommand({ TableName: TABLE }));
    const item = scan.Items?.find((i) => i.pk === toProgressPk(id(4)));
    expect(item?.sk).toBe(KEY_PREFIXES.PROGRESS_SK);
    expect(item?.[TIME_TO_LIVE_ATTRIBUTE]).toBe(Date.parse("2026-01-01T00:00:00Z") / 1000 + PROGRESS_TTL_SECONDS);
    clock = new Date(clock.getTime() + (PROGRESS_TTL_SECONDS - 1) * 1000);
    expect(await store.get(id(4))).toBeDefined();
    clock = new Date(clock.getTime() + 2000);
    expect(await store.get(id(4))).toBeUndefined();
  });

  it("never puts a progress item in an index of records", async () => {
    // Prepare: a record beside progress items, so every index holds something.
    const records = createDynamoRecordStore(client, TABLE);
    await records.putParsed({
      reportId: id(1),
      status: "VALID",
      parserVersion: "1",
      record: partialRecord({ agency: "瑶海区人民政府", year: 2019, edition: "2019", findings: [] }),
      source: { bucket: "b", key: "k.txt" },
    });
    await progress.mark(id(1), "RecordFailure");

    // Act + Assess (a Scan of each index here only to look: the handlers never Scan)
    for (const index of ALL_TABLE_INDEXES) {
      const out = await client.send(new ScanCommand({ TableName: TABLE, IndexName: index.indexName }));
      const pks = (out.Items ?? []).map((i) => String(i.pk));
      expect(pks.length, index.indexName).toBeGreaterThan(0);
      expect(pks.filter((pk) => pk.startsWith(KEY_PREFIXES.PROGRESS)), index.indexName).toEqual([]);
    }
  });
});

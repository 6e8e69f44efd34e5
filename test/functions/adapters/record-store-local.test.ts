/**
 * The record store against DynamoDB Local: concurrent writers for the same bytes, the way
 * duplicate events and racing executions meet in the table.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../functions/adapters/clients.ts";
import { createDynamoRecordStore, type RecordStore } from "../../../functions/adapters/record-store.ts";
import { Config } from "../../../functions/shared/config.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../support/dynamodb-local.ts";
import { partialRecord } from "../../support/fakes.ts";

const TABLE = "records";
let dynamo: TestDynamoDb;
let store: RecordStore;

const id = (n: number) => n.toString(16).padStart(64, "0");
const record = partialRecord({ agency: "瑶海区人民政府", year: 2019, edition: "2019", findings: [] });

beforeAll(async () => {
  dynamo = await startTestDynamoDb(TABLE, "nianbao-ddb-");
  store = createDynamoRecordStore(createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint })), TABLE);
});

afterAll(async () => {
  await dynamo?.stop();
});

describe("record store on DynamoDB Local", () => {
  it("keeps one record listing each key once when twenty writers race, each key twice", async () => {
    // Prepare
    const keys = Array.from({ length: 10 }, (_, i) => `drop/${i}.txt`);

    // Act
    const outcomes = await Promise.all(
      [...keys, ...keys].map((key) =>
        store.putParsed({ reportId: id(1), status: "NEEDS_REVIEW", parserVersion: "1", record, source: { bucket: "b", key } }),
      ),
    );

    // Assess
    const stored = await store.get(id(1));
    expect(stored?.sources.map((s) => s.key).sort()).toEqual([...keys].sort());
    expect(outcomes.filter((o) => o.sourceAdded)).toHaveLength(10);
    expect(outcomes.every((o) => o.status === "NEEDS_REVIEW")).toBe(true);
    expect(stored).toMatchObject({ status: "NEEDS_REVIEW", agency: "瑶海区人民政府", year: 2019, record });
  });

  it("ends with the parsed record whichever of a failure and a success writes first", async () => {
    for (const [n, order] of [
      [2, ["fail", "parse"]],
      [3, ["parse", "fail"]],
    ] as const) {
      for (const step of order) {
        if (step === "fail") {
          await store.putFailure({
            reportId: id(n),
            parserVersion: "1",
            failure: { error: "TransientError", cause: "busy" },
            source: { bucket: "b", key: "first.txt" },
          });
        } else {
          await store.putParsed({ reportId: id(n), status: "VALID", parserVersion: "1", record, source: { bucket: "b", key: "second.txt" } });
        }
      }
      const stored = await store.get(id(n));
      expect(stored?.status, order.join(" then ")).toBe("VALID");
      expect(stored?.failure, order.join(" then ")).toBeUndefined();
      expect(stored?.sources.map((s) => s.key).sort()).toEqual(["first.txt", "second.txt"]);
    }
  });

  it("finds records by status, by agency and year, and by parser version without a Scan", async () => {
    await store.putParsed({
      reportId: id(4),
      status: "VALID",
      parserVersion: "0.9",
      record: partialRecord({ agency: "西湖区教育局", year: 2020, edition: "2019", findings: [] }),
      source: { bucket: "b", key: "old.txt" },
    });
    expect((await store.list({ agency: "西湖区教育局", year: 2020 })).map((r) => r.reportId)).toEqual([id(4)]);
    expect((await store.list({ agency: "西湖区教育局", year: 2019 })).map((r) => r.reportId)).toEqual([]);
    expect((await store.list({ parserVersion: "0.9" })).map((r) => r.reportId)).toEqual([id(4)]);
    expect((await store.list({ status: "NEEDS_REVIEW" })).map((r) => r.reportId)).toEqual([id(1)]);
    expect((await store.list()).map((r) => r.reportId).sort()).toEqual([id(1), id(2), id(3), id(4)]);
  });
});

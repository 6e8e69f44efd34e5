/**
 * Parser versions on DynamoDB Local: a result replaces a record only when a newer parser
 * made it, and whatever it replaces is kept as history under the same pk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../functions/adapters/clients.ts";
import { createDynamoRecordStore, type RecordStore } from "../../../functions/adapters/record-store.ts";
import { Config } from "../../../functions/shared/config.ts";
import { compareVersions, toVersionOrder } from "../../../functions/shared/parser-version.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../support/dynamodb-local.ts";
import { partialRecord } from "../../support/fakes.ts";

const TABLE = "records";
let dynamo: TestDynamoDb;
let store: RecordStore;

const id = (n: number) => n.toString(16).padStart(64, "0");
const source = { bucket: "b", key: "r.txt" };
const record = (agency: string) => partialRecord({ agency, year: 2021, edition: "2021", findings: [] });

beforeAll(async () => {
  dynamo = await startTestDynamoDb(TABLE, "nianbao-ddb-versions-");
  store = createDynamoRecordStore(createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint })), TABLE);
});

afterAll(async () => {
  await dynamo?.stop();
});

describe("parser versions", () => {
  it("orders versions numerically, not as text", () => {
    expect(compareVersions("1.10.0", "1.9.3")).toBeGreaterThan(0);
    expect(compareVersions("1.0.0", "1.0.0")).toBe(0);
    expect(compareVersions("0.9", "1.0.0")).toBeLessThan(0);
    expect(toVersionOrder("2.0.1") > toVersionOrder("2.0.0")).toBe(true);
  });

  it("replaces a record with a newer version's result and keeps the old one as history", async () => {
    // Prepare
    await store.putParsed({ reportId: id(1), status: "NEEDS_REVIEW", parserVersion: "1.9.0", record: record("甲"), source });

    // Act
    const newer = await store.putParsed({ reportId: id(1), status: "VALID", parserVersion: "1.10.0", record: record("乙"), source });

    // Assess
    expect(newer.written).toBe(true);
    const report = await store.get(id(1));
    expect(report).toMatchObject({ status: "VALID", parserVersion: "1.10.0", agency: "乙" });
    const history = await store.history!(id(1));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ status: "NEEDS_REVIEW", parserVersion: "1.9.0", agency: "甲" });
    expect(history[0]?.record?.agency).toBe("甲");
  });

  it("keeps a record when an older or the same version's result arrives", async () => {
    // Prepare
    await store.putParsed({ reportId: id(2), status: "VALID", parserVersion: "2.0.0", record: record("新"), source });

    // Act
    const older = await store.putParsed({ reportId: id(2), status: "NEEDS_REVIEW", parserVersion: "1.99.0", record: record("旧"), source });
    const same = await store.putParsed({ reportId: id(2), status: "NEEDS_REVIEW", parserVersion: "2.0.0", record: record("同"), source });

    // Assess
    expect(older).toMatchObject({ written: false, status: "VALID" });
    expect(same).toMatchObject({ written: false, status: "VALID" });
    expect(await store.get(id(2))).toMatchObject({ agency: "新", parserVersion: "2.0.0" });
    expect(await store.history!(id(2))).toEqual([]);
  });

  it("replaces a failure of the same version and keeps the failure as history, out of every listing", async () => {
    // Prepare
    await store.putFailure({ reportId: id(3), parserVersion: "2.0.0", failure: { error: "TransientError", cause: "busy" }, source });

    // Act
    await store.putParsed({ reportId: id(3), status: "VALID", parserVersion: "2.0.0", record: record("丙"), source });

    // Assess
    const history = await store.history!(id(3));
    expect(history.map((h) => [h.status, h.failure?.cause])).toEqual([["FAILED", "busy"]]);
    const listed = (await store.list({ limit: 100 })).filter((r) => r.reportId === id(3));
    expect(listed).toHaveLength(1);
    expect(listed[0]?.status).toBe("VALID");
  });
});

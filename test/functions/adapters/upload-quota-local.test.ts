/** Uploads per caller and hour on DynamoDB Local: the limit holds under concurrent requests. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../functions/adapters/clients.ts";
import { createDynamoUploadQuota, hourOf } from "../../../functions/adapters/upload-quota.ts";
import { Config } from "../../../functions/shared/config.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../../support/dynamodb-local.ts";

const TABLE = "records";
let dynamo: TestDynamoDb;
let clock = new Date("2026-12-01T10:15:00Z");

beforeAll(async () => {
  dynamo = await startTestDynamoDb(TABLE, "nianbao-quota-");
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

describe("upload quota", () => {
  it("lets a caller start `limit` uploads an hour, even when they race, then refuses until the next hour", async () => {
    const quota = createDynamoUploadQuota(createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint })), TABLE, () => clock);
    const results = await Promise.all(Array.from({ length: 12 }, () => quota.take("user-a", 5)));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await quota.take("user-a", 5)).toBe(false);
    expect(await quota.take("user-b", 5)).toBe(true);
    clock = new Date("2026-12-01T11:00:01Z");
    expect(hourOf(clock)).toBe("2026-12-01T11");
    expect(await quota.take("user-a", 5)).toBe(true);
  });
});

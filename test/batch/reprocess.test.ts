/**
 * The reprocess workflow on the local stack, through `nianbao reprocess`: records made
 * by an older parser version are re-read and replaced (their old results kept as
 * history); records of the current version are selected but left as they are.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { createDynamoRecordStore, type RecordStore } from "../../functions/adapters/record-store.ts";
import { Config } from "../../functions/shared/config.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { toVersionOrder } from "../../functions/shared/parser-version.ts";
import { PARSER_VERSION } from "../../functions/report/index.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { reprocessCli } from "../support/reprocess-cli.ts";

let local: TestStack;
let store: RecordStore;
const ids = new Map<string, string>();
const OLD_VERSION = "0.9.0";

const reprocess = (...args: string[]) => reprocessCli(local.stack.apiUrl, ...args);

/** Makes a record look as if an older parser had made it (another agency, the old version). */
async function age(reportId: string) {
  const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
  await client.send(
    new UpdateCommand({
      TableName: LOCAL_NAMES.TABLE,
      Key: { pk: `REPORT#${reportId}`, sk: "RECORD" },
      UpdateExpression: "SET parserVersion = :v, parserVersionOrder = :o, #record.agency = :a, updatedAt = :t",
      ExpressionAttributeNames: { "#record": "record" },
      ExpressionAttributeValues: { ":v": OLD_VERSION, ":o": toVersionOrder(OLD_VERSION), ":a": "旧解析器", ":t": "2020-01-01T00:00:00.000Z" },
    }),
  );
}

beforeAll(async () => {
  local = await startTestStack("nianbao-reprocess-");
  for (const seed of SEEDS) {
    const bytes = new Uint8Array(await readFile(join(SEEDS_DIR, `${seed}.txt`)));
    ids.set(seed, hashBytes(bytes));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/seeds/${seed}.txt`, Body: bytes }));
  }
  await local.stack.idle();
  store = createDynamoRecordStore(
    createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint })),
    LOCAL_NAMES.TABLE,
  );
}, 120_000);

afterAll(async () => {
  await local?.stop();
});

describe("nianbao reprocess", () => {
  it("selects the NEEDS_REVIEW records and leaves records of the current version unchanged", async () => {
    // Prepare
    const before = await store.list({ status: "NEEDS_REVIEW" });

    // Act
    const { code, summary, stderr } = await reprocess("--status", "NEEDS_REVIEW");

    // Assess
    expect(code).toBe(0);
    expect(before).toHaveLength(2);
    expect(summary).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    expect(stderr).toContain("2/2");
    for (const report of before) {
      const after = await store.get(report.reportId);
      expect(after?.updatedAt).toBe(report.updatedAt);
      expect(await store.history!(report.reportId)).toEqual([]);
    }
  });

  it("replaces the records an older parser made and keeps their old results as history", async () => {
    // Prepare: two records look as if parser 0.9.0 had made them
    const aged = [SEEDS[1]!, SEEDS[4]!].map((seed) => ids.get(seed)!);
    for (const id of aged) await age(id);

    // Act
    const { code, summary } = await reprocess("--older-than", PARSER_VERSION);

    // Assess
    expect(code).toBe(0);
    expect(summary).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    for (const id of aged) {
      const report = await store.get(id);
      expect(report?.parserVersion).toBe(PARSER_VERSION);
      expect(report?.agency).not.toBe("旧解析器");
      const history = await store.history!(id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ parserVersion: OLD_VERSION });
      expect((history[0]?.record as { agency: string }).agency).toBe("旧解析器");
    }
    expect(await store.list({ limit: 100 })).toHaveLength(SEEDS.length);
  });

  it("selects by agency and year through the agency index", async () => {
    // Prepare
    const seed = SEEDS[2]!;
    const report = await store.get(ids.get(seed)!);

    // Act
    const { summary } = await reprocess("--agency", report!.agency!, "--year", String(report!.year));

    // Assess
    expect(summary.total).toBe(1);
  });

  it("rejects an unknown status before starting anything", async () => {
    await expect(reprocess("--status", "DONE")).rejects.toThrow(/invalid filter/);
  });
});

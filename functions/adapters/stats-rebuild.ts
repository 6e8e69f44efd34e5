/**
 * `nianbao stats rebuild`: the aggregates of `/stats` recomputed from the records, compared with
 * the stored ones, and (unless a dry run) repaired. An offline operator's command: it reads every
 * record once (a Scan, the cost of reading the records whichever way) and every aggregate item.
 *
 * A repair writes a bucket's recomputed counters whole, conditioned on the bucket's `writes`
 * being what was read, so a Store that counted meanwhile is never overwritten: that bucket is
 * reported as changed during the rebuild, to be run again.
 */
import { DeleteCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { addCounters, contributionOf, type Counters } from "../report/stats-counters.ts";
import { KEY_PREFIXES } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { isConditionFailed } from "./record-store-items.ts";
import { bucketsOf, countersOf, type BucketKey, type CountedItem } from "./stats-aggregates.ts";

/** One counter of one bucket that differs from the recomputation. */
export type CounterDrift = { pk: string; sk: string; counter: string; stored: number; expected: number };

export type RebuildReport = {
  records: number;
  buckets: number;
  drift: CounterDrift[];
  /** Buckets written with their recomputed counters (0 in a dry run). */
  repaired: number;
  /** Buckets a concurrent write changed between reading and repairing (run the rebuild again). */
  changedDuringRebuild: number;
  /** Records stored before the aggregates, now marked as counted (and given their listing counts). */
  recordsMarked: number;
};

type Bucket = { key: BucketKey; counters: Counters; writes?: number };
type ScannedRecord = CountedItem & { pk: string; revision?: number; errorCount?: number; sourceCount?: number; sources?: unknown[] };
/** A record stored before the aggregates (not counted) or before the listing counts. */
type LegacyRecord = { pk: string; errorCount: number; sourceCount: number };

const RECORD_ATTRIBUTES = ["pk", "sk", "status", "year", "edition", "agencyKey", "revision", "errorCount", "sourceCount", "sources", "reviews"];
const RECORD_PARTS = ["year", "findings", "applications", "reviewLitigation", "region"];

async function* scan(client: DynamoDBDocumentClient, input: Omit<ConstructorParameters<typeof ScanCommand>[0], "ExclusiveStartKey">) {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new ScanCommand({ ...input, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    yield* (out.Items ?? []) as Record<string, unknown>[];
    start = out.LastEvaluatedKey;
  } while (start);
}

const idOf = ({ pk, sk }: BucketKey) => `${pk}\n${sk}`;

/** Every bucket's counters as the records give them, and the records not yet counted. */
async function recompute(client: DynamoDBDocumentClient, tableName: string) {
  const names = Object.fromEntries([...RECORD_ATTRIBUTES, "record", "mergedInto"].map((a) => [`#${a}`, a]));
  const partNames = Object.fromEntries(RECORD_PARTS.map((p) => [`#r_${p}`, p]));
  const expected = new Map<string, Bucket>();
  const legacy: LegacyRecord[] = [];
  let records = 0;
  for await (const item of scan(client, {
    TableName: tableName,
    // Another file of a logical report counts through that report (../report/sources.ts), never itself.
    FilterExpression: "begins_with(#pk, :report) AND #sk = :record AND attribute_not_exists(#mergedInto)",
    ProjectionExpression: [...RECORD_ATTRIBUTES.map((a) => `#${a}`), ...RECORD_PARTS.map((p) => `#record.#r_${p}`)].join(", "),
    ExpressionAttributeNames: { ...names, ...partNames },
    ExpressionAttributeValues: { ":report": KEY_PREFIXES.REPORT, ":record": KEY_PREFIXES.RECORD_SK },
  })) {
    records += 1;
    const counted = item as unknown as ScannedRecord;
    if (counted.revision === undefined || counted.errorCount === undefined || counted.sourceCount === undefined) {
      legacy.push({
        pk: counted.pk,
        errorCount: (counted.record?.findings ?? []).filter((f) => f.severity === "error").length,
        sourceCount: counted.sources?.length ?? 0,
      });
    }
    const contribution = contributionOf(counted);
    for (const key of bucketsOf(counted)) {
      const bucket = expected.get(idOf(key)) ?? { key, counters: {} };
      addCounters(bucket.counters, contribution);
      expected.set(idOf(key), bucket);
    }
  }
  return { expected, legacy, records };
}

async function readStored(client: DynamoDBDocumentClient, tableName: string): Promise<Map<string, Bucket>> {
  const stored = new Map<string, Bucket>();
  for await (const item of scan(client, {
    TableName: tableName,
    FilterExpression: "begins_with(pk, :stats)",
    ExpressionAttributeValues: { ":stats": KEY_PREFIXES.STATS },
  })) {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    stored.set(idOf(key), { key, counters: countersOf(item), ...(typeof item.writes === "number" ? { writes: item.writes } : {}) });
  }
  return stored;
}

/** The counters of `stored` that differ from `expected` (absent = 0). */
export function driftOf(key: BucketKey, stored: Counters, expected: Counters): CounterDrift[] {
  const drift: CounterDrift[] = [];
  for (const counter of new Set([...Object.keys(stored), ...Object.keys(expected)])) {
    const [s, e] = [stored[counter] ?? 0, expected[counter] ?? 0];
    if (Math.abs(s - e) > 1e-9) drift.push({ ...key, counter, stored: s, expected: e });
  }
  return drift;
}

/** Writes a bucket's recomputed counters (or deletes an empty one) if nothing counted since it was read. */
async function repairBucket(client: DynamoDBDocumentClient, tableName: string, stored: Bucket | undefined, expected: Bucket | undefined): Promise<boolean> {
  const key = (stored ?? expected)!.key;
  const guard = stored
    ? stored.writes === undefined
      ? { ConditionExpression: "attribute_not_exists(writes)" }
      : { ConditionExpression: "writes = :writes", ExpressionAttributeValues: { ":writes": stored.writes } }
    : { ConditionExpression: "attribute_not_exists(pk)" };
  const nonZero = Object.fromEntries(Object.entries(expected?.counters ?? {}).filter(([, v]) => v !== 0));
  try {
    if (Object.keys(nonZero).length === 0) await client.send(new DeleteCommand({ TableName: tableName, Key: key, ...guard }));
    else await client.send(new PutCommand({ TableName: tableName, Item: { ...nonZero, ...key, writes: (stored?.writes ?? 0) + 1 }, ...guard }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `repair aggregate ${key.pk} ${key.sk}`);
  }
}

/**
 * Marks a record stored before the aggregates as counted (its contribution is in the rebuilt
 * buckets) and gives it the counts a listing reads; what a write set meanwhile is kept.
 */
async function markLegacy(client: DynamoDBDocumentClient, tableName: string, record: LegacyRecord): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: record.pk, sk: KEY_PREFIXES.RECORD_SK },
        UpdateExpression: "SET revision = if_not_exists(revision, :zero), errorCount = if_not_exists(errorCount, :errors), sourceCount = if_not_exists(sourceCount, :sources)",
        ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(revision) OR attribute_not_exists(errorCount) OR attribute_not_exists(sourceCount))",
        ExpressionAttributeValues: { ":zero": 0, ":errors": record.errorCount, ":sources": record.sourceCount },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `mark ${record.pk} counted`);
  }
}

/**
 * Recomputes every aggregate from the records and reports the drift; with `repair`, writes each
 * drifted bucket's recomputed counters and marks records written before the aggregates as counted.
 *
 * @example
 * const report = await rebuildStatsAggregates(client, "nianbao-records", { repair: true });
 * report.drift.length // 0 when the aggregates matched the records
 */
export async function rebuildStatsAggregates(client: DynamoDBDocumentClient, tableName: string, options: { repair: boolean }): Promise<RebuildReport> {
  try {
    const { expected, legacy, records } = await recompute(client, tableName);
    const stored = await readStored(client, tableName);
    const report: RebuildReport = { records, buckets: expected.size, drift: [], repaired: 0, changedDuringRebuild: 0, recordsMarked: 0 };
    for (const id of new Set([...expected.keys(), ...stored.keys()])) {
      const [s, e] = [stored.get(id), expected.get(id)];
      const drift = driftOf((s ?? e)!.key, s?.counters ?? {}, e?.counters ?? {});
      if (drift.length === 0) continue;
      report.drift.push(...drift);
      if (!options.repair) continue;
      if (await repairBucket(client, tableName, s, e)) report.repaired += 1;
      else report.changedDuringRebuild += 1;
    }
    if (options.repair) for (const record of legacy) if (await markLegacy(client, tableName, record)) report.recordsMarked += 1;
    return report;
  } catch (error) {
    return rethrowClassified(error, "rebuild stats aggregates");
  }
}

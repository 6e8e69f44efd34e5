/**
 * The sums `GET /stats` serves, kept as aggregate items in the records table and updated in the
 * same transaction as the record they count (./record-store-writes.ts).
 *
 * Every report counts in a few items, one per scope it belongs to: its edition and status, its
 * body (`agencyKey`), and each level of its region (province, city, county code prefix). A scope
 * is one partition, `pk = STATS#<scope>`, with one item per year (`sk = Y#<year>`, `Y#-` for
 * none), so the stats of a scope are one Query, and of all reports the few edition × status
 * partitions summed (a write touches ~5 items, not one per combination of filters). An item
 * holds the counters of ../report/stats-counters.ts as top-level numbers,
 * grown by `ADD` with the difference between a record's old and new contribution, and `writes`,
 * the number of updates it has seen (what a rebuild's repair is conditioned on).
 *
 * The scope and region items of a year are hot: a batch of one year's reports updates the same
 * few at once, and DynamoDB cancels a transaction that touches an item another one is writing
 * (TransactionConflict, retried). So they are split into `AGGREGATE_SHARDS` items, one per
 * shard of the report id (`sk = Y#<year>#<shard>`), and a read sums every item of the year (an
 * unsharded `Y#<year>` written before counts too). A body's items are not hot and stay whole.
 * test/bench/aggregate-contention.bench.ts measures the difference.
 *
 * Pure parts (buckets, deltas, the update of one item) are exported for unit tests.
 */
import { QueryCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { addCounters, contributionOf, countedYear, statsFromCounters, type CountedReport, type Counters, type ReportStats } from "../report/stats-counters.ts";
import { agencyKeyOf } from "../report/cross-year.ts";
import { EDITIONS } from "../report/template.ts";
import { STATUS } from "../shared/status.ts";
import { KEY_PREFIXES } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";

/** The attributes of an aggregate item that are not counters. */
export const AGGREGATE_META = ["pk", "sk", "writes"] as const;
const META = new Set<string>(AGGREGATE_META);
/** The edition or year of a report that has none. */
const NONE = "-";

/** What a record item holds that decides where it counts (a projection of the record item). */
export type CountedItem = CountedReport & {
  /** The report's id (or its key `REPORT#<id>`): which shard of a hot item it counts in. */
  reportId?: string;
  pk?: string;
  edition?: string;
  agencyKey?: string;
  record?: CountedReport["record"] & { region?: { code: string; city: string | null; county: string | null } | null };
};

export type BucketKey = { pk: string; sk: string };
export type BucketDelta = { key: BucketKey; counters: Counters };

/** The partition of an edition × status scope (`undefined`: reports of no edition). */
export const scopePk = (edition: string | undefined, status: string) => `${KEY_PREFIXES.STATS}E=${edition ?? NONE}#S=${status}`;
export const agencyPk = (agencyKey: string) => `${KEY_PREFIXES.STATS}A=${agencyKey}`;
export const regionPk = (codePrefix: string) => `${KEY_PREFIXES.STATS}R=${codePrefix}`;
export const yearSk = (year?: number) => `Y#${year ?? NONE}`;

/** Into how many items a scope's or region's year is split. */
export const AGGREGATE_SHARDS = 8;

/** The shard a report counts in (FNV-1a of its id): the same for every revision of it. */
export function shardOf(item: Pick<CountedItem, "reportId" | "pk">): number {
  const id = item.reportId ?? (item.pk?.startsWith(KEY_PREFIXES.REPORT) ? item.pk.slice(KEY_PREFIXES.REPORT.length) : "");
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % AGGREGATE_SHARDS;
}

/** The sort key of one shard of a year's item. */
export const shardSk = (year: number | undefined, shard: number) => `${yearSk(year)}#${shard}`;

/** The year an aggregate item's sort key names (`Y#2021`, `Y#2021#3`), undefined for `Y#-`. */
export function yearOfSk(sk: string): number | undefined {
  const year = sk.split("#")[1];
  return year === NONE || year === undefined ? undefined : Number(year);
}

/** The region code prefixes a record counts under: province, city and county where named. */
function regionPrefixes(region: NonNullable<CountedItem["record"]>["region"]): string[] {
  if (!region || !/^\d{6}$/.test(region.code)) return [];
  return [region.code.slice(0, 2), ...(region.city ? [region.code.slice(0, 4)] : []), ...(region.county ? [region.code] : [])];
}

/** Every aggregate item `item` counts in. */
export function bucketsOf(item: CountedItem): BucketKey[] {
  const year = countedYear(item);
  const hot = shardSk(year, shardOf(item));
  const keys = [{ pk: scopePk(item.edition, item.status), sk: hot }];
  // As the byAgencyYear index holds them: a record of no year is in no body's listing or sums.
  if (item.agencyKey && typeof item.year === "number") keys.push({ pk: agencyPk(item.agencyKey), sk: yearSk(year) });
  for (const prefix of regionPrefixes(item.record?.region)) keys.push({ pk: regionPk(prefix), sk: hot });
  return keys;
}

const bucketId = ({ pk, sk }: BucketKey) => `${pk}\n${sk}`;

/**
 * `after`'s contribution minus `before`'s, bucket by bucket (either may be absent: a new
 * record, a removed one, or one that was never counted; or several items). Buckets whose difference is zero are
 * left out, so a replacement that changes no figure touches no aggregate.
 */
export function aggregateDeltas(before: CountedItem | CountedItem[] | undefined, after: CountedItem | CountedItem[] | undefined): BucketDelta[] {
  const deltas = new Map<string, BucketDelta>();
  const apply = (items: CountedItem | CountedItem[] | undefined, sign: 1 | -1) => {
    // Several items at once: one report's files merged (./record-store-sources.ts), each bucket still one update.
    for (const item of [items ?? []].flat()) {
      // Another file of a logical report counts through that report only.
      if ((item as { mergedInto?: string }).mergedInto) continue;
      const contribution = contributionOf(item);
      for (const key of bucketsOf(item)) {
        const delta = deltas.get(bucketId(key)) ?? { key, counters: {} };
        addCounters(delta.counters, contribution, sign);
        deltas.set(bucketId(key), delta);
      }
    }
  };
  apply(before, -1);
  apply(after, 1);
  return [...deltas.values()]
    .map(({ key, counters }) => ({ key, counters: Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0)) }))
    .filter((d) => Object.keys(d.counters).length > 0);
}

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** One `ADD` of every counter of `delta` (short placeholders: an expression may hold 4 KB). */
export function aggregateUpdate(tableName: string, delta: BucketDelta): TransactItem {
  const names: Record<string, string> = { "#writes": "writes" };
  const values: Record<string, number> = { ":writes": 1 };
  const parts = ["#writes :writes"];
  Object.entries(delta.counters).forEach(([name, value], i) => {
    const id = `c${i.toString(36)}`;
    names[`#${id}`] = name;
    values[`:${id}`] = value;
    parts.push(`#${id} :${id}`);
  });
  return {
    Update: { TableName: tableName, Key: delta.key, UpdateExpression: `ADD ${parts.join(", ")}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values },
  };
}

/** The counters of an aggregate item (its attributes without the key and `writes`). */
export function countersOf(item: Record<string, unknown>): Counters {
  const counters: Counters = {};
  for (const [name, value] of Object.entries(item)) if (!META.has(name) && typeof value === "number") counters[name] = value;
  return counters;
}

/** A `/stats` filter as the aggregates see it (agency already the body's key). */
export type StatsFilter = { year?: number; status?: string; edition?: string; agency?: string; parserVersion?: string };

/** The partitions whose sum answers `filter`, or why none do (the stats are then summed from the records). */
export function aggregatePartitionsFor(filter: StatsFilter): { pks: string[] } | { uncovered: string } {
  if (filter.parserVersion !== undefined) return { uncovered: "parserVersion" };
  if (filter.agency !== undefined) {
    if (filter.status !== undefined || filter.edition !== undefined) return { uncovered: "agency with status or edition" };
    return { pks: [agencyPk(agencyKeyOf(filter.agency))] };
  }
  const editions = filter.edition !== undefined ? [filter.edition] : [...EDITIONS, undefined];
  const statuses = filter.status !== undefined ? [filter.status] : Object.values(STATUS);
  return { pks: editions.flatMap((edition) => statuses.map((status) => scopePk(edition, status))) };
}

/** The stats of the items of the partitions a filter reads (of one year's items, for a filter by year). */
export function statsFromItems(items: Record<string, unknown>[]): ReportStats {
  const total: Counters = {};
  const years = new Map<number, Counters>();
  for (const item of items) {
    const counters = countersOf(item);
    addCounters(total, counters);
    const year = yearOfSk(String(item.sk));
    if (year !== undefined && Number.isInteger(year)) years.set(year, addCounters(years.get(year) ?? {}, counters));
  }
  return statsFromCounters(total, years);
}

/** What `/stats` reads of the aggregates: the stats of a filter, or why no aggregate covers it. */
export interface StatsAggregates {
  stats(filter: StatsFilter): Promise<{ stats: ReportStats } | { uncovered: string }>;
}

/**
 * The aggregates of the records table: for each partition the filter sums (at most the 9
 * edition × status scopes), one Query of its items (of the year's items and their shards, for a
 * filter with a year); in parallel, whatever the number of records.
 *
 * @example
 * const answer = await createDynamoStatsAggregates(client, "nianbao-records").stats({ year: 2021 });
 */
export function createDynamoStatsAggregates(client: DynamoDBDocumentClient, tableName: string): StatsAggregates {
  /** The partition's items, or those of one year (its shards, and an unsharded item). */
  async function queryPartition(pk: string, year?: number): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: year === undefined ? "pk = :pk" : "pk = :pk AND begins_with(sk, :year)",
          ExpressionAttributeValues: { ":pk": pk, ...(year === undefined ? {} : { ":year": yearSk(year) }) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      // begins_with(Y#2021) would also take a Y#20210: only the year's own items.
      items.push(...(out.Items ?? []).filter((item) => year === undefined || yearOfSk(String(item.sk)) === year));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
  return {
    async stats(filter) {
      const partitions = aggregatePartitionsFor(filter);
      if ("uncovered" in partitions) return partitions;
      try {
        const items = await Promise.all(partitions.pks.map((pk) => queryPartition(pk, filter.year)));
        return { stats: statsFromItems(items.flat()) };
      } catch (error) {
        return rethrowClassified(error, "read stats aggregates");
      }
    },
  };
}

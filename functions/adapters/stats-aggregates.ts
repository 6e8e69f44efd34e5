/**
 * The sums `GET /stats` serves, kept as aggregate items in the records table and updated in the
 * same transaction as the record they count (./record-store-writes.ts).
 *
 * Every report counts in a handful of buckets: each combination of edition (or any) and status
 * (or any), its body (`agencyKey`), and each level of its region (province, city, county code
 * prefix). A bucket is one partition, `pk = STATS#<scope>`, with one item for all years
 * (`sk = Y#*`) and one per year (`sk = Y#<year>`), so the stats of a scope, years included, are
 * one Query. An item holds the counters of ../report/stats-counters.ts as top-level numbers,
 * grown by `ADD` with the difference between a record's old and new contribution, and `writes`,
 * the number of updates it has seen (what a rebuild's repair is conditioned on).
 *
 * Pure parts (buckets, deltas, the update of one item) are exported for unit tests.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { addCounters, contributionOf, countedYear, statsFromCounters, type CountedReport, type Counters, type ReportStats } from "../report/stats-counters.ts";
import { agencyKeyOf } from "../report/cross-year.ts";
import { KEY_PREFIXES } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";

/** The attributes of an aggregate item that are not counters. */
export const AGGREGATE_META = ["pk", "sk", "writes"] as const;
const META = new Set<string>(AGGREGATE_META);
const ANY = "*";

/** What a record item holds that decides where it counts (a projection of the record item). */
export type CountedItem = CountedReport & {
  edition?: string;
  agencyKey?: string;
  record?: CountedReport["record"] & { region?: { code: string; city: string | null; county: string | null } | null };
};

export type BucketKey = { pk: string; sk: string };
export type BucketDelta = { key: BucketKey; counters: Counters };

/** The partition of the edition × status scope (`undefined`: any). */
export const scopePk = (edition?: string, status?: string) => `${KEY_PREFIXES.STATS}E=${edition ?? ANY}#S=${status ?? ANY}`;
export const agencyPk = (agencyKey: string) => `${KEY_PREFIXES.STATS}A=${agencyKey}`;
export const regionPk = (codePrefix: string) => `${KEY_PREFIXES.STATS}R=${codePrefix}`;
export const yearSk = (year?: number) => `Y#${year ?? ANY}`;

/** The region code prefixes a record counts under: province, city and county where named. */
function regionPrefixes(region: NonNullable<CountedItem["record"]>["region"]): string[] {
  if (!region || !/^\d{6}$/.test(region.code)) return [];
  return [region.code.slice(0, 2), ...(region.city ? [region.code.slice(0, 4)] : []), ...(region.county ? [region.code] : [])];
}

/** Every aggregate item `item` counts in. */
export function bucketsOf(item: CountedItem): BucketKey[] {
  const year = countedYear(item);
  const sks = [yearSk(), ...(typeof year === "number" && item.record ? [yearSk(year)] : [])];
  const pks: string[] = [];
  for (const edition of [undefined, ...(item.edition ? [item.edition] : [])]) {
    for (const status of [undefined, item.status]) pks.push(scopePk(edition, status));
  }
  // As the byAgencyYear index holds them: a record of no year is in no body's listing or sums.
  if (item.agencyKey && typeof item.year === "number") pks.push(agencyPk(item.agencyKey));
  for (const prefix of regionPrefixes(item.record?.region)) pks.push(regionPk(prefix));
  return pks.flatMap((pk) => sks.map((sk) => ({ pk, sk })));
}

const bucketId = ({ pk, sk }: BucketKey) => `${pk}\n${sk}`;

/**
 * `after`'s contribution minus `before`'s, bucket by bucket (either may be absent: a new
 * record, a removed one, or one that was never counted). Buckets whose difference is zero are
 * left out, so a replacement that changes no figure touches no aggregate.
 */
export function aggregateDeltas(before: CountedItem | undefined, after: CountedItem | undefined): BucketDelta[] {
  const deltas = new Map<string, BucketDelta>();
  const apply = (item: CountedItem | undefined, sign: 1 | -1) => {
    if (!item) return;
    const contribution = contributionOf(item);
    for (const key of bucketsOf(item)) {
      const delta = deltas.get(bucketId(key)) ?? { key, counters: {} };
      addCounters(delta.counters, contribution, sign);
      deltas.set(bucketId(key), delta);
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
  const names: Record<string, string> = { "#w": "writes" };
  const values: Record<string, number> = { ":w": 1 };
  const parts = ["#w :w"];
  Object.entries(delta.counters).forEach(([name, value], i) => {
    const id = i.toString(36);
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

/** The partition that answers `filter`, or why none does (the stats are then summed from the records). */
export function aggregatePartitionFor(filter: StatsFilter): { pk: string } | { uncovered: string } {
  if (filter.parserVersion !== undefined) return { uncovered: "parserVersion" };
  if (filter.agency !== undefined) {
    if (filter.status !== undefined || filter.edition !== undefined) return { uncovered: "agency with status or edition" };
    return { pk: agencyPk(agencyKeyOf(filter.agency)) };
  }
  return { pk: scopePk(filter.edition, filter.status) };
}

/** The stats of one partition's items (`Y#*` and the years), or of one year's item alone. */
export function statsFromItems(items: Record<string, unknown>[], year?: number): ReportStats {
  const years = new Map<number, Counters>();
  let total: Counters = {};
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === yearSk(year)) total = countersOf(item);
    const itemYear = Number(sk.slice(2));
    if (sk !== yearSk() && Number.isInteger(itemYear)) years.set(itemYear, countersOf(item));
  }
  return statsFromCounters(total, years);
}

/** What `/stats` reads of the aggregates: the stats of a filter, or why no aggregate covers it. */
export interface StatsAggregates {
  stats(filter: StatsFilter): Promise<{ stats: ReportStats } | { uncovered: string }>;
}

/**
 * The aggregates of the records table: one GetItem for a filter with a year, else one Query of
 * the scope's partition (its all-years item and one item per year), whatever the record count.
 *
 * @example
 * const answer = await createDynamoStatsAggregates(client, "nianbao-records").stats({ year: 2021 });
 */
export function createDynamoStatsAggregates(client: DynamoDBDocumentClient, tableName: string): StatsAggregates {
  return {
    async stats(filter) {
      const partition = aggregatePartitionFor(filter);
      if ("uncovered" in partition) return partition;
      try {
        if (filter.year !== undefined) {
          const out = await client.send(new GetCommand({ TableName: tableName, Key: { pk: partition.pk, sk: yearSk(filter.year) }, ConsistentRead: true }));
          return { stats: statsFromItems(out.Item ? [out.Item] : [], filter.year) };
        }
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const out = await client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": partition.pk },
              ConsistentRead: true,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          items.push(...(out.Items ?? []));
          start = out.LastEvaluatedKey;
        } while (start);
        return { stats: statsFromItems(items) };
      } catch (error) {
        return rethrowClassified(error, "read stats aggregates");
      }
    },
  };
}

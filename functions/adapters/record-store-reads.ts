/**
 * The record store's reads (./record-store.ts): one report, its history, listings by index.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { agencyKeyOf } from "../report/cross-year.ts";
import { STATUS as REPORT_STATUS } from "../shared/status.ts";
import { TABLE_INDEXES, toReportPk } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { fromItem, HISTORY_SK_PREFIX, keyOf, REVIEW_SK_PREFIX, toSummary, type Item } from "./record-store-items.ts";
import type { HistoryEntry, ListQuery, ReportSummary, ReviewEntry, StoredReport } from "./record-store.ts";

/** What the store's parts share: the client, the table and the clock. */
export type RecordTable = { client: DynamoDBDocumentClient; tableName: string; now: () => string };

/**
 * One report's record (consistent read). The id of another file of a logical report
 * (`mergedInto`, ./record-store-sources.ts) gives the report it belongs to.
 */
export async function getReport(table: RecordTable, reportId: string): Promise<StoredReport | undefined> {
  const { client, tableName } = table;
  try {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(reportId), ConsistentRead: true }));
    const item = out.Item as Item | undefined;
    if (item?.mergedInto && item.mergedInto !== reportId) return getReport(table, item.mergedInto);
    return item ? fromItem(item) : undefined;
  } catch (error) {
    return rethrowClassified(error, `get report ${reportId}`);
  }
}

/** The `entry` of every item under a report whose sort key starts with `prefix`, in key order. */
async function entriesUnder<T>(table: RecordTable, reportId: string, prefix: string, what: string): Promise<T[]> {
  return (await itemsUnder(table, reportId, prefix, what)).map((item) => (item as { entry: T }).entry);
}

/** Every item under a report whose sort key starts with `prefix`, in key order. */
export async function itemsUnder({ client, tableName }: RecordTable, reportId: string, prefix: string, what: string): Promise<Record<string, unknown>[]> {
  try {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": toReportPk(reportId), ":prefix": prefix },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  } catch (error) {
    return rethrowClassified(error, `${what} of report ${reportId}`);
  }
}

/** Earlier results of a report, oldest first. */
export async function getHistory(table: RecordTable, reportId: string): Promise<HistoryEntry[]> {
  const entries = await entriesUnder<HistoryEntry>(table, reportId, HISTORY_SK_PREFIX, "history");
  return entries.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0));
}

/** A report's review history, oldest first (the sort key holds the time, then the revision). */
export function getReviewHistory(table: RecordTable, reportId: string): Promise<ReviewEntry[]> {
  return entriesUnder<ReviewEntry>(table, reportId, REVIEW_SK_PREFIX, "review history");
}

/** Summaries of the newest reports the query selects, each served by an index (never a Scan). */
export async function listReports({ client, tableName }: RecordTable, query: ListQuery = {}): Promise<ReportSummary[]> {
  const limit = query.limit ?? 100;
  const requests: QueryCommand[] = [];
  const base = { TableName: tableName, ScanIndexForward: false, Limit: limit };
  if (query.agency !== undefined) {
    const idx = TABLE_INDEXES.BY_AGENCY_YEAR;
    requests.push(
      new QueryCommand({
        ...base,
        IndexName: idx.indexName,
        KeyConditionExpression: query.year !== undefined ? "#pk = :pk AND #sk = :sk" : "#pk = :pk",
        ExpressionAttributeNames: {
          "#pk": idx.partitionKey.name,
          ...(query.year !== undefined ? { "#sk": idx.sortKey.name } : {}),
        },
        ExpressionAttributeValues: { ":pk": agencyKeyOf(query.agency), ...(query.year !== undefined ? { ":sk": query.year } : {}) },
      }),
    );
  } else if (query.parserVersion !== undefined) {
    const idx = TABLE_INDEXES.BY_PARSER_VERSION;
    requests.push(
      new QueryCommand({
        ...base,
        IndexName: idx.indexName,
        KeyConditionExpression: "#pk = :pk",
        ExpressionAttributeNames: { "#pk": idx.partitionKey.name },
        ExpressionAttributeValues: { ":pk": query.parserVersion },
      }),
    );
  } else {
    // Every record has a status, so the status index lists them all without a Scan.
    const idx = TABLE_INDEXES.BY_STATUS;
    const statuses = query.status ? [query.status] : Object.values(REPORT_STATUS);
    for (const status of statuses) {
      requests.push(
        new QueryCommand({
          ...base,
          IndexName: idx.indexName,
          KeyConditionExpression: "#pk = :pk",
          ExpressionAttributeNames: { "#pk": idx.partitionKey.name },
          ExpressionAttributeValues: { ":pk": status },
        }),
      );
    }
  }
  try {
    const pages = await Promise.all(requests.map((r) => client.send(r)));
    let items = pages.flatMap((p) => (p.Items ?? []) as Item[]);
    if (query.status) items = items.filter((i) => i.status === query.status);
    items.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
    return items.slice(0, limit).map(toSummary);
  } catch (error) {
    return rethrowClassified(error, "list reports");
  }
}

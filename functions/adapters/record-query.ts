/**
 * Filtered, paginated reads of the records table for the query API.
 *
 * Every read is a Query on one of the table's indexes (design in ../shared/table-schema.ts),
 * never a Scan. A filter picks the narrowest index it can key on and lists that index's
 * partitions in a fixed order ("the plan"); attributes the key cannot express become a
 * FilterExpression. A page cursor is `{ p, k }`: the plan step to resume and the
 * ExclusiveStartKey inside it, so pages walk each partition once, in order, and every
 * record appears exactly once over the pages (as long as its status does not change
 * while a client is paging).
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { agencyKeyOf } from "../report/cross-year.ts";
import { InvalidCursorError } from "../shared/errors.ts";
import { KEY_PREFIXES, TABLE_INDEXES, TABLE_KEYS, type IndexSchema } from "../shared/table-schema.ts";
import { REPORT_STATUS, type ReportStatus, type StoredReport } from "./record-store.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { fromItem, type Item } from "./record-store-items.ts";

export type ReportFilter = {
  agency?: string;
  year?: number;
  status?: ReportStatus;
  edition?: string;
  parserVersion?: string;
};

/** Where a listing resumes: plan step `p`, and the ExclusiveStartKey `k` within it. */
export type PageCursor = { p: number; k?: Record<string, string | number> };

export type ReportPage = { items: StoredReport[]; next?: PageCursor };

/**
 * Which attributes a query returns: a listing needs only the summary and its counts,
 * sums need the applications and review tables too, an export everything. The items are
 * `StoredReport`s either way; under SUMMARY and FIGURES their `record` holds only those parts.
 */
export const READ_SHAPE = { SUMMARY: "summary", FIGURES: "figures", FULL: "full" } as const;
export type ReadShape = (typeof READ_SHAPE)[keyof typeof READ_SHAPE];

export interface RecordQuery {
  /** One page of at most `limit` reports matching `filter`, from `cursor` on. */
  page(filter: ReportFilter, options: { limit: number; cursor?: PageCursor; shape?: ReadShape }): Promise<ReportPage>;
  /** Every report matching `filter`, page by page (stats and exports). */
  each(filter: ReportFilter, shape?: ReadShape): AsyncGenerator<StoredReport>;
}

/** One step of a plan: a Query on one index partition, with its key condition and filter. */
export type PlannedQuery = {
  index: IndexSchema;
  input: Omit<QueryCommandInput, "TableName" | "Limit" | "ExclusiveStartKey">;
};

/** The keys and the summary every shape but FULL reads. */
const SUMMARY_KEYS = ["pk", "sk", "reportId", "status", "agency", "agencyKey", "year", "edition", "parserVersion", "updatedAt", "createdAt"] as const;

const SUMMARY_ATTRIBUTES = [...SUMMARY_KEYS, "sources", "failure"] as const;

/**
 * What a listing row shows and no more: the counts Store keeps on the item (`errorCount`,
 * `sourceCount`) stand for the findings and the sources (of which the first is read, for its file
 * name; a FAILED one's `failure` for its reason), so a page of 1,000 reads 1,000 small
 * projections instead of 1,000 records.
 */
const LISTING_ATTRIBUTES = [...SUMMARY_KEYS, "errorCount", "sourceCount", "failure"] as const;

/**
 * The queries that list the reports matching `filter`, in the order pages walk them.
 * Pure: unit tests check which index serves which filter.
 *
 * @example
 * planReportQueries({ agency: "西湖区教育局", year: 2019 }) // one query on byAgencyYear
 */
export function planReportQueries(filter: ReportFilter, shape: ReadShape = READ_SHAPE.FULL): PlannedQuery[] {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const addFilter = (attribute: string, value: unknown) => {
    names[`#f_${attribute}`] = attribute;
    values[`:f_${attribute}`] = value;
    filters.push(`#f_${attribute} = :f_${attribute}`);
  };

  let index: IndexSchema;
  const partitions: { key: string; sort?: string | number }[] = [];
  if (filter.agency !== undefined) {
    index = TABLE_INDEXES.BY_AGENCY_YEAR;
    // The index holds agency keys, so every spelling of a name finds the same records.
    partitions.push({ key: agencyKeyOf(filter.agency), ...(filter.year !== undefined ? { sort: filter.year } : {}) });
    if (filter.status !== undefined) addFilter("status", filter.status);
    if (filter.parserVersion !== undefined) addFilter("parserVersion", filter.parserVersion);
  } else if (filter.parserVersion !== undefined) {
    index = TABLE_INDEXES.BY_PARSER_VERSION;
    partitions.push({ key: filter.parserVersion });
    if (filter.status !== undefined) addFilter("status", filter.status);
    if (filter.year !== undefined) addFilter("year", filter.year);
  } else {
    // Every record has a status, so the status partitions together hold every record.
    index = TABLE_INDEXES.BY_STATUS;
    const statuses = filter.status ? [filter.status] : Object.values(REPORT_STATUS);
    for (const status of statuses) partitions.push({ key: status });
    if (filter.year !== undefined) addFilter("year", filter.year);
  }
  if (filter.edition !== undefined) addFilter("edition", filter.edition);

  const projection: Record<string, string> = {};
  let projectionExpression: string | undefined;
  if (shape === READ_SHAPE.SUMMARY) {
    for (const attribute of [...LISTING_ATTRIBUTES, "sources"]) projection[`#p_${attribute}`] = attribute;
    // The first source only: the row shows its file name.
    projectionExpression = [...LISTING_ATTRIBUTES.map((a) => `#p_${a}`), "#p_sources[0]"].join(", ");
  } else if (shape === READ_SHAPE.FIGURES) {
    const recordParts = ["findings", "year", "applications", "reviewLitigation"];
    // reviews: the confirmed misprints and misread cells the sums count.
    const attributes = [...SUMMARY_ATTRIBUTES, "reviews"];
    for (const attribute of [...attributes, "record"]) projection[`#p_${attribute}`] = attribute;
    for (const part of recordParts) projection[`#r_${part}`] = part;
    projectionExpression = [...attributes.map((a) => `#p_${a}`), ...recordParts.map((p) => `#p_record.#r_${p}`)].join(", ");
    if (shape === READ_SHAPE.FIGURES) {
      // The sums' text reuse distribution: the share only, not the passages.
      Object.assign(projection, { "#p_textReuse": "textReuse", "#r_overall": "overall" });
      projectionExpression += ", #p_textReuse.#r_overall";
    }
  }

  return partitions.map(({ key, sort }) => ({
    index,
    input: {
      IndexName: index.indexName,
      // Newest first on the status and parser-version indexes, latest year first by agency.
      ScanIndexForward: false,
      KeyConditionExpression: sort !== undefined ? "#k_pk = :k_pk AND #k_sk = :k_sk" : "#k_pk = :k_pk",
      ExpressionAttributeNames: {
        "#k_pk": index.partitionKey.name,
        ...(sort !== undefined ? { "#k_sk": index.sortKey.name } : {}),
        ...names,
        ...projection,
      },
      ExpressionAttributeValues: { ":k_pk": key, ...(sort !== undefined ? { ":k_sk": sort } : {}), ...values },
      ...(filters.length ? { FilterExpression: filters.join(" AND ") } : {}),
      ...(projectionExpression ? { ProjectionExpression: projectionExpression } : {}),
    },
  }));
}

const REPORT_PK = new RegExp(`^${KEY_PREFIXES.REPORT}[0-9a-f]{64}$`);

/**
 * Checks a cursor against the plan of the query it is used with: the step exists, and its key
 * is a record's key in that step's index partition. A cursor that passes can only start the
 * listing at a record the listing itself would reach, so no crafted key reaches DynamoDB.
 */
export function checkCursor(plan: readonly PlannedQuery[], cursor: PageCursor): void {
  const invalid = (why: string) => new InvalidCursorError(`cursor: expected the nextCursor of a previous page of this query (${why})`);
  const planned = plan[cursor.p];
  if (!planned) throw invalid("no such step");
  if (!cursor.k) return;
  const { index, input } = planned;
  const names = [TABLE_KEYS.PARTITION_KEY.name, TABLE_KEYS.SORT_KEY.name, index.partitionKey.name, index.sortKey.name];
  const keys = Object.keys(cursor.k);
  if (keys.length !== new Set(names).size || !keys.every((k) => names.includes(k))) throw invalid("not a key of this index");
  const values = input.ExpressionAttributeValues ?? {};
  if (cursor.k[index.partitionKey.name] !== values[":k_pk"]) throw invalid("another partition");
  if (":k_sk" in values && cursor.k[index.sortKey.name] !== values[":k_sk"]) throw invalid("another sort key");
  const pk = cursor.k[TABLE_KEYS.PARTITION_KEY.name];
  if (typeof pk !== "string" || !REPORT_PK.test(pk) || cursor.k[TABLE_KEYS.SORT_KEY.name] !== KEY_PREFIXES.RECORD_SK) throw invalid("not a record");
  const sortValue = cursor.k[index.sortKey.name];
  if (typeof sortValue !== (index.sortKey.type === "N" ? "number" : "string")) throw invalid("wrong sort key type");
}

/** The ExclusiveStartKey that resumes an index query right after `item`. */
export function startKeyAfter(item: Record<string, unknown>, index: IndexSchema): Record<string, string | number> {
  const key: Record<string, string | number> = {};
  for (const name of [TABLE_KEYS.PARTITION_KEY.name, TABLE_KEYS.SORT_KEY.name, index.partitionKey.name, index.sortKey.name]) {
    const value = item[name];
    if (typeof value === "string" || typeof value === "number") key[name] = value;
  }
  return key;
}

/**
 * A `RecordQuery` over the records table (AWS or DynamoDB Local).
 *
 * @example
 * const query = createDynamoRecordQuery(createDocumentClient(config), "nianbao-records");
 * const { items, next } = await query.page({ year: 2019 }, { limit: 25 });
 */
export function createDynamoRecordQuery(client: DynamoDBDocumentClient, tableName: string): RecordQuery {
  async function page(
    filter: ReportFilter,
    options: { limit: number; cursor?: PageCursor; shape?: ReadShape },
  ): Promise<ReportPage> {
    const plan = planReportQueries(filter, options.shape);
    if (options.cursor) checkCursor(plan, options.cursor);
    const items: StoredReport[] = [];
    let step = options.cursor?.p ?? 0;
    let start = options.cursor?.k;
    try {
      while (step < plan.length) {
        const planned = plan[step]!;
        const remaining = options.limit - items.length;
        const out = await client.send(
          new QueryCommand({
            ...planned.input,
            TableName: tableName,
            // A filter drops items after the read: read a little more than needed.
            Limit: planned.input.FilterExpression ? Math.max(remaining, 100) : remaining,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const found = (out.Items ?? []) as Item[];
        for (let i = 0; i < found.length; i++) {
          items.push(fromItem(found[i]!));
          if (items.length === options.limit && (i < found.length - 1 || out.LastEvaluatedKey)) {
            return { items, next: { p: step, k: startKeyAfter(found[i]!, planned.index) } };
          }
        }
        if (out.LastEvaluatedKey) {
          start = out.LastEvaluatedKey as Record<string, string | number>;
          continue;
        }
        step += 1;
        start = undefined;
        if (items.length === options.limit) return { items, ...(step < plan.length ? { next: { p: step } } : {}) };
      }
      return { items };
    } catch (error) {
      return rethrowClassified(error, "query reports");
    }
  }

  return {
    page,
    async *each(filter, shape = READ_SHAPE.FULL) {
      let cursor: PageCursor | undefined;
      do {
        const result = await page(filter, { limit: 500, shape, ...(cursor ? { cursor } : {}) });
        yield* result.items;
        cursor = result.next;
      } while (cursor);
    },
  };
}

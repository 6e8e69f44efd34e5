/**
 * The records table (design in ../shared/table-schema.ts): one item per report,
 * `pk = REPORT#<sha256 of the source bytes>`, `sk = RECORD`.
 *
 * Idempotency without read-modify-write:
 * - the record body is written by one conditional UpdateItem that only creates the item,
 *   replaces a FAILED one, or replaces one made by another parser version, so a duplicate
 *   event cannot overwrite a finished record and a retry cannot clobber a success;
 * - a source is added by a second UpdateItem, `list_append` guarded by
 *   `NOT contains(sourceKeys, :key)` with `ADD sourceKeys`, so the same object seen twice
 *   is listed once and the same bytes under another key are listed as a second source.
 *
 * Versions: a parsed result replaces a finished record only when a newer parser version
 * made it (`parserVersionOrder`, see ../shared/parser-version.ts). Whatever a write
 * replaces is kept as a history item `sk = HISTORY#<parserVersion>#<updatedAt>` under the
 * same pk; history items carry no index keys, so listings never see them.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { agencyKeyOf } from "../report/cross-year.ts";
import { toVersionOrder } from "../shared/parser-version.ts";
import { KEY_PREFIXES, TABLE_INDEXES, toReportPk } from "../shared/table-schema.ts";
import { rethrowClassified } from "./transient.ts";

export const REPORT_STATUS = {
  VALID: "VALID",
  NEEDS_REVIEW: "NEEDS_REVIEW",
  FAILED: "FAILED",
} as const;
export type ReportStatus = (typeof REPORT_STATUS)[keyof typeof REPORT_STATUS];

/** Where a report's bytes were found; `uri` is `s3://bucket/key`. */
export type Source = { bucket: string; key: string; uri: string; receivedAt: string };

export type FailureReason = { error: string; cause: string };

export type StoredReport = {
  reportId: string;
  status: ReportStatus;
  parserVersion: string;
  agency?: string;
  year?: number;
  edition?: string;
  /** The record of the contract (absent for FAILED). */
  record?: Record<string, unknown>;
  failure?: FailureReason;
  /** Cross-year findings by the other report's id (written by CrossYear; [] = checked, none). */
  crossYear?: Record<string, Record<string, unknown>[]>;
  sources: Source[];
  createdAt: string;
  updatedAt: string;
};

export type ReportSummary = Pick<
  StoredReport,
  "reportId" | "status" | "agency" | "year" | "edition" | "parserVersion" | "updatedAt"
> & { sourceCount: number };

export type ParsedWrite = {
  reportId: string;
  status: Exclude<ReportStatus, "FAILED">;
  parserVersion: string;
  record: Record<string, unknown> & { agency?: string | null; year?: number | null; edition?: string | null };
  source: { bucket: string; key: string };
};

export type FailureWrite = {
  reportId: string;
  parserVersion: string;
  failure: FailureReason;
  source: { bucket: string; key: string };
};

export type WriteOutcome = {
  /** Whether this call wrote the record body (false: a finished record was already there). */
  written: boolean;
  /** Whether this call added the source (false: it was already listed). */
  sourceAdded: boolean;
  /** The record's status after the call. */
  status: ReportStatus;
};

export type ListQuery = { status?: ReportStatus; agency?: string; year?: number; parserVersion?: string; limit?: number };

export interface RecordStore {
  putParsed(write: ParsedWrite): Promise<WriteOutcome>;
  putFailure(write: FailureWrite): Promise<WriteOutcome>;
  get(reportId: string): Promise<StoredReport | undefined>;
  list(query?: ListQuery): Promise<ReportSummary[]>;
  /** Earlier results of a report, oldest first. */
  history?(reportId: string): Promise<HistoryEntry[]>;
}

type Item = StoredReport & {
  pk: string;
  sk: string;
  agencyKey?: string;
  sourceKeys?: Set<string>;
  parserVersionOrder?: string;
};

/** Sort key prefix of the earlier results of a report. */
export const HISTORY_SK_PREFIX = "HISTORY#";

/** An earlier result of a report, replaced by a later write. */
export type HistoryEntry = Pick<
  StoredReport,
  "status" | "parserVersion" | "agency" | "year" | "edition" | "record" | "failure" | "createdAt" | "updatedAt"
> & { archivedAt: string };

function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

function toSourceUri(source: { bucket: string; key: string }): string {
  return `s3://${source.bucket}/${source.key}`;
}

function fromItem(item: Item): StoredReport {
  const {
    pk: _pk,
    sk: _sk,
    agencyKey: _agencyKey,
    sourceKeys: _sourceKeys,
    parserVersionOrder: _parserVersionOrder,
    ...report
  } = item;
  return { ...report, sources: report.sources ?? [] };
}

function toSummary(item: Item): ReportSummary {
  return {
    reportId: item.reportId,
    status: item.status,
    parserVersion: item.parserVersion,
    updatedAt: item.updatedAt,
    sourceCount: item.sources?.length ?? 0,
    ...(item.agency !== undefined ? { agency: item.agency } : {}),
    ...(item.year !== undefined ? { year: item.year } : {}),
    ...(item.edition !== undefined ? { edition: item.edition } : {}),
  };
}

/**
 * A `RecordStore` over a DynamoDB table (AWS or DynamoDB Local).
 *
 * @example
 * const store = createDynamoRecordStore(createDocumentClient(config), "nianbao-records");
 * await store.putParsed({ reportId, status: "VALID", parserVersion, record, source: { bucket, key } });
 */
export function createDynamoRecordStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: () => string = () => new Date().toISOString(),
): RecordStore {
  const keyOf = (reportId: string) => ({ pk: toReportPk(reportId), sk: KEY_PREFIXES.RECORD_SK });

  async function get(reportId: string): Promise<StoredReport | undefined> {
    try {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(reportId), ConsistentRead: true }));
      return out.Item ? fromItem(out.Item as Item) : undefined;
    } catch (error) {
      return rethrowClassified(error, `get report ${reportId}`);
    }
  }

  async function currentStatus(reportId: string): Promise<ReportStatus> {
    const report = await get(reportId);
    if (!report) throw new Error(`report ${reportId} vanished after a conditional check`);
    return report.status;
  }

  async function addSource(reportId: string, source: { bucket: string; key: string }): Promise<boolean> {
    const uri = toSourceUri(source);
    const entry: Source = { bucket: source.bucket, key: source.key, uri, receivedAt: now() };
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(reportId),
          UpdateExpression: "SET sources = list_append(if_not_exists(sources, :empty), :entry) ADD sourceKeys :uris",
          ConditionExpression: "attribute_exists(pk) AND NOT contains(sourceKeys, :uri)",
          ExpressionAttributeValues: { ":empty": [], ":entry": [entry], ":uris": new Set([uri]), ":uri": uri },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrowClassified(error, `add source to report ${reportId}`);
    }
  }

  /** Keeps the result a write replaced (idempotent: the key is the old result's version and time). */
  async function archive(reportId: string, old: Item): Promise<void> {
    if (!old.status || !old.updatedAt) return;
    const entry: HistoryEntry = {
      status: old.status,
      parserVersion: old.parserVersion,
      createdAt: old.createdAt,
      updatedAt: old.updatedAt,
      archivedAt: now(),
      ...(old.agency !== undefined ? { agency: old.agency } : {}),
      ...(old.year !== undefined ? { year: old.year } : {}),
      ...(old.edition !== undefined ? { edition: old.edition } : {}),
      ...(old.record !== undefined ? { record: old.record } : {}),
      ...(old.failure !== undefined ? { failure: old.failure } : {}),
    };
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: toReportPk(reportId),
            sk: `${HISTORY_SK_PREFIX}${old.parserVersion}#${old.updatedAt}`,
            reportId,
            kind: "HISTORY",
            entry,
          },
          ConditionExpression: "attribute_not_exists(sk)",
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) return;
      rethrowClassified(error, `archive report ${reportId}`);
    }
  }

  /** One conditional UpdateItem writing the record body; false when the condition kept the old one. */
  async function writeBody(
    reportId: string,
    set: Record<string, unknown>,
    remove: string[],
    condition: string,
    conditionValues: Record<string, unknown>,
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ...conditionValues, ":now": now() };
    const sets: string[] = ["updatedAt = :now", "createdAt = if_not_exists(createdAt, :now)"];
    for (const [name, value] of Object.entries(set)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    for (const name of remove) names[`#${name}`] = name;
    names["#status"] = "status";
    const expression =
      `SET ${sets.join(", ")}` + (remove.length ? ` REMOVE ${remove.map((n) => `#${n}`).join(", ")}` : "");
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(reportId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_OLD",
        }),
      ).then((out) => (out.Attributes ? archive(reportId, out.Attributes as Item) : undefined));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrowClassified(error, `write report ${reportId}`);
    }
  }

  return {
    get,
    async putParsed(write) {
      const { record } = write;
      const set: Record<string, unknown> = {
        reportId: write.reportId,
        status: write.status,
        parserVersion: write.parserVersion,
        parserVersionOrder: toVersionOrder(write.parserVersion),
        record,
      };
      const remove: string[] = ["failure"];
      // Index keys must be absent rather than null (a GSI key cannot be NULL).
      if (typeof record.agency === "string" && record.agency) {
        set.agency = record.agency;
        // The body's agencyId: one key for every spelling of one body, and different bodies of one
        // name (西湖区 of 杭州市 and of 南昌市) apart. A record made before agencyId keys by name.
        set.agencyKey = typeof record.agencyId === "string" && record.agencyId ? record.agencyId : agencyKeyOf(record.agency);
      } else remove.push("agency", "agencyKey");
      if (typeof record.year === "number") set.year = record.year;
      else remove.push("year");
      if (typeof record.edition === "string") set.edition = record.edition;
      else remove.push("edition");
      const written = await writeBody(
        write.reportId,
        set,
        remove,
        // New, a failure to replace, or a record an older parser made (never a newer one's).
        "attribute_not_exists(pk) OR #status = :failed OR #parserVersionOrder < :parserVersionOrder" +
          " OR (attribute_not_exists(#parserVersionOrder) AND #parserVersion <> :parserVersion)",
        { ":failed": REPORT_STATUS.FAILED },
      );
      const sourceAdded = await addSource(write.reportId, write.source);
      return { written, sourceAdded, status: written ? write.status : await currentStatus(write.reportId) };
    },
    async putFailure(write) {
      const written = await writeBody(
        write.reportId,
        {
          reportId: write.reportId,
          status: REPORT_STATUS.FAILED,
          parserVersion: write.parserVersion,
          parserVersionOrder: toVersionOrder(write.parserVersion),
          failure: write.failure,
        },
        [],
        // A failure never replaces a finished record (a duplicate event that failed transiently).
        "attribute_not_exists(pk) OR #status = :failed",
        { ":failed": REPORT_STATUS.FAILED },
      );
      const sourceAdded = await addSource(write.reportId, write.source);
      return { written, sourceAdded, status: written ? REPORT_STATUS.FAILED : await currentStatus(write.reportId) };
    },
    async history(reportId) {
      try {
        const entries: HistoryEntry[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: "pk = :pk AND begins_with(sk, :history)",
              ExpressionAttributeValues: { ":pk": toReportPk(reportId), ":history": HISTORY_SK_PREFIX },
              ConsistentRead: true,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          for (const item of page.Items ?? []) entries.push((item as { entry: HistoryEntry }).entry);
          start = page.LastEvaluatedKey;
        } while (start);
        return entries.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0));
      } catch (error) {
        return rethrowClassified(error, `history of report ${reportId}`);
      }
    },
    async list(query = {}) {
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
    },
  };
}

/**
 * Cross-year findings in the records table.
 *
 * Each record keeps a map attribute `crossYear`: the other report's id → the findings of
 * the pair (an empty list: checked, nothing found). A pair is written by one
 * TransactWriteItems of two UpdateItems (`SET crossYear.#other = :findings`), each
 * conditional on the record's `updatedAt` as it was read: if either record changed in
 * between (a reprocess replaced it), nothing is written and the caller reads again, so a
 * finding computed from an old body never overwrites one from the new body. No
 * read-modify-write of the map itself: each pair owns its own map keys.
 *
 * Reads are Queries only: the report itself by its key (consistent), its neighbours on
 * `byAgencyYear` by agency key and a year range.
 */
import { QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { CrossYearFinding } from "../report/cross-year.ts";
import type { ReportRecord } from "../report/record.ts";
import type { TextReuse } from "../report/text-reuse.ts";
import { KEY_PREFIXES, TABLE_INDEXES, TABLE_KEYS, toReportPk } from "../shared/table-schema.ts";
import type { ReportStatus } from "./record-store.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { addCounters, textReuseCounters, type Counters } from "../report/stats-counters.ts";
import { aggregateUpdate, bucketsOf, type CountedItem } from "./stats-aggregates.ts";

/** What a cross-year check reads of a record. */
export type CrossYearItem = {
  reportId: string;
  status: ReportStatus;
  updatedAt: string;
  agency?: string;
  /** The byAgencyYear key Store wrote: the body's agencyId, or for older records its name's key. */
  agencyKey?: string;
  year?: number;
  /** The record of the contract as far as the checks read it (`year`, `edition`, sections 二–四, `agency`, `region`, `summarises`, `sectionTexts`). */
  record?: ReportRecord;
  /** Findings already written, by the other report's id. */
  crossYear?: Record<string, CrossYearFinding[]>;
  /** The item's edition and revision (Store's write guard; absent on records never counted in the aggregates). */
  edition?: string;
  revision?: number;
  /** The text reuse written before, counted in the aggregates. */
  textReuse?: TextReuse | null;
};

/**
 * One side of a pair write: the record, as it was read, and what to write under the other's id;
 * the later year's side also gets its text reuse against the earlier (null: none measured).
 */
export type PairSide = {
  reportId: string;
  updatedAt: string;
  otherId: string;
  findings: CrossYearFinding[];
  textReuse?: TextReuse | null;
  /** The record as read, where its text reuse changes: what the aggregates counted of it. */
  counted?: CrossYearItem;
};

export interface CrossYearStore {
  /** The report's record (consistent read). */
  getReport(reportId: string): Promise<CrossYearItem | undefined>;
  /** Records of one agency key whose year lies in `[from, to]`. */
  listByAgencyYears(agencyKey: string, from: number, to: number): Promise<CrossYearItem[]>;
  /** Writes both sides at once; false when either record changed since it was read. */
  writePair(a: PairSide, b: PairSide): Promise<boolean>;
  /** Removes the entry for `otherId` from a record (the two are no longer neighbours), and its text reuse against it. */
  removeEntry(reportId: string, otherId: string): Promise<void>;
}

/** The attribute holding the findings map. */
export const CROSS_YEAR_ATTRIBUTE = "crossYear";
/** The attribute holding the text reuse against the year before (written by CrossYear on the later record). */
export const TEXT_REUSE_ATTRIBUTE = "textReuse";

const PROJECTION = {
  ProjectionExpression:
    "reportId, #status, updatedAt, agency, agencyKey, #year, crossYear, #record.#year, #record.edition, #record.applications, #record.activeDisclosure, #record.reviewLitigation, #record.agency, #record.#region, #record.summarises, #record.sectionTexts, edition, revision, textReuse",
  names: { "#status": "status", "#year": "year", "#record": "record", "#region": "region" },
} as const;

function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

/** A cancelled transaction whose reasons are only stale conditions or a concurrent transaction. */
function isStaleTransaction(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e?.name !== "TransactionCanceledException") return false;
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? "None");
  return codes.some((c) => c === "ConditionalCheckFailed" || c === "TransactionConflict") &&
    codes.every((c) => c === "None" || c === "ConditionalCheckFailed" || c === "TransactionConflict");
}

/**
 * A `CrossYearStore` over the records table (AWS or DynamoDB Local).
 *
 * @example
 * const store = createDynamoCrossYearStore(createDocumentClient(config), "nianbao-records");
 * const neighbours = await store.listByAgencyYears("西湖区教育局", 2019, 2021);
 */
export function createDynamoCrossYearStore(client: DynamoDBDocumentClient, tableName: string): CrossYearStore {
  const keyOf = (reportId: string) => ({ [TABLE_KEYS.PARTITION_KEY.name]: toReportPk(reportId), [TABLE_KEYS.SORT_KEY.name]: KEY_PREFIXES.RECORD_SK });

  type RecordUpdate = { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> };

  /** An UpdateItem on a report's record that does nothing when its condition does not hold. */
  async function updateIfCondition(reportId: string, update: RecordUpdate, what: string): Promise<void> {
    try {
      await client.send(new UpdateCommand({ TableName: tableName, Key: keyOf(reportId), ...update }));
    } catch (error) {
      if (isConditionFailed(error)) return;
      rethrowClassified(error, what);
    }
  }

  /** Creates the empty map on a record that has none yet, so a nested SET has a parent. */
  async function ensureMap(reportId: string): Promise<void> {
    await updateIfCondition(
      reportId,
      {
        UpdateExpression: "SET #cy = if_not_exists(#cy, :empty)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#cy": CROSS_YEAR_ATTRIBUTE },
        ExpressionAttributeValues: { ":empty": {} },
      },
      `prepare cross-year map of ${reportId}`,
    );
  }

  /**
   * The aggregate ADDs for a change of a counted record's text reuse (its counters' new minus
   * old values, in every bucket the record counts in), and the revision guard that makes them
   * count once: the record's revision must be the one read, and moves on. None for a record the
   * aggregates never counted (no revision) or when the counters do not change.
   */
  function reuseChange(item: CrossYearItem | undefined, next: TextReuse | null | undefined) {
    if (!item || item.revision === undefined) return undefined;
    const counters: Counters = addCounters(textReuseCounters(next), textReuseCounters(item.textReuse), -1);
    const changed = Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0));
    if (Object.keys(changed).length === 0) return undefined;
    return {
      set: ", #rev = :nextRev",
      condition: " AND #rev = :rev",
      names: { "#rev": "revision" },
      values: { ":rev": item.revision, ":nextRev": item.revision + 1 },
      aggregates: bucketsOf(item as CountedItem).map((key) => aggregateUpdate(tableName, { key, counters: changed })),
    };
  }

  const update = (side: PairSide) => {
    const change = side.textReuse === undefined ? undefined : reuseChange(side.counted, side.textReuse);
    return [
      {
        Update: {
          TableName: tableName,
          Key: keyOf(side.reportId),
          UpdateExpression: (side.textReuse === undefined ? "SET #cy.#other = :findings" : "SET #cy.#other = :findings, #tr = :reuse") + (change?.set ?? ""),
          ConditionExpression: "updatedAt = :seen" + (change?.condition ?? ""),
          ExpressionAttributeNames: { "#cy": CROSS_YEAR_ATTRIBUTE, "#other": side.otherId, ...(side.textReuse === undefined ? {} : { "#tr": TEXT_REUSE_ATTRIBUTE }), ...change?.names },
          ExpressionAttributeValues: { ":findings": side.findings, ":seen": side.updatedAt, ...(side.textReuse === undefined ? {} : { ":reuse": side.textReuse }), ...change?.values },
        },
      },
      ...(change?.aggregates ?? []),
    ];
  };

  return {
    async getReport(reportId) {
      try {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk AND sk = :sk",
            ExpressionAttributeValues: { ":pk": toReportPk(reportId), ":sk": KEY_PREFIXES.RECORD_SK },
            ExpressionAttributeNames: PROJECTION.names,
            ProjectionExpression: PROJECTION.ProjectionExpression,
            ConsistentRead: true,
          }),
        );
        return out.Items?.[0] as CrossYearItem | undefined;
      } catch (error) {
        return rethrowClassified(error, `read report ${reportId}`);
      }
    },
    async listByAgencyYears(agencyKey, from, to) {
      const idx = TABLE_INDEXES.BY_AGENCY_YEAR;
      const items: CrossYearItem[] = [];
      let start: Record<string, unknown> | undefined;
      try {
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: idx.indexName,
              KeyConditionExpression: "#k = :k AND #year BETWEEN :from AND :to",
              ExpressionAttributeNames: { ...PROJECTION.names, "#k": idx.partitionKey.name },
              ExpressionAttributeValues: { ":k": agencyKey, ":from": from, ":to": to },
              ProjectionExpression: PROJECTION.ProjectionExpression,
              ...(start ? { ExclusiveStartKey: start } : {}),
            }),
          );
          items.push(...((page.Items ?? []) as CrossYearItem[]));
          start = page.LastEvaluatedKey;
        } while (start);
        return items;
      } catch (error) {
        return rethrowClassified(error, `query agency ${agencyKey}`);
      }
    },
    async writePair(a, b) {
      await Promise.all([ensureMap(a.reportId), ensureMap(b.reportId)]);
      try {
        await client.send(new TransactWriteCommand({ TransactItems: [...update(a), ...update(b)] }));
        return true;
      } catch (error) {
        if (isStaleTransaction(error)) return false;
        return rethrowClassified(error, `write cross-year findings of ${a.reportId} and ${b.reportId}`);
      }
    },
    async removeEntry(reportId, otherId) {
      await updateIfCondition(
        reportId,
        { UpdateExpression: "REMOVE #cy.#other", ConditionExpression: "attribute_exists(#cy)", ExpressionAttributeNames: { "#cy": CROSS_YEAR_ATTRIBUTE, "#other": otherId } },
        `remove cross-year entry ${otherId} of ${reportId}`,
      );
      const item = await this.getReport(reportId);
      if (item?.textReuse?.previousReportId !== otherId) return;
      const change = reuseChange(item, undefined);
      const remove = {
        TableName: tableName,
        Key: keyOf(reportId),
        UpdateExpression: "REMOVE #tr" + (change ? " SET #rev = :nextRev" : ""),
        ConditionExpression: "#tr.previousReportId = :other" + (change?.condition ?? ""),
        ExpressionAttributeNames: { "#tr": TEXT_REUSE_ATTRIBUTE, ...change?.names },
        ExpressionAttributeValues: { ":other": otherId, ...change?.values },
      };
      try {
        // A stale read (the record or its text reuse changed meanwhile) leaves it: the next check reads again.
        await client.send(new TransactWriteCommand({ TransactItems: [{ Update: remove }, ...(change?.aggregates ?? [])] }));
      } catch (error) {
        if (isStaleTransaction(error)) return;
        rethrowClassified(error, `remove text reuse against ${otherId} of ${reportId}`);
      }
    },
  };
}

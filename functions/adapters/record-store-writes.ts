/**
 * The record store's writes (./record-store.ts): the record body, whatever it replaced (a history
 * item) and the aggregates of `/stats` it changes (./stats-aggregates.ts) in one transaction; the
 * source by a second UpdateItem.
 */
import { randomUUID } from "node:crypto";
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { agencyKeyOf } from "../report/cross-year.ts";
import { toVersionOrder } from "../shared/parser-version.ts";
import { STATUS as REPORT_STATUS, type Status as ReportStatus } from "../shared/status.ts";
import { toReportPk } from "../shared/table-schema.ts";
import { TransientError } from "../shared/errors.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { aggregateDeltas, aggregateUpdate } from "./stats-aggregates.ts";
import { applyReviews, carryReviews, ReviewError, reviewRecord, type ReviewRequest } from "../report/reviews.ts";
import type { ReportRecord } from "../report/record.ts";
import { fromItem, HISTORY_SK_PREFIX, isConditionFailed, keyOf, REVIEW_SK_PREFIX, toSourceUri, type Item } from "./record-store-items.ts";
import { logicalKeyOf } from "../report/sources.ts";
import { leaveLogicalReport, ownReading, putLogicalSource, sourceEntry } from "./record-store-sources.ts";
import { getReport, type RecordTable } from "./record-store-reads.ts";
import type { FailureWrite, HistoryEntry, ParsedWrite, ReviewEntry, Source, StoredReport, WriteOutcome } from "./record-store.ts";

async function currentStatus(table: RecordTable, reportId: string): Promise<ReportStatus> {
  const report = await getReport(table, reportId);
  if (!report) throw new Error(`report ${reportId} vanished after a conditional check`);
  return report.status;
}

async function addSource(table: RecordTable, reportId: string, entry: Source): Promise<boolean> {
  const { client, tableName } = table;
  const uri = entry.uri;
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keyOf(reportId),
        // sourceCount: what a listing shows without reading the sources themselves.
        UpdateExpression: "SET sources = list_append(if_not_exists(sources, :empty), :entry) ADD sourceKeys :uris, sourceCount :one",
        ConditionExpression: "attribute_exists(pk) AND NOT contains(sourceKeys, :uri)",
        ExpressionAttributeValues: { ":empty": [], ":entry": [entry], ":uris": new Set([uri]), ":uri": uri, ":one": 1 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `add source to report ${reportId}`);
  }
}

/** The history item keeping the result a write replaces (its key: the old result's version and time). */
export function historyItem(table: RecordTable, reportId: string, old: Item) {
  const entry: HistoryEntry = {
    status: old.status,
    parserVersion: old.parserVersion,
    createdAt: old.createdAt,
    updatedAt: old.updatedAt,
    archivedAt: table.now(),
    ...(old.agency !== undefined ? { agency: old.agency } : {}),
    ...(old.year !== undefined ? { year: old.year } : {}),
    ...(old.edition !== undefined ? { edition: old.edition } : {}),
    ...(old.record !== undefined ? { record: old.record } : {}),
    ...(old.failure !== undefined ? { failure: old.failure } : {}),
  };
  return { pk: toReportPk(reportId), sk: `${HISTORY_SK_PREFIX}${old.parserVersion}#${old.updatedAt}`, reportId, kind: "HISTORY", entry };
}

/** The record item as it is before a write (consistent read), with its revision. */
export async function readItem({ client, tableName }: RecordTable, reportId: string): Promise<CountedRecordItem | undefined> {
  try {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(reportId), ConsistentRead: true }));
    return out.Item as CountedRecordItem | undefined;
  } catch (error) {
    return rethrowClassified(error, `read report ${reportId}`);
  }
}

/** A record item as the aggregates count it: `revision` present means its contribution is in them. */
type CountedRecordItem = Item;

/** How a transaction was cancelled: the body's condition, a concurrent transaction, or neither. */
function cancellation(error: unknown): "condition" | "conflict" | undefined {
  if ((error as { name?: string })?.name !== "TransactionCanceledException") return undefined;
  const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
  if (codes.includes("TransactionConflict")) return "conflict";
  // Index 0 is always the record body; only its check carries a condition.
  return codes[0] === "ConditionalCheckFailed" ? "condition" : undefined;
}

const MAX_WRITE_ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a write changes on the record item, decided from the item as it is (`old`). */
type BodyChange = {
  set: Record<string, unknown>;
  remove: string[];
  /** More items of the same transaction (a review's history item). */
  extra?: TransactItem[];
  /** Keep the replaced result as a `HISTORY#` item (default true; a review keeps its own history). */
  archive?: boolean;
};
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]>[number];

/**
 * Writes the record body and the aggregates it changes in one transaction: the body's
 * UpdateItem under `condition` and guarded by the revision read just before, the old result as a
 * history item, and an `ADD` of (new contribution − old contribution) to every aggregate either
 * counts in. A retry, a duplicate or a racing Store either finds the condition false (nothing
 * written, nothing counted) or the revision moved, and then reads again and recomputes; so each
 * revision of a record is counted exactly once. `change` is decided again from each read (a
 * review or a record's corrections depend on what is there). The item written, or undefined when
 * the condition kept the old body.
 */
async function writeBody(
  table: RecordTable,
  reportId: string,
  change: (old: CountedRecordItem | undefined, revision: number, now: string) => BodyChange,
  condition: string,
  conditionValues: Record<string, unknown>,
): Promise<CountedRecordItem | undefined> {
  for (let attempt = 1; ; attempt++) {
    const old = await readItem(table, reportId);
    const now = table.now();
    const revision = (old?.revision ?? 0) + 1;
    const { set, remove, extra = [], archive = true } = change(old, revision, now);
    const after = { ...old, ...set, updatedAt: now, revision } as CountedRecordItem;
    for (const name of remove) delete (after as Record<string, unknown>)[name];
    const guard = !old ? "attribute_not_exists(pk)" : old.revision === undefined ? "attribute_not_exists(#revision)" : "#revision = :oldRevision";
    const body = bodyUpdate(table, reportId, { ...set, revision }, remove, `(${condition}) AND ${guard}`, {
      ...conditionValues,
      ":now": now,
      ...(old?.revision !== undefined ? { ":oldRevision": old.revision } : {}),
    });
    // A record written before the aggregates (no revision) was never counted: nothing to subtract.
    const deltas = aggregateDeltas(old?.revision !== undefined ? old : undefined, after);
    const items = [
      body,
      ...(archive && old?.status && old.updatedAt ? [{ Put: { TableName: table.tableName, Item: historyItem(table, reportId, old) } }] : []),
      ...extra,
      ...deltas.map((delta) => aggregateUpdate(table.tableName, delta)),
    ];
    try {
      // The SDK's own retries of this attempt send the same token: applied at most once.
      await table.client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
      return after;
    } catch (error) {
      const why = cancellation(error);
      if (!why) return rethrowClassified(error, `write report ${reportId}`);
      if (why === "condition" && !changed(old, await readItem(table, reportId))) return undefined;
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new TransientError(`write report ${reportId}: still contended after ${attempt} attempts`, { cause: error });
      await sleep(Math.random() * Math.min(1000, 10 * 2 ** attempt));
    }
  }
}

/** Whether the record item moved between two reads (created, or another revision written). */
function changed(before: CountedRecordItem | undefined, after: CountedRecordItem | undefined): boolean {
  return !before !== !after || before?.revision !== after?.revision;
}

/** The body's UpdateItem as a transaction entry. */
function bodyUpdate(
  { tableName }: RecordTable,
  reportId: string,
  set: Record<string, unknown>,
  remove: string[],
  condition: string,
  values: Record<string, unknown>,
) {
  const names: Record<string, string> = { "#status": "status" };
  const expressionValues: Record<string, unknown> = { ...values };
  const sets: string[] = ["updatedAt = :now", "createdAt = if_not_exists(createdAt, :now)"];
  for (const [name, value] of Object.entries(set)) {
    names[`#${name}`] = name;
    expressionValues[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  for (const name of remove) names[`#${name}`] = name;
  const expression = `SET ${sets.join(", ")}` + (remove.length ? ` REMOVE ${remove.map((n) => `#${n}`).join(", ")}` : "");
  return {
    Update: {
      TableName: tableName,
      Key: keyOf(reportId),
      UpdateExpression: expression,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: expressionValues,
    },
  };
}

/** The writes of a record store over `table`: the parsed record, or a failure, then the source. */
export function createRecordWrites(table: RecordTable) {
  return {
    async putParsed(write: ParsedWrite): Promise<WriteOutcome> {
      const { record } = write;
      const logicalKey = logicalKeyOf(record);
      // Read again as another body's or year's report: the file first leaves the report it was a source of.
      await leaveOldReport(table, write, logicalKey);
      // Another file of a report already stored (same body, year and edition) joins it.
      const merged = logicalKey ? await putLogicalSource(table, write, logicalKey) : undefined;
      if (merged) return merged;
      const set: Record<string, unknown> = {
        reportId: write.reportId,
        status: write.status,
        parserVersion: write.parserVersion,
        parserVersionOrder: toVersionOrder(write.parserVersion),
        record,
        // What a listing shows of the findings, so it need not read them.
        errorCount: countErrors(record),
        ...(write.format !== undefined ? { format: write.format } : {}),
      };
      // "mergedInto" and the own reading aside: a file once merged into another report, or its primary,
      // now read as a report of its own (another body or year).
      const remove: string[] = ["failure", "mergedInto", "ownRecord", "ownStatus", "ownParserVersion"];
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
        table,
        write.reportId,
        (old) => (old && hasOtherFiles(old) ? withoutOtherFiles(set, remove, old) : withReviewsCarried(set, remove, old)),
        // New, a failure to replace, a record an older parser made (never a newer one's), or a file
        // merged into a report it no longer belongs to (putLogicalSource compared its reading already).
        "attribute_not_exists(pk) OR #status = :failed OR #parserVersionOrder < :parserVersionOrder" +
          " OR (attribute_not_exists(#parserVersionOrder) AND #parserVersion <> :parserVersion) OR attribute_exists(mergedInto)",
        { ":failed": REPORT_STATUS.FAILED },
      );
      const sourceAdded = await addSource(table, write.reportId, sourceEntry(write.reportId, write.source, record, table.now()));
      return { written: written !== undefined, sourceAdded, status: written ? written.status : await currentStatus(table, write.reportId) };
    },
    async putFailure(write: FailureWrite): Promise<WriteOutcome> {
      const written = await writeBody(
        table,
        write.reportId,
        () => ({
          set: {
            reportId: write.reportId,
            status: REPORT_STATUS.FAILED,
            parserVersion: write.parserVersion,
            parserVersionOrder: toVersionOrder(write.parserVersion),
            failure: write.failure,
            errorCount: 0,
          },
          remove: [],
        }),
        // A failure never replaces a finished record (a duplicate event that failed transiently).
        "attribute_not_exists(pk) OR #status = :failed",
        { ":failed": REPORT_STATUS.FAILED },
      );
      const sourceAdded = await addSource(table, write.reportId, sourceEntry(write.reportId, write.source, undefined, table.now()));
      return { written: written !== undefined, sourceAdded, status: written ? REPORT_STATUS.FAILED : await currentStatus(table, write.reportId) };
    },
    /** A reviewer's verdict on the stored record, revalidated, and its history item, in one transaction. */
    async review(requestedId: string, request: ReviewRequest): Promise<{ report: StoredReport; entry: ReviewEntry } | undefined> {
      // Another file of a logical report is reviewed on that report (a merged file's item is counted nowhere).
      const reportId = (await readItem(table, requestedId))?.mergedInto ?? requestedId;
      let entry: ReviewEntry | undefined;
      const written = await writeBody(
        table,
        reportId,
        (old, revision, now) => {
          if (!old?.record) throw new ReviewError(old ? "报告读取失败，没有可复核的数字" : `没有编号为 ${reportId} 的报告`, "id");
          // A report of several files carries one file's figures: the verdict measures that file's format.
          const format = old.sources?.find((s) => s.carried)?.format ?? old.format ?? "unknown";
          const reviewed = reviewRecord(old.record, old.reviews ?? {}, request, now, format);
          entry = { ...reviewed.reviews[request.cell]!, cell: request.cell, revision };
          const history = { pk: toReportPk(reportId), sk: `${REVIEW_SK_PREFIX}${now}#${revision}`, reportId, kind: "REVIEW", entry };
          return {
            set: { record: reviewed.record, status: reviewed.record.status, errorCount: countErrors(reviewed.record), reviews: reviewed.reviews },
            remove: [],
            archive: false,
            extra: [{ Put: { TableName: table.tableName, Item: history } }],
          };
        },
        "attribute_exists(pk)",
        {},
      );
      return written && entry ? { report: fromItem(written), entry } : undefined;
    },
  };
}

/**
 * Takes a re-read file out of the logical report its stored reading belongs to, where its new
 * reading (one that replaces the stored one) belongs to another report or to none.
 */
async function leaveOldReport(table: RecordTable, write: ParsedWrite, logicalKey: string | null): Promise<void> {
  const item = await readItem(table, write.reportId);
  const own = item && ownReading(item);
  const oldKey = own && logicalKeyOf(own.record);
  if (!own || !oldKey || oldKey === logicalKey) return;
  if (own.status !== REPORT_STATUS.FAILED && toVersionOrder(own.parserVersion) >= toVersionOrder(write.parserVersion)) return;
  await leaveLogicalReport(table, write.reportId, oldKey);
}

/** Whether a record item lists another file's source or carries another file's reading (a logical report's primary). */
const hasOtherFiles = (item: CountedRecordItem) =>
  (item as { ownRecord?: unknown }).ownRecord !== undefined || (item.sources ?? []).some((s) => (s.contentHash ?? item.reportId) !== item.reportId);

/**
 * The change of a primary that left its logical report (leaveOldReport): its own source only, and
 * none of the report's reviews (they stay with the report the other files still make).
 */
function withoutOtherFiles(set: Record<string, unknown>, remove: string[], old: CountedRecordItem): BodyChange {
  const own = (old.sources ?? []).filter((s) => (s.contentHash ?? old.reportId) === old.reportId);
  const sources = own.length ? { sources: own, sourceKeys: new Set(own.map((s) => s.uri)), sourceCount: own.length } : { sources: [], sourceCount: 0 };
  return { set: { ...set, ...sources }, remove: [...remove, "reviews", ...(own.length ? [] : ["sourceKeys"])] };
}

const countErrors = (record: ReportRecord) => record.findings.filter((f) => f.severity === "error").length;

/**
 * The parsed record's change with the reviews of the record it replaces carried onto it
 * (../report/reviews.ts): corrections the new reading agrees with no longer applied, the others
 * applied (and disputed), the record revalidated with them.
 */
function withReviewsCarried(set: Record<string, unknown>, remove: string[], old: CountedRecordItem | undefined): BodyChange {
  if (!old?.reviews || Object.keys(old.reviews).length === 0) return { set, remove };
  const parsed = set.record as ReportRecord;
  const reviews = carryReviews(parsed, old.reviews);
  const record = applyReviews(parsed, reviews);
  return { set: { ...set, record, status: record.status, errorCount: countErrors(record), reviews }, remove };
}

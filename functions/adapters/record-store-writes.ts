/**
 * The record store's writes (./record-store.ts): the record body by one conditional UpdateItem,
 * the source by a second, and whatever a write replaced kept as a history item.
 */
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { agencyKeyOf } from "../report/cross-year.ts";
import { toVersionOrder } from "../shared/parser-version.ts";
import { STATUS as REPORT_STATUS, type Status as ReportStatus } from "../shared/status.ts";
import { toReportPk } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { HISTORY_SK_PREFIX, isConditionFailed, keyOf, toSourceUri, type Item } from "./record-store-items.ts";
import { getReport, type RecordTable } from "./record-store-reads.ts";
import type { FailureWrite, HistoryEntry, ParsedWrite, Source, WriteOutcome } from "./record-store.ts";

async function currentStatus(table: RecordTable, reportId: string): Promise<ReportStatus> {
  const report = await getReport(table, reportId);
  if (!report) throw new Error(`report ${reportId} vanished after a conditional check`);
  return report.status;
}

async function addSource(table: RecordTable, reportId: string, source: { bucket: string; key: string }): Promise<boolean> {
  const { client, tableName, now } = table;
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
async function archive(table: RecordTable, reportId: string, old: Item): Promise<void> {
  const { client, tableName, now } = table;
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
  table: RecordTable,
  reportId: string,
  set: Record<string, unknown>,
  remove: string[],
  condition: string,
  conditionValues: Record<string, unknown>,
): Promise<boolean> {
  const { client, tableName, now } = table;
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
    ).then((out) => (out.Attributes ? archive(table, reportId, out.Attributes as Item) : undefined));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `write report ${reportId}`);
  }
}

/** The writes of a record store over `table`: the parsed record, or a failure, then the source. */
export function createRecordWrites(table: RecordTable) {
  return {
    async putParsed(write: ParsedWrite): Promise<WriteOutcome> {
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
        table,
        write.reportId,
        set,
        remove,
        // New, a failure to replace, or a record an older parser made (never a newer one's).
        "attribute_not_exists(pk) OR #status = :failed OR #parserVersionOrder < :parserVersionOrder" +
          " OR (attribute_not_exists(#parserVersionOrder) AND #parserVersion <> :parserVersion)",
        { ":failed": REPORT_STATUS.FAILED },
      );
      const sourceAdded = await addSource(table, write.reportId, write.source);
      return { written, sourceAdded, status: written ? write.status : await currentStatus(table, write.reportId) };
    },
    async putFailure(write: FailureWrite): Promise<WriteOutcome> {
      const written = await writeBody(
        table,
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
      const sourceAdded = await addSource(table, write.reportId, write.source);
      return { written, sourceAdded, status: written ? REPORT_STATUS.FAILED : await currentStatus(table, write.reportId) };
    },
  };
}

/**
 * One report, however many files (../report/sources.ts): the record store's side.
 *
 * A logical report (same agencyId, year and edition) has one group item,
 * `pk = LOGICAL#<agencyId>#<year>#<edition>`, `sk = GROUP`, naming its primary (the first file
 * stored: its id is the report's id in the list, `/stats`, coverage and the exports) and every
 * member file. The primary's item carries the record of the member read most directly, the
 * `sources.disagree` finding and every file in `sources`; where the carried reading is another
 * file's, the primary's own reading is kept in `ownRecord`. Every other member's item keeps its
 * own reading with `mergedInto` and none of the index keys (`status`, `agencyKey`,
 * `parserVersion`), so no listing, export or aggregate sees it, and `GET /reports/<its id>` follows
 * it to the primary.
 *
 * A member's write is one transaction: its own item, the primary (guarded by its revision), the
 * group (guarded by its revision) and the aggregates' change from the primary's old contribution
 * to its new one, so a second source replaces the report's contribution and never adds to it.
 */
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import { agencyKeyOf } from "../report/cross-year.ts";
import type { ReportRecord } from "../report/record.ts";
import { applyReviews, carryReviews, withoutCorrections, type CellReviews } from "../report/reviews.ts";
import { carriedReading, logicalKeyOf, readingRank, recordOfSources, type SourceReading } from "../report/sources.ts";
import { toVersionOrder } from "../shared/parser-version.ts";
import { STATUS, type Status } from "../shared/status.ts";
import { KEY_PREFIXES, toReportPk } from "../shared/table-schema.ts";
import { TransientError } from "../shared/errors.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { aggregateDeltas, aggregateUpdate } from "./stats-aggregates.ts";
import { isConditionFailed, keyOf, REVIEW_SK_PREFIX, toSourceUri, type Item } from "./record-store-items.ts";
import { itemsUnder, type RecordTable } from "./record-store-reads.ts";
import type { ParsedWrite, Source, SourceObject, WriteOutcome } from "./record-store.ts";
import { historyItem, readItem } from "./record-store-writes.ts";

type Group = { pk: string; sk: string; primaryId: string; members: string[]; revision: number };

/** A member's item as the store keeps it: the primary's own reading aside, or another member's. */
type MemberItem = Item & { ownRecord?: ReportRecord; ownStatus?: Status; ownParserVersion?: string };

const groupKey = (logicalKey: string) => ({ pk: `${KEY_PREFIXES.LOGICAL}${logicalKey}`, sk: KEY_PREFIXES.LOGICAL_SK });

/** The source entry of a file: where it lies, its content hash, name, format and how it was read. */
export function sourceEntry(reportId: string, source: SourceObject, record: ReportRecord | undefined, receivedAt: string): Source {
  const rank = record ? readingRank(record) : undefined;
  return {
    bucket: source.bucket,
    key: source.key,
    uri: toSourceUri(source),
    receivedAt,
    contentHash: reportId,
    fileName: source.key.split("/").pop() ?? source.key,
    ...(source.format ? { format: source.format } : {}),
    ...(rank !== undefined ? { readBy: (["text", "ocr", "grid"] as const)[rank]! } : {}),
    ...(record?.layout ? { layout: { ...record.layout } } : {}),
  };
}

async function readGroup({ client, tableName }: RecordTable, logicalKey: string): Promise<Group | undefined> {
  try {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: groupKey(logicalKey), ConsistentRead: true }));
    return out.Item as Group | undefined;
  } catch (error) {
    return rethrowClassified(error, `read logical report ${logicalKey}`);
  }
}

/** Creates the group with `reportId` as its primary; false when another Store created it first. */
async function createGroup({ client, tableName }: RecordTable, logicalKey: string, reportId: string): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...groupKey(logicalKey), primaryId: reportId, members: [reportId], revision: 1 },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `create logical report ${logicalKey}`);
  }
}

/**
 * A member's own reading: the primary's `ownRecord` where it carries another file's, else its
 * record (a report's record without the reviewers' corrections: those are the report's, not the file's).
 */
export function ownReading(item: MemberItem): { record: ReportRecord; status: Status; parserVersion: string } | undefined {
  if (item.ownRecord) return { record: item.ownRecord, status: item.ownStatus!, parserVersion: item.ownParserVersion! };
  if (item.mergedInto) return item.record ? { record: item.record, status: item.ownStatus!, parserVersion: item.ownParserVersion! } : undefined;
  return item.record ? { record: withoutCorrections(item.record, item.reviews), status: item.status, parserVersion: item.parserVersion } : undefined;
}

type Reading = SourceReading & { status: Status; parserVersion: string };

/** The file whose figures a report's record carries: the source marked so, else the primary's own. */
const carriedIdOf = (primary: MemberItem) => primary.sources?.find((s) => s.carried)?.contentHash ?? primary.reportId;

/**
 * A logical report from its files' readings: the carried reading's record compared with the others
 * (`sources.disagree`), and the report's reviews carried onto it, compared with another file's
 * figures where the carried file changed (agreed or disputed, as a newer parser's reading is).
 */
function reportOfReadings(readings: Reading[], carriedBefore: string, reviews: CellReviews | undefined) {
  const carried = carriedReading(readings);
  const record = recordOfSources(
    carried,
    readings.filter((r) => r !== carried),
  );
  if (!reviews || Object.keys(reviews).length === 0) return { carried, record, status: carried.status };
  const carriedReviews = carryReviews(carried.record, reviews, { anotherFile: carried.reportId !== carriedBefore });
  const reviewed = applyReviews(record, carriedReviews);
  return { carried, record: reviewed, status: reviewed.status as Status, reviews: carriedReviews };
}

/** Sources listed before their file's hash and name were kept: the primary's own, named by its key. */
const completeSource = (primary: MemberItem) => (s: Source): Source => ({
  ...s,
  contentHash: s.contentHash ?? primary.reportId,
  fileName: s.fileName ?? s.key.split("/").pop() ?? s.key,
  ...(s.format === undefined && primary.format !== undefined && (s.contentHash ?? primary.reportId) === primary.reportId ? { format: primary.format } : {}),
});

/** Whether a parsed write replaces a member's own reading: none yet, a failure, or an older parser's. */
function replacesReading(own: ReturnType<typeof ownReading>, write: ParsedWrite): boolean {
  if (!own) return true;
  return own.status === STATUS.FAILED || toVersionOrder(own.parserVersion) < toVersionOrder(write.parserVersion);
}

const revisionGuard = (item: { revision?: number } | undefined) =>
  !item
    ? { ConditionExpression: "attribute_not_exists(pk)" }
    : { ConditionExpression: "#revision = :revision", ExpressionAttributeNames: { "#revision": "revision" }, ExpressionAttributeValues: { ":revision": item.revision ?? 0 } };

/** The primary's guard: its revision, and its sources as read (a source is added without a new revision). */
function primaryGuard(primary: MemberItem) {
  const guard = revisionGuard(primary);
  const counted = primary.sourceCount === undefined ? "attribute_not_exists(#sourceCount)" : "#sourceCount = :sourceCount";
  return {
    ConditionExpression: `${guard.ConditionExpression} AND ${counted}`,
    ExpressionAttributeNames: { ...guard.ExpressionAttributeNames, "#sourceCount": "sourceCount" },
    ExpressionAttributeValues: { ...guard.ExpressionAttributeValues, ...(primary.sourceCount === undefined ? {} : { ":sourceCount": primary.sourceCount }) },
  };
}

const MAX_ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stores a parsed file of a logical report. Undefined when the file is (or becomes) the group's
 * only member: the caller then writes it as any record. Otherwise the merged write's outcome.
 */
export async function putLogicalSource(table: RecordTable, write: ParsedWrite, logicalKey: string): Promise<WriteOutcome | undefined> {
  for (let attempt = 1; ; attempt++) {
    const group = await readGroup(table, logicalKey);
    if (!group) {
      if (await createGroup(table, logicalKey, write.reportId)) return undefined;
      continue;
    }
    if (group.primaryId === write.reportId && group.members.length === 1) return undefined;
    const outcome = await tryMerge(table, write, group, logicalKey);
    // The primary was read again as another body's or year's report: this file starts the group afresh.
    if (outcome === STALE_GROUP) {
      if (await restartGroup(table, logicalKey, group, write.reportId)) return undefined;
      continue;
    }
    if (outcome) return outcome;
    if (attempt >= MAX_ATTEMPTS) throw new TransientError(`store ${write.reportId} into logical report ${logicalKey}: still contended after ${attempt} attempts`);
    await sleep(Math.random() * Math.min(1000, 10 * 2 ** attempt));
  }
}

/** tryMerge's answer when the group's primary no longer reads as the group's report (a re-parse named another body or year). */
const STALE_GROUP = "stale-group";

/** Replaces a stale group by one with `reportId` as its only member; false when the group moved meanwhile. */
async function restartGroup({ client, tableName }: RecordTable, logicalKey: string, group: Group, reportId: string): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({ TableName: tableName, Item: { ...groupKey(logicalKey), primaryId: reportId, members: [reportId], revision: group.revision + 1 }, ...revisionGuard(group) }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `restart logical report ${logicalKey}`);
  }
}

/** One attempt at the merged write; undefined when something moved meanwhile (read again). */
async function tryMerge(table: RecordTable, write: ParsedWrite, group: Group, logicalKey: string): Promise<WriteOutcome | typeof STALE_GROUP | undefined> {
  const self = write.reportId;
  const primaryId = group.primaryId;
  const primary = (await readItem(table, primaryId)) as MemberItem | undefined;
  // The primary's first Store has created the group but not yet its record: wait for it.
  if (!primary?.record) return undefined;
  if (logicalKeyOf(ownReading(primary)!.record) !== logicalKey) return STALE_GROUP;
  const selfItem = self === primaryId ? primary : ((await readItem(table, self)) as MemberItem | undefined);
  // Members read again as another report since (mergedInto gone or moved) are members no more.
  const candidates = group.members.filter((id) => id !== primaryId && id !== self);
  const candidateItems = (await Promise.all(candidates.map((id) => readItem(table, id)))) as (MemberItem | undefined)[];
  const otherIds = candidates.filter((_, i) => candidateItems[i]?.mergedInto === primaryId);
  const others = candidateItems.filter((item) => item?.mergedInto === primaryId);
  const now = table.now();

  const selfOwn = selfItem ? ownReading(selfItem) : undefined;
  const replaced = replacesReading(selfOwn, write);
  const entry = sourceEntry(self, write.source, write.record, now);
  // The primary's own source may not be listed yet (its Store adds it after the body).
  const listed = primary.sources ?? [];
  const known = new Set(listed.map((s) => s.uri));
  const sourceAdded = !known.has(entry.uri);
  const isMember = group.members.includes(self);
  if (!replaced && !sourceAdded && isMember) return { written: false, sourceAdded: false, status: primary.status, logicalReportId: primaryId };

  // Every member's own reading, this file's as written now.
  const sources = [...listed.map(completeSource(primary)), ...(sourceAdded ? [entry] : [])];
  const fileOf = (id: string) => sources.find((s) => s.contentHash === id);
  const readingOf = (id: string, own: ReturnType<typeof ownReading>) =>
    own && { reportId: id, fileName: fileOf(id)?.fileName ?? id.slice(0, 12), receivedAt: fileOf(id)?.receivedAt ?? now, ...own };
  const newSelf = replaced ? { record: write.record, status: write.status as Status, parserVersion: write.parserVersion } : selfOwn;
  const readings = [
    readingOf(primaryId, self === primaryId ? newSelf : ownReading(primary)),
    ...otherIds.map((id, i) => readingOf(id, others[i] && ownReading(others[i]))),
    ...(self === primaryId ? [] : [readingOf(self, newSelf)]),
  ].filter((r): r is Reading => r !== undefined);
  const report = reportOfReadings(readings, carriedIdOf(primary), primary.reviews);
  const record = report.record;

  const primaryAfter = primaryItemAfter(primary, { ...report, primaryOwn: readings.find((r) => r.reportId === primaryId)!, sources, now });
  // What the aggregates hold now: the primary, and this file if it was a report of its own (a failure before).
  const counted = [primary, ...(self !== primaryId && selfItem && !selfItem.mergedInto ? [selfItem] : [])].filter((item) => item.revision !== undefined);
  const items = [
    { Put: { TableName: table.tableName, Item: primaryAfter, ...primaryGuard(primary) } },
    ...(self === primaryId ? [] : [{ Put: { TableName: table.tableName, Item: mergedItem(self, primaryId, newSelf!, selfItem, now), ...revisionGuard(selfItem) } }]),
    {
      Put: {
        TableName: table.tableName,
        Item: { ...group, members: [primaryId, ...otherIds, ...(self === primaryId ? [] : [self])], revision: group.revision + 1 },
        ...revisionGuard(group),
      },
    },
    ...(primary.status && primary.updatedAt && JSON.stringify(primary.record) !== JSON.stringify(record)
      ? [{ Put: { TableName: table.tableName, Item: historyItem(table, primaryId, primary) } }]
      : []),
    ...aggregateDeltas(counted, primaryAfter).map((delta) => aggregateUpdate(table.tableName, delta)),
  ];
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
  } catch (error) {
    if ((error as { name?: string })?.name === "TransactionCanceledException") return undefined;
    return rethrowClassified(error, `store ${self} into logical report ${primaryId}`);
  }
  return { written: replaced, sourceAdded, status: primaryAfter.status, logicalReportId: primaryId };
}

type PrimaryChange = {
  record: ReportRecord;
  /** The carried reading's status, or the reviewed record's where the report has reviews. */
  status: Status;
  reviews?: CellReviews;
  carried: Reading;
  primaryOwn: Reading;
  sources: Source[];
  now: string;
};

/**
 * The primary's item after a merge: the carried reading's record and status, every source, its own
 * reading aside. `primary` may be another member's item becoming the primary (its file's report left).
 */
function primaryItemAfter(primary: MemberItem, { record, status, reviews, carried, primaryOwn, sources, now }: PrimaryChange): MemberItem {
  const {
    ownRecord: _ownRecord,
    ownStatus: _ownStatus,
    ownParserVersion: _ownParserVersion,
    mergedInto: _mergedInto,
    agency: _agency,
    agencyKey: _agencyKey,
    ...rest
  } = primary;
  const format = sources.find((s) => s.contentHash === primary.reportId)?.format ?? primary.format;
  return {
    ...rest,
    record,
    ...(reviews ? { reviews } : {}),
    ...(format !== undefined ? { format } : {}),
    // sources.disagree is a warning: the carried reading's status stands.
    status,
    parserVersion: carried.parserVersion,
    parserVersionOrder: toVersionOrder(carried.parserVersion),
    ...(record.agency ? { agency: record.agency, agencyKey: record.agencyId ?? agencyKeyOf(record.agency) } : {}),
    year: record.year,
    edition: record.edition,
    errorCount: record.findings.filter((f) => f.severity === "error").length,
    sources: sources.map((s) => ({ ...s, carried: s.contentHash === carried.reportId })),
    sourceKeys: new Set(sources.map((s) => s.uri)),
    sourceCount: sources.length,
    ...(carried.reportId !== primary.reportId
      ? { ownRecord: primaryOwn.record, ownStatus: primaryOwn.status, ownParserVersion: primaryOwn.parserVersion }
      : {}),
    updatedAt: now,
    revision: (primary.revision ?? 0) + 1,
  };
}

/** Another member's item: its own reading, the report it belongs to, and no index keys. */
function mergedItem(
  reportId: string,
  primaryId: string,
  own: { record: ReportRecord; status: Status; parserVersion: string },
  before: MemberItem | undefined,
  now: string,
) {
  return {
    ...keyOf(reportId),
    reportId,
    mergedInto: primaryId,
    record: own.record,
    ownStatus: own.status,
    ownParserVersion: own.parserVersion,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
    revision: (before?.revision ?? 0) + 1,
  };
}

/**
 * A file read again as another report (another body or year, or none) leaves the logical report
 * `logicalKey` it was a source of, before its new reading is stored: the report is made again from
 * the files that remain (sources, the carried reading chosen again, `sources.disagree`, the reviews
 * carried onto the new carried reading, the aggregates changed from the report's old contribution to
 * its new one), with another file as its primary where the primary is the one leaving. Nothing when
 * the file is no member of it; the group is removed when no file remains. Idempotent, so a retried
 * Store may run it again.
 */
export async function leaveLogicalReport(table: RecordTable, leavingId: string, logicalKey: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const group = await readGroup(table, logicalKey);
    if (!group?.members.includes(leavingId)) return;
    if (await tryLeave(table, group, leavingId, logicalKey)) return;
    if (attempt >= MAX_ATTEMPTS) throw new TransientError(`take ${leavingId} out of logical report ${logicalKey}: still contended after ${attempt} attempts`);
    await sleep(Math.random() * Math.min(1000, 10 * 2 ** attempt));
  }
}

/** One attempt at leaving; false when something moved meanwhile (read again). */
async function tryLeave(table: RecordTable, group: Group, leavingId: string, logicalKey: string): Promise<boolean> {
  const items = new Map<string, MemberItem | undefined>();
  await Promise.all(group.members.map(async (id) => items.set(id, (await readItem(table, id)) as MemberItem | undefined)));
  const primary = items.get(group.primaryId);
  const belongs = (id: string) => {
    const item = items.get(id);
    const own = item && ownReading(item);
    return Boolean(own && logicalKeyOf(own.record) === logicalKey && (id === group.primaryId || item!.mergedInto === group.primaryId));
  };
  const remaining = group.members.filter((id) => id !== leavingId && belongs(id));
  if (!primary || remaining.length === 0) return deleteGroup(table, group, logicalKey);

  const primaryId = remaining.includes(group.primaryId) ? group.primaryId : remaining[0]!;
  const base = items.get(primaryId)!;
  const now = table.now();
  const kept = new Set(remaining);
  const sources = (primary.sources ?? []).map(completeSource(primary)).filter((s) => kept.has(s.contentHash!));
  const fileOf = (id: string) => sources.find((s) => s.contentHash === id);
  const readings: Reading[] = remaining.map((id) => ({
    reportId: id,
    fileName: fileOf(id)?.fileName ?? id.slice(0, 12),
    receivedAt: fileOf(id)?.receivedAt ?? now,
    ...ownReading(items.get(id)!)!,
  }));
  const report = reportOfReadings(readings, carriedIdOf(primary), primary.reviews);
  const primaryAfter = primaryItemAfter(base, { ...report, primaryOwn: readings.find((r) => r.reportId === primaryId)!, sources, now });
  const promoted = primaryId !== group.primaryId;
  const primaryLeaves = leavingId === group.primaryId;
  const members = remaining.filter((id) => id !== primaryId);
  // The old primary's contribution moves to the new one, unless it was read as another report before (it counts as that).
  const countedBefore = (!promoted || primaryLeaves) && primary.revision !== undefined ? primary : undefined;
  const transact = [
    { Put: { TableName: table.tableName, Item: primaryAfter, ...(promoted ? revisionGuard(base) : primaryGuard(primary)) } },
    // A leaving primary counts nowhere until its own write: for now, a file of the report it leaves.
    ...(primaryLeaves
      ? [{ Put: { TableName: table.tableName, Item: mergedItem(leavingId, primaryId, ownReading(primary)!, primary, now), ...primaryGuard(primary) } }]
      : []),
    // Where the primary leaves, the others now belong to the promoted one.
    ...(promoted
      ? members.map((id) => {
          const item = items.get(id)!;
          return { Put: { TableName: table.tableName, Item: mergedItem(id, primaryId, ownReading(item)!, item, now), ...revisionGuard(item) } };
        })
      : []),
    { Put: { TableName: table.tableName, Item: { ...group, primaryId, members: [primaryId, ...members], revision: group.revision + 1 }, ...revisionGuard(group) } },
    ...(!promoted && primary.status && primary.updatedAt ? [{ Put: { TableName: table.tableName, Item: historyItem(table, primaryId, primary) } }] : []),
    ...aggregateDeltas(countedBefore, primaryAfter).map((delta) => aggregateUpdate(table.tableName, delta)),
  ];
  try {
    await table.client.send(new TransactWriteCommand({ TransactItems: transact, ClientRequestToken: randomUUID() }));
  } catch (error) {
    if ((error as { name?: string })?.name === "TransactionCanceledException") return false;
    return rethrowClassified(error, `take ${leavingId} out of logical report ${logicalKey}`);
  }
  // The reviews moved with the report: so does their history (GET /reports/{id}/reviews).
  if (promoted && primary.reviews && Object.keys(primary.reviews).length > 0) await copyReviewHistory(table, group.primaryId, primaryId);
  return true;
}

/** Copies the `REVIEW#` items of one report id to another (the same keys: a retry copies nothing twice). */
async function copyReviewHistory(table: RecordTable, fromId: string, toId: string): Promise<void> {
  const items = await itemsUnder(table, fromId, REVIEW_SK_PREFIX, "review history");
  try {
    for (const item of items) await table.client.send(new PutCommand({ TableName: table.tableName, Item: { ...item, pk: toReportPk(toId), reportId: toId } }));
  } catch (error) {
    rethrowClassified(error, `copy the review history of ${fromId} to ${toId}`);
  }
}

/** Removes a group no file belongs to any more; false when it moved meanwhile. */
async function deleteGroup({ client, tableName }: RecordTable, group: Group, logicalKey: string): Promise<boolean> {
  try {
    await client.send(new DeleteCommand({ TableName: tableName, Key: groupKey(logicalKey), ...revisionGuard(group) }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    return rethrowClassified(error, `remove logical report ${logicalKey}`);
  }
}

/**
 * The records table's key design, shared by the CDK construct (lib/constructs/records-table.ts)
 * and the DynamoDB adapter (functions/adapters/), so the two can never disagree on a name.
 *
 * Pure module: no AWS SDK, no CDK, no process.env.
 *
 * Access patterns (all Query, never Scan):
 * - by report id (SHA-256 of the source bytes): `pk = REPORT#<id>`, `sk = RECORD`
 *   (other items of the same report share the pk with their own sk: earlier results
 *   `HISTORY#…`, reviewers' verdicts `REVIEW#<time>#<revision>`);
 * - by agency and year: index `byAgencyYear` (`agencyKey`, `year`);
 * - by status: index `byStatus` (`status`, `updatedAt`);
 * - by parser version: index `byParserVersion` (`parserVersion`, `updatedAt`).
 *
 * Other items share the table under their own pk prefix and carry none of the index key
 * attributes (GSIs are sparse), so no listing ever sees them: OCR limiter slots
 * (`LIMITER#<name>`), the sums `/stats` serves (`STATS#<scope>`, kept on every write of a record),
 * and workflow progress (`PROGRESS#<id>`, `sk = PROGRESS`), which
 * expires through the table's TTL attribute.
 */

/** DynamoDB scalar attribute types used by keys: S = string, N = number. */
export type KeyAttributeType = "S" | "N";

/** One key attribute: its name and DynamoDB type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A global secondary index: its name, partition key and sort key. */
export interface IndexSchema {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

export const TABLE_KEYS = {
  PARTITION_KEY: { name: "pk", type: "S" },
  SORT_KEY: { name: "sk", type: "S" },
} as const satisfies Record<string, KeyAttribute>;

export const TABLE_INDEXES = {
  BY_AGENCY_YEAR: {
    indexName: "byAgencyYear",
    partitionKey: { name: "agencyKey", type: "S" },
    sortKey: { name: "year", type: "N" },
  },
  BY_STATUS: {
    indexName: "byStatus",
    partitionKey: { name: "status", type: "S" },
    sortKey: { name: "updatedAt", type: "S" },
  },
  BY_PARSER_VERSION: {
    indexName: "byParserVersion",
    partitionKey: { name: "parserVersion", type: "S" },
    sortKey: { name: "updatedAt", type: "S" },
  },
} as const satisfies Record<string, IndexSchema>;

/** Key prefixes and fixed sort keys of the single-table design. */
export const KEY_PREFIXES = {
  REPORT: "REPORT#",
  RECORD_SK: "RECORD",
  SOURCE_SK: "SOURCE#",
  PROGRESS: "PROGRESS#",
  PROGRESS_SK: "PROGRESS",
  /** The registry of bodies (functions/adapters/agency-registry.ts): a body by id, the listing, names. */
  AGENCY: "AGENCY#",
  AGENCY_SK: "BODY",
  AGENCY_LISTING: "AGENCIES",
  AGENCY_NAME: "AGENCYNAME#",
  /** Imported lists of expected bodies (functions/adapters/body-lists.ts): one item per list, `sk` its scope. */
  BODY_LISTS: "BODYLISTS",
  /** The OCR limiter's slots (functions/adapters/rate-limiter.ts). */
  LIMITER: "LIMITER#",
  /** Uploads per caller and hour (functions/adapters/upload-quota.ts). */
  QUOTA: "QUOTA#",
  QUOTA_SK: "QUOTA",
  /** Aggregate items of `/stats` (functions/adapters/stats-aggregates.ts): `STATS#<scope>`, `sk = Y#<year or *>`. */
  STATS: "STATS#",
  /** The files of one logical report (same body, year and edition; functions/adapters/record-store-sources.ts): `LOGICAL#<key>`, `sk = GROUP`. */
  LOGICAL: "LOGICAL#",
  LOGICAL_SK: "GROUP",
  /** Export jobs (functions/adapters/export-jobs.ts): `EXPORT#<id>`, `sk = JOB`. */
  EXPORT: "EXPORT#",
  EXPORT_SK: "JOB",
} as const;

/**
 * The table's TTL attribute, in epoch seconds: items that should vanish on their own set it.
 * (Not `expiresAt`: the OCR limiter's slots use that name for their lease, in milliseconds.)
 */
export const TIME_TO_LIVE_ATTRIBUTE = "expireAfter";

/** Partition key of a report's workflow progress item. */
export function toProgressPk(reportId: string): string {
  return `${KEY_PREFIXES.PROGRESS}${reportId}`;
}

/** Partition key of a report's items, from its id (the SHA-256 hex of the source bytes). */
export function toReportPk(reportId: string): string {
  return `${KEY_PREFIXES.REPORT}${reportId}`;
}

/** Every index, as a list (for table creation in CDK and in DynamoDB Local). */
export const ALL_TABLE_INDEXES: readonly IndexSchema[] = Object.values(TABLE_INDEXES);

/**
 * Selects stored reports for reprocessing, through the table's indexes (never a Scan),
 * page by page: by agency (and year) on `byAgencyYear`, else by status on `byStatus`
 * (every record has a status, so the three status partitions list them all). The other
 * criteria filter the pages; a parser version "older than" compares as versions
 * (../shared/parser-version.ts), not as text.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { agencyKeyOf } from "../report/cross-year.ts";
import { compareVersions } from "../shared/parser-version.ts";
import { TABLE_INDEXES } from "../shared/table-schema.ts";
import { REPORT_STATUS, type ReportStatus, type Source } from "./record-store.ts";
import { rethrowClassified } from "../shared/transient.ts";

export type ReportFilter = {
  /** One status or several; absent: all. */
  status?: ReportStatus[];
  year?: number;
  agency?: string;
  /** Only records made by a parser version older than this one. */
  olderThan?: string;
};

/** One report to re-run: its id and the source object it is read from again. */
export type SelectedReport = { reportId: string; bucket: string; key: string; status: ReportStatus; parserVersion: string };

export interface ReportSelector {
  select(filter: ReportFilter): AsyncIterable<SelectedReport>;
}

type IndexItem = {
  reportId?: string;
  status?: ReportStatus;
  parserVersion?: string;
  year?: number;
  agency?: string;
  sources?: Source[];
};

/** Whether a record the index returned meets the whole filter. */
export function matchesFilter(item: IndexItem, filter: ReportFilter): boolean {
  if (filter.status && (!item.status || !filter.status.includes(item.status))) return false;
  if (filter.year !== undefined && item.year !== filter.year) return false;
  // Agencies match by key: a name with or without its city is the same agency.
  if (filter.agency !== undefined && (item.agency === undefined || agencyKeyOf(item.agency) !== agencyKeyOf(filter.agency))) return false;
  if (filter.olderThan !== undefined && compareVersions(item.parserVersion ?? "0", filter.olderThan) >= 0) return false;
  return true;
}

/** The index queries a filter needs (keyed on the narrowest attribute it names). */
export function planQueries(tableName: string, filter: ReportFilter, agencyKey = filter.agency && agencyKeyOf(filter.agency)): QueryCommandInput[] {
  const projection = {
    ProjectionExpression: "reportId, #status, parserVersion, #year, agency, sources",
    ExpressionAttributeNames: { "#status": "status", "#year": "year" } as Record<string, string>,
  };
  if (filter.agency !== undefined) {
    const idx = TABLE_INDEXES.BY_AGENCY_YEAR;
    const byYear = filter.year !== undefined;
    return [
      {
        TableName: tableName,
        IndexName: idx.indexName,
        KeyConditionExpression: byYear ? "#pk = :pk AND #year = :year" : "#pk = :pk",
        ...projection,
        ExpressionAttributeNames: { ...projection.ExpressionAttributeNames, "#pk": idx.partitionKey.name },
        ExpressionAttributeValues: { ":pk": agencyKey, ...(byYear ? { ":year": filter.year } : {}) },
      },
    ];
  }
  const idx = TABLE_INDEXES.BY_STATUS;
  return (filter.status ?? Object.values(REPORT_STATUS)).map((status) => ({
    TableName: tableName,
    IndexName: idx.indexName,
    KeyConditionExpression: "#pk = :pk",
    ...projection,
    ExpressionAttributeNames: { ...projection.ExpressionAttributeNames, "#pk": idx.partitionKey.name },
    ExpressionAttributeValues: { ":pk": status },
  }));
}

/**
 * A `ReportSelector` over the records table.
 *
 * @example
 * for await (const report of createDynamoReportSelector(client, table).select({ status: ["NEEDS_REVIEW"] })) { ... }
 */
export function createDynamoReportSelector(
  client: DynamoDBDocumentClient,
  tableName: string,
  /** The index key of an agency named by the filter: its agencyId (through the registry), else its name's key. */
  agencyKeyFor: (nameOrId: string) => Promise<string> = async (name) => agencyKeyOf(name),
): ReportSelector {
  return {
    async *select(filter) {
      const seen = new Set<string>();
      const agencyKey = filter.agency !== undefined ? await agencyKeyFor(filter.agency) : undefined;
      // The partition of the agency's key holds its reports whatever their spelling: no name check after it.
      const rest = agencyKey !== undefined ? { ...filter, agency: undefined } : filter;
      for (const query of planQueries(tableName, filter, agencyKey)) {
        let start: Record<string, unknown> | undefined;
        do {
          let page;
          try {
            page = await client.send(new QueryCommand({ ...query, ...(start ? { ExclusiveStartKey: start } : {}) }));
          } catch (error) {
            return rethrowClassified(error, "select reports");
          }
          for (const item of (page.Items ?? []) as IndexItem[]) {
            if (!item.reportId || !item.sources?.[0] || seen.has(item.reportId) || !matchesFilter(item, rest)) continue;
            // An index is eventually consistent: a record can show up twice while it moves.
            seen.add(item.reportId);
            // Each file of a report (several when it arrived as several, ../report/sources.ts) is read again.
            for (const source of filesOf(item.sources, item.reportId)) {
              yield {
                reportId: source.contentHash ?? item.reportId,
                bucket: source.bucket,
                key: source.key,
                status: item.status ?? REPORT_STATUS.FAILED,
                parserVersion: item.parserVersion ?? "0",
              };
            }
          }
          start = page.LastEvaluatedKey;
        } while (start);
      }
    },
  };
}

/** One source per file (content hash) of a report, the first listed; sources without a hash are the report's own file. */
function filesOf(sources: Source[], reportId: string): Source[] {
  const byFile = new Map<string, Source>();
  for (const source of sources) if (!byFile.has(source.contentHash ?? reportId)) byFile.set(source.contentHash ?? reportId, source);
  return [...byFile.values()];
}

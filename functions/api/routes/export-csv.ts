/** `GET /export.csv`: one row per matching report, every figure in its own column. */
import type { StoredReport } from "../../adapters/record-store.ts";
import { formatReportsCsv } from "../csv.ts";
import type { ApiDeps } from "../deps.ts";
import { HttpError } from "../errors.ts";
import { withAgencyKey } from "../agency-keys.ts";
import { defineRoute } from "../route.ts";
import { ErrorBody, ExportCsvQuery, type ExportQuery } from "../schemas.ts";

/** A Lambda proxy response may carry at most 6 MB; keep a margin for headers and encoding. */
export const MAX_EXPORT_BYTES = 5_500_000;

/** The reports an export's filters match, by agency then year. */
export async function matchingReports(filter: ExportQuery, deps: ApiDeps): Promise<StoredReport[]> {
  const reports: StoredReport[] = [];
  for await (const report of deps.query.each(await withAgencyKey(filter, deps.registry))) reports.push(report);
  return reports.sort((a, b) => (a.agency ?? "").localeCompare(b.agency ?? "", "zh") || (a.year ?? 0) - (b.year ?? 0));
}

/** Refuses an export that one Lambda response cannot carry. */
export function checkExportSize(bytes: number, reports: number, format: string): void {
  if (bytes > MAX_EXPORT_BYTES) {
    throw new HttpError(413, `${reports} reports make ${format} larger than one response can carry: narrow the filters (year, agency, status, edition)`);
  }
}

export const exportCsvRoute = defineRoute({
  method: "GET",
  path: "/export.csv",
  summary: "The matching reports as CSV",
  description:
    "UTF-8 with a byte-order mark (Excel), CRLF, one row per report; columns id … failure, then every figure as `<section>.<row>.<column>` (e.g. `applications.granted.total`), empty where a report's edition has no such cell. `headers=zh` names the columns in Chinese as the template prints them.",
  query: ExportCsvQuery,
  responses: {
    200: { description: "CSV", contentType: "text/csv; charset=utf-8" },
    400: { description: "A rejected parameter", schema: ErrorBody },
    413: { description: "Too many reports for one response: narrow the filters (e.g. by year)", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const { headers, ...filter } = query;
    const reports = await matchingReports(filter, deps);
    const body = formatReportsCsv(reports, headers);
    checkExportSize(Buffer.byteLength(body, "utf8"), reports.length, "a CSV");
    return {
      statusCode: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="nianbao-reports.csv"',
      },
      body,
    };
  },
});

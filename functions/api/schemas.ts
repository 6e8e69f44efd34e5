/**
 * Schemas of the query API: path and query parameters, request bodies and responses.
 * The router validates requests with them and the OpenAPI document (`GET /openapi.json`)
 * is generated from them, so the two cannot disagree.
 */
import * as z from "zod";
import { EDITIONS } from "../report/template.ts";
import type { PageCursor } from "../adapters/record-query.ts";
import { PROGRESS_STEPS } from "../adapters/progress-store.ts";

import { STATUSES } from "../shared/status.ts";

export { STATUSES };

export const ReportIdParam = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "报告编号应为报告文件的 SHA-256 十六进制摘要（64 位十六进制数字） (a report id is the SHA-256 hex digest (64 hex digits) of the report's bytes)")
  .transform((s) => s.toLowerCase())
  .meta({ description: "SHA-256 hex digest of the report's bytes", example: "5c0f…" });

export const Year = z.coerce
  .number({ error: "应为年份，如 2021 (expected a year such as 2021)" })
  .int("应为整数年份，如 2021 (expected a whole year such as 2021)")
  .min(1990, "年份应不早于 1990 (expected a year from 1990)")
  .max(2100, "年份应不晚于 2100 (expected a year up to 2100)")
  .meta({ description: "The year the statistics cover", example: 2021 });
const Agency = z.string().trim().min(1, "机关名称不能为空 (expected a non-empty agency name)").max(200).meta({
  description: "The publishing body, matched by agency key: simplified or traditional, with or without the city before a district (杭州市西湖区教育局 = 西湖区教育局)",
  example: "西湖区教育局",
});
const Status = z.enum(STATUSES, { error: `应为 ${STATUSES.join("、")} 之一 (expected one of ${STATUSES.join(", ")})` });
const Edition = z.enum(EDITIONS, { error: `应为 ${EDITIONS.join("、")} 之一 (expected one of ${EDITIONS.join(", ")})` });
const ParserVersion = z.string().min(1).max(50).meta({ description: "Only records made by this parser version" });

/** base64url of the JSON `{ p, k }` (functions/adapters/record-query.ts); opaque to clients. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

const PageCursorShape = z.strictObject({
  p: z.number().int().min(0).max(10),
  k: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const Cursor = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+$/, "应为上一页返回的 nextCursor (expected the nextCursor of a previous page)")
  .transform((text, ctx): PageCursor => {
    try {
      return PageCursorShape.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8"))) as PageCursor;
    } catch {
      ctx.addIssue({ code: "custom", message: "应为上一页返回的 nextCursor (expected the nextCursor of a previous page)" });
      return z.NEVER;
    }
  })
  .meta({ description: "The `nextCursor` of the previous page (opaque)" });

const Filter = {
  agency: Agency.optional(),
  year: Year.optional(),
  status: Status.optional(),
  edition: Edition.optional(),
  parserVersion: ParserVersion.optional(),
};

export const ListReportsQuery = z.strictObject({
  ...Filter,
  limit: z.coerce
    .number({ error: "应为 1 至 1000 的数字 (expected a number from 1 to 1000)" })
    .int("应为 1 至 1000 的整数 (expected a whole number from 1 to 1000)")
    .min(1, "应为 1 至 1000 的数字 (expected a number from 1 to 1000)")
    .max(1000, "应为 1 至 1000 的数字 (expected a number from 1 to 1000)")
    .default(100)
    .meta({ description: "Page size (1–1000, default 100)" }),
  cursor: Cursor.optional(),
});
export type ListReportsQuery = z.output<typeof ListReportsQuery>;

export const StatsQuery = z.strictObject(Filter);
export type StatsQuery = z.output<typeof StatsQuery>;

export const ExportQuery = z.strictObject(Filter);
export type ExportQuery = z.output<typeof ExportQuery>;

export const ExportCsvQuery = z.strictObject({
  ...Filter,
  headers: z
    .enum(["keys", "zh"], { error: "应为 keys 或 zh (expected keys or zh)" })
    .default("keys")
    .meta({ description: "The header row: `keys` (`applications.granted.total`) or `zh`, the template's Chinese names (`表三（一）予以公开·总计`)" }),
});
export type ExportCsvQuery = z.output<typeof ExportCsvQuery>;

export const ReportPathParams = z.strictObject({ id: ReportIdParam });

export const AgencyPathParams = z.strictObject({
  id: z
    .string()
    .trim()
    .min(1, "须给出机关编号 (expected an agency key)")
    .max(200, "机关编号最多 200 个字符 (expected an agency key of at most 200 characters)")
    .meta({ description: "The agencyId (GET /agencies), or any spelling of the body's name", example: "330106-1x2y3z4" }),
});

const AgencyCursor = z
  .string()
  .max(400)
  .regex(/^[A-Za-z0-9_-]+$/, "应为上一页返回的 nextCursor (expected the nextCursor of a previous page)")
  .transform((text, ctx) => {
    const key = Buffer.from(text, "base64url").toString("utf8");
    // A listing key: a region code, '#', an agencyId (functions/adapters/agency-registry.ts).
    if (/^\d{6}#\d{6}-[0-9a-z]{7}$/.test(key)) return key;
    ctx.addIssue({ code: "custom", message: "应为上一页返回的 nextCursor (expected the nextCursor of a previous page)" });
    return z.NEVER;
  })
  .meta({ description: "The `nextCursor` of the previous page (opaque)" });

export const ListAgenciesQuery = z.strictObject({
  q: z.string().trim().min(1, "expected part of a body's name").max(100).optional().meta({ description: "Part of a name (simplified or traditional)", example: "洪泽" }),
  region: z
    .string()
    .regex(/^\d{2,6}$/, "expected 2 to 6 digits of a GB/T 2260 division code")
    .optional()
    .meta({ description: "Prefix of the region code", example: "3208" }),
  limit: z.coerce
    .number({ error: "应为 1 至 1000 的数字 (expected a number from 1 to 1000)" })
    .int("应为 1 至 1000 的整数 (expected a whole number from 1 to 1000)")
    .min(1, "应为 1 至 1000 的数字 (expected a number from 1 to 1000)")
    .max(1000, "应为 1 至 1000 的数字 (expected a number from 1 to 1000)")
    .default(100),
  cursor: AgencyCursor.optional(),
});

const RegionSchema = z.object({ code: z.string(), province: z.string().nullable(), city: z.string().nullable(), county: z.string().nullable() });

export const AgencySummary = z.object({
  id: z.string().meta({ description: "agencyId: the region's code, a dash, a hash of the name without its division names" }),
  name: z.string().meta({ description: "The fullest of its names" }),
  names: z.array(z.string()),
  region: z.nullable(RegionSchema),
  level: z.enum(["province", "city", "county", "town"]).nullable(),
  kind: z.string().meta({ description: "人民政府, 办公厅（室） or 部门" }),
  years: z.array(z.number().int()),
});

export const AgencyList = z.object({ items: z.array(AgencySummary), nextCursor: z.string().nullable() });

export const AgencyBody = AgencySummary.extend({
  reports: z.array(z.object({ year: z.number().int(), reportId: z.string() })),
});

export const RegionsQuery = z.strictObject({
  parent: z.string().regex(/^\d{2}(?:\d{2}){0,2}$/, "expected a division code of 2, 4 or 6 digits").optional().meta({ example: "320000" }),
});

export const RegionList = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), level: z.enum(["province", "city", "county"]) })),
});

/** No parameters: an unknown one is a mistake worth a 400. */
export const SeriesQuery = z.strictObject({});

/** `a,b` (also `，` or `、`) → the trimmed, non-empty names. */
const List = (what: { zh: string; en: string }) =>
  z
    .string()
    .max(2000)
    .transform((text) => [...new Set(text.split(/[,，、]/).map((s) => s.trim()).filter(Boolean))])
    .refine((items) => items.length >= 2, `至少须给出两个${what.zh}，以逗号分隔 (expected at least two ${what.en}, separated by commas)`)
    .refine((items) => items.length <= 10, `最多给出十个${what.zh} (expected at most ten ${what.en})`);

export const CompareQuery = z
  .strictObject({
    agencies: List({ zh: "机关", en: "agencies" }).optional().meta({ description: "Agencies to compare (any spelling), with `year`", example: "西湖区教育局,乌海市教育局" }),
    year: Year.optional(),
    reports: List({ zh: "报告编号", en: "report ids" })
      .refine((ids) => ids.every((id) => /^[0-9a-fA-F]{64}$/.test(id)), "应为报告编号（64 位十六进制数字） (expected report ids (64 hex digits))")
      .transform((ids) => ids.map((id) => id.toLowerCase()))
      .optional()
      .meta({ description: "Or: report ids to compare (e.g. one agency's consecutive years)" }),
  })
  .superRefine((query, ctx) => {
    if (query.reports !== undefined) {
      if (query.agencies !== undefined) ctx.addIssue({ code: "custom", path: ["agencies"], message: "reports 与 agencies（加 year）只能给出其一 (give either reports or agencies with a year, not both)" });
      return;
    }
    if (query.agencies === undefined) ctx.addIssue({ code: "custom", path: ["agencies"], message: "须给出 agencies（加 year）或 reports (expected agencies (with year) or reports)" });
    else if (query.year === undefined) ctx.addIssue({ code: "custom", path: ["year"], message: "须给出比较各机关的年度 year (expected the year to compare the agencies in)" });
  });
export type CompareQuery = z.output<typeof CompareQuery>;

export const UploadRequest = z.strictObject({
  fileName: z
    .string()
    .min(1, "须给出文件名 (expected the file's name)")
    .max(255, "文件名最多 255 个字符 (expected a file name of at most 255 characters)")
    .meta({ example: "2019年政府信息公开工作年度报告.docx" }),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "应为文件的 SHA-256 十六进制摘要（crypto.subtle.digest） (expected the SHA-256 hex digest of the file (crypto.subtle.digest))")
    .transform((s) => s.toLowerCase()),
  size: z.number({ error: "应为文件大小（字节数） (expected the file's size in bytes)" }).int().min(1, "空文件不是报告 (an empty file is not a report)"),
  contentType: z.string().max(200).optional(),
});
export type UploadRequest = z.output<typeof UploadRequest>;

// ---------------------------------------------------------------------------
// Responses

export const ErrorBody = z.object({
  message: z.string(),
  parameter: z.string().optional().meta({ description: "The request parameter that was rejected" }),
  code: z.string().optional().meta({ description: "What went wrong, for programs: invalid_path, invalid_query, invalid_body, invalid_cursor, no_route, method_not_allowed, busy, internal" }),
});

const Nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

export const ReportListItem = z.object({
  id: z.string(),
  agency: Nullable(z.string()),
  year: Nullable(z.number()),
  edition: Nullable(z.string()),
  status: Status,
  parserVersion: z.string(),
  errorCount: z.number().int().meta({ description: "Findings of severity error (identities broken)" }),
  sourceCount: z.number().int(),
  fileName: Nullable(z.string()).meta({ description: "The file name of the report's first source (`incoming/a/b.pdf` → `b.pdf`)" }),
  failure: z.string().optional().meta({ description: "Why a FAILED report has no record: the cause, then the error (`文件为空（UnreadableDocumentError）`)" }),
  updatedAt: z.string(),
});
export type ReportListItem = z.infer<typeof ReportListItem>;

export const ReportList = z.object({
  items: z.array(ReportListItem),
  count: z.number().int(),
  nextCursor: Nullable(z.string()).meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
});

const SourceRef = z.object({
  bucket: z.string(),
  key: z.string(),
  uri: z.string(),
  receivedAt: z.string(),
  contentHash: z.string().optional().meta({ description: "SHA-256 of this file's bytes (its own reading's id)" }),
  fileName: z.string().optional(),
  format: z.string().optional(),
  readBy: z.enum(["text", "ocr", "grid"]).optional().meta({ description: "text layer/HTML/DOCX/text, OCR, or a grid of unread labels" }),
  layout: z.record(z.string(), z.string()).optional(),
  carried: z.boolean().optional().meta({ description: "the record carries this file's figures (one report arriving as several files)" }),
});

const Indicator = z.object({
  value: Nullable(z.number()).meta({ description: "numerator ÷ denominator; null when the denominator is 0" }),
  numerator: z.number(),
  denominator: z.number(),
  formula: z.string(),
});
const Indicators = z.object({ disclosureRate: Indicator, reviewCorrectionRate: Indicator });

export const ReportBody = z.looseObject({
  id: z.string(),
  status: Status,
  agency: Nullable(z.string()),
  year: Nullable(z.number()),
  edition: Nullable(z.string()),
  parserVersion: z.string(),
  findings: z
    .array(
      z.looseObject({
        rule: z.string(),
        severity: z.string(),
        message: z.string(),
        cells: z.array(z.string()),
        expected: Nullable(z.number()),
        actual: Nullable(z.number()),
        sentence: z.string().optional().meta({ description: "narrative.mismatch: the sentence of the prose that states the figure" }),
        related: z
          .object({ reportId: z.string(), year: z.number().int() })
          .optional()
          .meta({ description: "crossYear.*: the other year's report this finding compares with" }),
      }),
    )
    .optional()
    .meta({ description: "The record's own findings, then the cross-year findings against the agency's neighbouring years" }),
  textReuse: Nullable(z.looseObject({ previousReportId: z.string(), previousYear: z.number().int(), overall: z.number(), sections: z.record(z.string(), z.unknown()), method: z.string() })).meta({
    description: "This year's sections 一, 五, 六 against the body's report of the year before (shares 0–1, reused passages as offsets into sectionTexts); null when there is none",
  }),
  indicators: Nullable(Indicators).meta({ description: "Disclosure rate and review correction rate, each with its formula; null for a FAILED report" }),
  sources: z.array(SourceRef),
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ description: "The record of the contract (shared/spec/record.md) plus id, status and sources" });

const ReportColumn = z.object({
  id: z.string(),
  agency: Nullable(z.string()),
  year: Nullable(z.number()),
  edition: Nullable(z.string()),
  status: Status,
});
const FigureRow = z.object({
  name: z.string().meta({ description: "`<section>.<row>.<column>`, as the CSV columns" }),
  section: z.string(),
  row: z.string(),
  column: z.string(),
  values: z.array(Nullable(z.number())).meta({ description: "One per report, in the order of `reports`; null where a report has no such cell" }),
});

export const AgencySeries = z.object({
  agencyKey: z.string(),
  agencies: z.array(z.string()).meta({ description: "The names the reports print" }),
  reports: z.array(ReportColumn).meta({ description: "The agency's reports with figures, earliest year first" }),
  series: z.array(FigureRow),
});

export const Comparison = z.object({
  reports: z.array(ReportColumn),
  rows: z.array(FigureRow.extend({ differs: z.boolean().meta({ description: "The values are not all the same" }) })),
  differing: z.number().int(),
});

export const SourceTableParams = z.strictObject({
  id: ReportIdParam,
  table: z.coerce
    .number({ error: "应为表格序号 (expected a table index)" })
    .int("应为表格序号 (expected a table index)")
    .min(0, "表格序号应不小于 0 (expected a table index of 0 or more)")
    .max(9999, "表格序号应小于 10000 (expected a table index below 10000)")
    .meta({ description: "The table's index among the original's tables, as cellSources names it" }),
});

export const SourceTable = z.object({
  table: z.number(),
  format: z.string(),
  rows: z
    .array(z.array(z.object({ text: z.string(), rowSpan: z.number().optional(), colSpan: z.number().optional() })))
    .meta({ description: "Each row's cells as the reader read them: text, and spans above 1; spanned cells not repeated" }),
});

export const SourceLink = z.object({
  url: z.string().meta({ description: "A presigned GET URL of the original" }),
  expiresAt: z.string(),
  bucket: z.string(),
  key: z.string(),
});

const Columns = z.record(z.string(), z.number());
const MisreadShare = z.object({ key: z.string(), reviewed: z.number().int(), misread: z.number().int(), share: z.number() });
export const Stats = z.object({
  reportCount: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  reportsWithErrors: z.number().int(),
  applications: z.record(z.string(), Columns),
  outcomes: z.array(z.object({ key: z.string(), label: z.string(), count: z.number(), share: z.number() })),
  reviewLitigation: z.record(z.string(), Columns),
  byYear: z.array(z.object({ year: z.number().int(), reportCount: z.number().int(), outcomes: Columns })),
  indicators: Indicators.meta({ description: "Of the summed figures: sum of numerators ÷ sum of denominators" }),
  textReuse: z
    .object({
      measured: z.number().int(),
      sum: z.number(),
      mean: Nullable(z.number()),
      bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
    })
    .meta({ description: "textReuse.overall of the reports that have one: how many, their sum and mean, counts by tenth" }),
  reviews: z
    .object({
      confirmedMisprints: z.number().int(),
      unreviewedErrors: z.number().int(),
      reportsWithConfirmedMisprints: z.number().int(),
      misreadShare: z.object({ byReader: z.array(MisreadShare), byFormat: z.array(MisreadShare) }),
    })
    .meta({ description: "Reviewers' verdicts: error findings confirmed as the body's misprint apart from unreviewed ones; misreads ÷ reviewed cells per reader (rows, order, grid, ocr:<engine>) and per format" }),
  computedFrom: z.enum(["aggregates", "records"]).meta({
    description: "`aggregates`: the sums kept as reports are stored (time independent of the number of reports); `records`: summed from the matching records, read one by one",
  }),
  fallback: z.string().optional().meta({ description: "Why no aggregate covers the filters (when computedFrom is `records`)" }),
});

export const UploadTicket = z.object({
  reportId: z.string(),
  url: z.string().meta({ description: "POST a multipart form here: every field of `fields`, then `file`" }),
  fields: z.record(z.string(), z.string()),
  key: z.string(),
  maxBytes: z.number().int(),
  expiresAt: z.string(),
  statusPath: z.string().meta({ description: "Poll this until the record appears" }),
  progressPath: z.string().meta({ description: "Poll this to watch the report move through the workflow's steps" }),
});

const ProgressStepName = z.enum(PROGRESS_STEPS);
export const ReportProgressBody = z
  .object({
    reportId: z.string(),
    steps: z
      .array(z.object({ step: ProgressStepName, at: z.string().meta({ description: "When the step (last) started" }) }))
      .meta({ description: "The steps this report reached, in workflow order (Ocr only for scans, RecordFailure only on failure)" }),
    current: z
      .union([ProgressStepName, z.literal("Done")])
      .nullable()
      .meta({ description: "The step running now, Done once the record is stored, null for a record whose progress has expired" }),
    done: z.boolean().meta({ description: "The record is stored: `status` (and `failure`) say how it ended" }),
    status: Status.optional(),
    failure: z.object({ error: z.string(), cause: z.string() }).optional(),
    finishedAt: z.string().optional().meta({ description: "When the record was last written (its updatedAt)" }),
  })
  .meta({ description: "Where a report is in the workflow: upload → Extract → Ocr (scans) → Parse → Store → done" });
export type ReportProgressBody = z.infer<typeof ReportProgressBody>;

const Labelled = z.object({ key: z.string(), label: z.string() });
export const TemplateBody = z.object({
  editions: z.array(z.string()),
  sectionTitles: z.record(z.string(), z.string()),
  activeDisclosure: z.record(
    z.string(),
    z.array(z.object({ item: z.string(), rows: z.array(Labelled), columns: z.array(Labelled) })),
  ),
  applications: z.object({
    columns: z.array(Labelled),
    rows: z.record(
      z.string(),
      z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          group: Nullable(z.string()),
          /** Printed under 三、本年度办理结果 (a result row, or their total). */
          result: z.boolean(),
        }),
      ),
    ),
  }),
  reviewLitigation: z.object({ groups: z.array(Labelled), columns: z.array(Labelled) }),
  csvColumns: z.array(z.string()),
});

// ---------------------------------------------------------------------------
// Export jobs (POST /exports, GET /exports/{id}): the messages a rejected request gets are
// Chinese first, as the page shows them.

const EXPORT_FILTER_KEYS = ["agency", "year", "status", "edition", "parserVersion"] as const;

const ExportFilters = z
  .strictObject(
    {
      agency: Agency.optional(),
      year: z
        .number({ error: "筛选条件 year 应为年份，如 2021 (expected a year such as 2021)" })
        .int("筛选条件 year 应为整年，如 2021 (expected a whole year)")
        .min(1990, "筛选条件 year 应不早于 1990 年 (expected a year from 1990)")
        .max(2100, "筛选条件 year 应不晚于 2100 年 (expected a year up to 2100)")
        .optional(),
      status: z.enum(STATUSES, { error: `筛选条件 status 应为 ${STATUSES.join("、")} 之一 (expected one of ${STATUSES.join(", ")})` }).optional(),
      edition: z.enum(EDITIONS, { error: `筛选条件 edition 应为 ${EDITIONS.join("、")} 之一 (expected one of ${EDITIONS.join(", ")})` }).optional(),
      parserVersion: ParserVersion.optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `没有这样的筛选条件：${issue.keys.join("、")}（可用：${EXPORT_FILTER_KEYS.join("、")}）(unknown filter)`
          : "筛选条件应为一个对象，如 { \"year\": 2021 } (filters: expected an object)",
    },
  )
  .meta({ description: "The same filters as /reports and /export.csv" });

export const ExportRequest = z.strictObject(
  {
    format: z.enum(["csv", "xlsx", "jsonl"], { error: "导出格式 format 应为 csv、xlsx 或 jsonl 之一 (expected csv, xlsx or jsonl)" }),
    filters: ExportFilters.default({}),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `请求中有未知的字段：${issue.keys.join("、")}（可用：format、filters）(unknown field)` : undefined) },
);
export type ExportRequest = z.output<typeof ExportRequest>;

export const ExportJobParams = z.strictObject({
  id: z.uuid({ error: "导出任务编号应为 POST /exports 返回的 jobId (expected the jobId POST /exports returned)" }),
});

export const ExportJobView = z.object({
  jobId: z.string(),
  format: z.enum(["csv", "xlsx", "jsonl"]),
  state: z.enum(["QUEUED", "RUNNING", "DONE", "FAILED"]),
  written: z.number().int().meta({ description: "Records written to the file so far" }),
  createdAt: z.string(),
  changedAt: z.string(),
  statusPath: z.string(),
  download: z
    .object({ url: z.string(), expiresAt: z.string(), bytes: z.number().int(), fileName: z.string() })
    .optional()
    .meta({ description: "When DONE: a presigned GET of the file, valid for PRESIGN_TTL_SECONDS" }),
  failure: z.string().optional().meta({ description: "When FAILED: why, in Chinese" }),
});

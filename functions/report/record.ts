/**
 * The record of the contract (../shared/spec/record.md) as a zod schema, derived from the template.
 * zod/mini (the same core, functions in place of methods): its schemas cost less to build, and
 * every `nianbao parse` builds them once.
 */
import * as z from "zod/mini";
import {
  APPLICANT_COLUMNS,
  disclosureRowsOf,
  recordedApplicationRowsOf,
  type Edition,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
  SEVERITY,
} from "./template.ts";
import { ParsedStatus, Status } from "../shared/status.ts";

// zod 4's number is finite (no Infinity, no NaN).
const Figure = z.number();

const columnsObject = (keys: readonly string[]) => z.strictObject(Object.fromEntries(keys.map((k) => [k, Figure])));

function activeDisclosureSchema(edition: Edition) {
  return z.strictObject(
    Object.fromEntries(disclosureRowsOf(edition).map(({ row, columns }) => [row.key, z.optional(columnsObject(columns.map((c) => c.key)))])),
  );
}

function applicationsSchema(edition: Edition) {
  const row = z.optional(columnsObject(APPLICANT_COLUMNS.map((c) => c.key)));
  return z.strictObject(Object.fromEntries(recordedApplicationRowsOf(edition).map((r) => [r.key, row])));
}

const ReviewLitigation = z.strictObject(
  Object.fromEntries(REVIEW_GROUPS.map((g) => [g.key, z.optional(columnsObject(REVIEW_COLUMNS.map((c) => c.key)))])),
);

export const Finding = z.strictObject({
  rule: z.string().check(z.minLength(1)),
  severity: z.enum([SEVERITY.ERROR, SEVERITY.WARNING, SEVERITY.INFO]),
  message: z.string(),
  cells: z.array(z.string()),
  expected: z.nullable(z.number()),
  actual: z.nullable(z.number()),
  sentence: z.optional(z.string()),
});
export type Finding = z.infer<typeof Finding>;

/** The status values (defined once, ../shared/status.ts) under the record's name for them. */
export { Status as ReportStatus };

const Layout = z.enum(["rows", "order", "grid", "missing"]);

/** The body's division (GB/T 2260): see functions/report/region.ts. */
export const RegionSchema = z.strictObject({
  code: z.string().check(z.regex(/^\d{6}$/)),
  province: z.string().check(z.minLength(1)),
  city: z.nullable(z.string().check(z.minLength(1))),
  county: z.nullable(z.string().check(z.minLength(1))),
});

/** Where a figure was read (functions/report/cell-sources.ts): one compact entry per figure. */
export const CellSourceSchema = z.strictObject({
  via: z.enum(["rows", "order", "grid", "ocr"]),
  page: z.optional(z.int().check(z.positive())),
  box: z.optional(z.tuple([z.number(), z.number(), z.number(), z.number()])),
  table: z.optional(z.int().check(z.nonnegative())),
  row: z.optional(z.int().check(z.nonnegative())),
  col: z.optional(z.int().check(z.nonnegative())),
  line: z.optional(z.int().check(z.positive())),
  span: z.optional(z.tuple([z.int().check(z.nonnegative()), z.int().check(z.nonnegative())])),
  confidence: z.optional(z.number().check(z.gte(0), z.lte(100))),
  inferred: z.optional(z.literal(true)),
});

const common = {
  agency: z.nullable(z.string().check(z.minLength(1))),
  /** Stable id of the body (region code + hash of its name without division names); optional so that older stored records parse. */
  agencyId: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  /** Null when no real division matches; optional so that older stored records parse. */
  region: z.optional(z.nullable(RegionSchema)),
  year: z.int().check(z.gte(1990), z.lte(2100)),
  findings: z.array(Finding),
  status: ParsedStatus,
  parserVersion: z.string(),
  /** How each table was read: by labelled rows, or by the order of its numbers. */
  layout: z.strictObject({ activeDisclosure: Layout, applications: Layout, reviewLitigation: Layout }),
  /** Cells whose place was chosen by an identity rather than read from the layout. */
  inferredCells: z.array(z.string()),
  /** Set when the report says it speaks for its whole area (全市共受理…, 汇总): checked against its subordinates (hierarchy.ts). */
  summarises: z.optional(z.literal(true)),
  /**
   * The prose of sections 一, 五 and 六 (at most MAX_SECTION_CHARS each; null where not found): the
   * next year's report is compared with it (text reuse). Optional so that older stored records parse.
   */
  sectionTexts: z.optional(z.strictObject({ overview: z.nullable(z.string()), problems: z.nullable(z.string()), other: z.nullable(z.string()) })),
  /**
   * The figures the prose states and the cells each is checked against (functions/report/narrative.ts),
   * so that a reviewer's correction checks the prose again; optional so that older stored records parse.
   */
  statedFigures: z.optional(
    z.array(z.strictObject({ rule: z.string().check(z.minLength(1)), quantity: z.string(), sentence: z.string(), stated: z.number(), cells: z.array(z.string()) })),
  ),
  /** Where each figure (`<row>.<column>`) was read in the source; optional so that older stored records parse. */
  cellSources: z.optional(z.record(z.string(), CellSourceSchema)),
  /** Which pages were read by OCR, by which engine, and its mean confidence (0..100). */
  ocr: z.optional(
    z.strictObject({
      engine: z.string(),
      pages: z.array(z.int().check(z.positive())),
      confidence: z.optional(z.number().check(z.gte(0), z.lte(100))),
      /** Each OCR'd page's size in points as the engine measured it, by page number: the frame of its cells' boxes. */
      pageSizes: z.optional(z.record(z.string(), z.tuple([z.number().check(z.positive()), z.number().check(z.positive())]))),
    }),
  ),
};

const recordOf = <E extends Edition>(edition: E) =>
  z.strictObject({
    ...common,
    edition: z.literal(edition),
    activeDisclosure: activeDisclosureSchema(edition),
    applications: applicationsSchema(edition),
    reviewLitigation: ReviewLitigation,
  });

/** A record of either edition. Unknown keys are bugs (strict objects). */
export const ReportRecord = z.discriminatedUnion("edition", [recordOf("2019"), recordOf("2021")]);
export type ReportRecord = z.infer<typeof ReportRecord>;

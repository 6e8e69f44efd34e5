/**
 * The record of the contract (../shared/spec/record.md) as a zod schema, derived from the template.
 */
import * as z from "zod";
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

const Figure = z.number().finite();

const columnsObject = (keys: readonly string[]) => z.strictObject(Object.fromEntries(keys.map((k) => [k, Figure])));

function activeDisclosureSchema(edition: Edition) {
  return z.strictObject(
    Object.fromEntries(disclosureRowsOf(edition).map(({ row, columns }) => [row.key, columnsObject(columns.map((c) => c.key)).optional()])),
  );
}

function applicationsSchema(edition: Edition) {
  const row = columnsObject(APPLICANT_COLUMNS.map((c) => c.key));
  return z.strictObject(Object.fromEntries(recordedApplicationRowsOf(edition).map((r) => [r.key, row.optional()])));
}

const ReviewLitigation = z.strictObject(
  Object.fromEntries(REVIEW_GROUPS.map((g) => [g.key, columnsObject(REVIEW_COLUMNS.map((c) => c.key)).optional()])),
);

export const Finding = z.strictObject({
  rule: z.string().min(1),
  severity: z.enum([SEVERITY.ERROR, SEVERITY.WARNING, SEVERITY.INFO]),
  message: z.string(),
  cells: z.array(z.string()),
  expected: z.number().nullable(),
  actual: z.number().nullable(),
  sentence: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

/** The status values (defined once, ../shared/status.ts) under the record's name for them. */
export { Status as ReportStatus };

const Layout = z.enum(["rows", "order", "grid", "missing"]);

/** The body's division (GB/T 2260): see functions/report/region.ts. */
export const RegionSchema = z.strictObject({
  code: z.string().regex(/^\d{6}$/),
  province: z.string().min(1),
  city: z.string().min(1).nullable(),
  county: z.string().min(1).nullable(),
});

/** Where a figure was read (functions/report/cell-sources.ts): one compact entry per figure. */
export const CellSourceSchema = z.strictObject({
  via: z.enum(["rows", "order", "grid", "ocr"]),
  page: z.number().int().positive().optional(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
  table: z.number().int().nonnegative().optional(),
  row: z.number().int().nonnegative().optional(),
  col: z.number().int().nonnegative().optional(),
  line: z.number().int().positive().optional(),
  span: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]).optional(),
  confidence: z.number().min(0).max(100).optional(),
  inferred: z.literal(true).optional(),
});

const common = {
  agency: z.string().min(1).nullable(),
  /** Stable id of the body (region code + hash of its name without division names); optional so that older stored records parse. */
  agencyId: z.string().min(1).nullable().optional(),
  /** Null when no real division matches; optional so that older stored records parse. */
  region: RegionSchema.nullable().optional(),
  year: z.number().int().min(1990).max(2100),
  findings: z.array(Finding),
  status: ParsedStatus,
  parserVersion: z.string(),
  /** How each table was read: by labelled rows, or by the order of its numbers. */
  layout: z.strictObject({ activeDisclosure: Layout, applications: Layout, reviewLitigation: Layout }),
  /** Cells whose place was chosen by an identity rather than read from the layout. */
  inferredCells: z.array(z.string()),
  /** Set when the report says it speaks for its whole area (全市共受理…, 汇总): checked against its subordinates (hierarchy.ts). */
  summarises: z.literal(true).optional(),
  /**
   * The prose of sections 一, 五 and 六 (at most MAX_SECTION_CHARS each; null where not found): the
   * next year's report is compared with it (text reuse). Optional so that older stored records parse.
   */
  sectionTexts: z.strictObject({ overview: z.string().nullable(), problems: z.string().nullable(), other: z.string().nullable() }).optional(),
  /**
   * The figures the prose states and the cells each is checked against (functions/report/narrative.ts),
   * so that a reviewer's correction checks the prose again; optional so that older stored records parse.
   */
  statedFigures: z
    .array(z.strictObject({ rule: z.string().min(1), quantity: z.string(), sentence: z.string(), stated: z.number(), cells: z.array(z.string()) }))
    .optional(),
  /** Where each figure (`<row>.<column>`) was read in the source; optional so that older stored records parse. */
  cellSources: z.record(z.string(), CellSourceSchema).optional(),
  /** Which pages were read by OCR, by which engine, and its mean confidence (0..100). */
  ocr: z
    .strictObject({
      engine: z.string(),
      pages: z.array(z.number().int().positive()),
      confidence: z.number().min(0).max(100).optional(),
      /** Each OCR'd page's size in points as the engine measured it, by page number: the frame of its cells' boxes. */
      pageSizes: z.record(z.string(), z.tuple([z.number().positive(), z.number().positive()])).optional(),
    })
    .optional(),
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

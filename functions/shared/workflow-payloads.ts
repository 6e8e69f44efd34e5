/**
 * What the pipeline's states pass to each other (see lib/workflow.ts for the flow).
 * Small on purpose: the extracted document and the parsed record live in the artifacts
 * bucket, and only their keys travel through the state.
 */
import * as z from "zod";
import { ParsedStatus, Status } from "./status.ts";

export const ReportId = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hex digest");

/** An execution's input, as the ingest handler starts it. */
export const ExecutionInput = z.looseObject({
  bucket: z.string().min(1),
  key: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  eTag: z.string().optional(),
});
export type ExecutionInput = z.infer<typeof ExecutionInput>;

export const Extracted = z.object({
  reportId: ReportId,
  artifactKey: z.string().min(1),
  format: z.string(),
  pageCount: z.number().int().nonnegative(),
  needsOcr: z.boolean(),
  fileName: z.string(),
});
export type Extracted = z.infer<typeof Extracted>;

export const ParseInput = z.looseObject({ ...ExecutionInput.shape, extracted: Extracted });
export type ParseInput = z.infer<typeof ParseInput>;

export const Parsed = z.object({
  reportId: ReportId,
  status: ParsedStatus,
  recordKey: z.string().min(1),
  parserVersion: z.string(),
  agency: z.string().nullable(),
  year: z.number().nullable(),
  edition: z.string().nullable(),
  /** Cells named by error findings: the ones that do not add up. */
  errorCells: z.array(z.string()),
  /** The error findings in a few words each (`resultsTotal.total 19≠0`), for notifications. */
  problems: z.array(z.string()).default([]),
});
export type Parsed = z.infer<typeof Parsed>;

export const StoreInput = z.looseObject({ ...ParseInput.shape, parsed: Parsed });
export type StoreInput = z.infer<typeof StoreInput>;

export const FailureReason = z.object({ error: z.string(), cause: z.string() });

export const Stored = z.object({
  reportId: ReportId,
  status: Status,
  written: z.boolean(),
  sourceAdded: z.boolean(),
  failure: FailureReason.optional(),
});
export type Stored = z.infer<typeof Stored>;

/** What a Catch puts at `$.error`. */
export const StepError = z.object({ Error: z.string(), Cause: z.string().optional() });
export type StepError = z.infer<typeof StepError>;

export const RecordFailureInput = z.looseObject({
  ...ExecutionInput.shape,
  extracted: Extracted.optional(),
  parsed: Parsed.optional(),
  error: StepError,
});
export type RecordFailureInput = z.infer<typeof RecordFailureInput>;

export const NotifyInput = z.looseObject({
  ...ExecutionInput.shape,
  parsed: Parsed.optional(),
  stored: Stored,
});
export type NotifyInput = z.infer<typeof NotifyInput>;

/** Keys in the artifacts bucket (one prefix, so a shared bucket can exclude it from ingestion). */
export const ARTIFACT_PREFIX = "artifacts/";

/**
 * Uploads live under this prefix of the ingest bucket, and only objects under it start the
 * workflow (the S3 notification's filter in the cloud, the local stand-in's delivery filter).
 */
export const INGEST_PREFIX = "incoming/";
export function toDocumentArtifactKey(reportId: string): string {
  return `${ARTIFACT_PREFIX}documents/${reportId}.json`;
}
export function toRecordArtifactKey(reportId: string, parserVersion: string): string {
  return `${ARTIFACT_PREFIX}records/${reportId}/${parserVersion.replace(/[^\w.-]/g, "_")}.json`;
}

/** CrossYear's input: the stored report (the state after Store). */
export const CrossYearInput = z.looseObject({ ...ExecutionInput.shape, stored: Stored });
export type CrossYearInput = z.infer<typeof CrossYearInput>;

/** What CrossYear leaves at `$.crossYear`: the neighbours it checked and the findings on this record. */
export const CrossYearResult = z.object({
  reportId: ReportId,
  neighbours: z.array(ReportId),
  findings: z.number().int().nonnegative(),
  /** Why nothing was checked (a record without agency or year, or none at all). */
  skipped: z.string().optional(),
  /** The summary reports checked against their subordinates (functions/report/hierarchy.ts), and the findings written. */
  hierarchy: z.object({ summaries: z.array(ReportId), findings: z.number().int().nonnegative() }).optional(),
});
export type CrossYearResult = z.infer<typeof CrossYearResult>;

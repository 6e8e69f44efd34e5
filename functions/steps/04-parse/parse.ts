/**
 * Parse: maps the extracted document onto the template and validates it; writes the
 * record of the contract to the artifacts bucket and passes on its key and status.
 */
import type { ObjectStore } from "../../adapters/object-store.ts";
import type { ProgressStore } from "../../adapters/progress-store.ts";
import type { ExtractedDocument } from "../../documents/model.ts";
import { PARSER_VERSION, parseReport } from "../../report/index.ts";
import { markProgress } from "../../shared/progress.ts";
import { stepLogger } from "../../shared/logger.ts";
import { describeErrors } from "../../shared/problems.ts";
import { toRecordArtifactKey, type ParseInput, type Parsed } from "../../shared/workflow-payloads.ts";

import type { Finding } from "../../report/record.ts";

/** The cells named by error findings, in order, without repeats. */
export function collectErrorCells(findings: readonly Pick<Finding, "severity" | "cells">[]): string[] {
  const cells = new Set<string>();
  for (const finding of findings) {
    if (finding.severity !== "error" || !Array.isArray(finding.cells)) continue;
    for (const cell of finding.cells) if (typeof cell === "string") cells.add(cell);
  }
  return [...cells];
}

/** What Parse needs: the artifacts (the document in, the record out) and the progress marks. */
export type ParseDeps = { objects: ObjectStore; progress: ProgressStore; artifactsBucket: string };

/**
 * Parses the extracted document of `input` into the record of the contract and writes it.
 *
 * @example
 * const parsed = await runParse({ bucket, key, extracted }, { objects, progress, artifactsBucket });
 * // { reportId, status: "VALID", recordKey, parserVersion, agency, year, edition, errorCells: [], problems: [] }
 */
export async function runParse(input: ParseInput, deps: ParseDeps): Promise<Parsed> {
  const { objects, artifactsBucket } = deps;
  const { reportId, artifactKey } = input.extracted;
  const log = stepLogger("parse", { reportId });
  await markProgress(deps.progress, reportId, "Parse", log);

  const doc = await objects.getJson<ExtractedDocument>(artifactsBucket, artifactKey);
  const { record, status } = parseReport(doc);
  const recordKey = toRecordArtifactKey(reportId, PARSER_VERSION);
  await objects.putJson(artifactsBucket, recordKey, record);
  const errorCells = collectErrorCells(record.findings);
  log.info("parsed", { status, agency: record.agency, year: record.year, errorCells });
  return {
    reportId,
    status,
    recordKey,
    parserVersion: PARSER_VERSION,
    agency: record.agency ?? null,
    year: record.year ?? null,
    edition: record.edition ?? null,
    errorCells,
    problems: describeErrors(record.findings, record.edition),
  };
}

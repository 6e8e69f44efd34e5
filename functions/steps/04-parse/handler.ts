/**
 * Parse: maps the extracted document onto the template and validates it; writes the
 * record of the contract to the artifacts bucket and passes on its key and status.
 */
import middy from "@middy/core";
import { getAdapter } from "../../adapters/index.ts";
import type { ExtractedDocument } from "../../documents/model.ts";
import { PARSER_VERSION, parseReport } from "../../report/index.ts";
import { readConfig, requireConfig } from "../../shared/config.ts";
import { parseEventWith } from "../../shared/handler-kit.ts";
import { markProgress } from "../../shared/progress.ts";
import { stepLogger } from "../../shared/logger.ts";
import { describeErrors } from "../../shared/problems.ts";
import { ParseInput, toRecordArtifactKey, type Parsed } from "../../shared/workflow-payloads.ts";

type FindingLike = { severity?: unknown; cells?: unknown };

/** The cells named by error findings, in order, without repeats. */
export function collectErrorCells(findings: readonly FindingLike[]): string[] {
  const cells = new Set<string>();
  for (const finding of findings) {
    if (finding.severity !== "error" || !Array.isArray(finding.cells)) continue;
    for (const cell of finding.cells) if (typeof cell === "string") cells.add(cell);
  }
  return [...cells];
}

export const handler = middy<ParseInput, Parsed>()
  .use(parseEventWith(ParseInput))
  .handler(async (event) => {
    const artifactsBucket = requireConfig(readConfig(), "ARTIFACTS_BUCKET");
    const { reportId, artifactKey } = event.extracted;
    const log = stepLogger("parse", { reportId });
    await markProgress(reportId, "Parse", log);
    const objects = getAdapter("objects");

    const doc = await objects.getJson<ExtractedDocument>(artifactsBucket, artifactKey);
    const { record, status } = parseReport(doc);
    const recordKey = toRecordArtifactKey(reportId, PARSER_VERSION);
    await objects.putJson(artifactsBucket, recordKey, record);
    const errorCells = collectErrorCells(record.findings as FindingLike[]);
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
      problems: describeErrors(record.findings as FindingLike[]),
    };
  });

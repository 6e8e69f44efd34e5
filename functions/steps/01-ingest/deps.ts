/** Ingest's dependencies in Lambda: the Step Functions client of the pipeline's state machine. */
import { buildWorkflowStarter } from "../../adapters/index.ts";
import type { Config } from "../../shared/config.ts";
import type { IngestDeps } from "./ingest.ts";

export function buildIngestDeps(config: Config): IngestDeps {
  return { workflow: buildWorkflowStarter(config) };
}

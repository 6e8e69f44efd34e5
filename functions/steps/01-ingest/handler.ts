/** Ingest's Lambda: S3 / SQS / EventBridge event -> zod -> `runIngest` (./ingest.ts). */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { buildIngestDeps } from "./deps.ts";
import { IngestEvent, runIngest, type IngestDeps, type IngestResult } from "./ingest.ts";

/** The middy handler of Ingest over the given dependencies (the local stack passes its own). */
export function createIngestHandler(deps: () => IngestDeps) {
  return middy<IngestEvent, IngestResult>()
    .use(parseEventWith(IngestEvent))
    .handler(function ingestHandler(event) {
      return runIngest(event, deps());
    });
}

export const handler = createIngestHandler(once(() => buildIngestDeps(readConfig())));

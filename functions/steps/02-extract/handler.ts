/** Extract's Lambda: execution input -> zod -> `runExtract` (./extract.ts) -> `$.extracted`. */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { ExecutionInput, type Extracted } from "../../shared/workflow-payloads.ts";
import { buildExtractDeps } from "./deps.ts";
import { runExtract, type ExtractDeps } from "./extract.ts";

/** The middy handler of Extract over the given dependencies (the local stack passes its own). */
export function createExtractHandler(deps: () => ExtractDeps) {
  return middy<ExecutionInput, Extracted>()
    .use(parseEventWith(ExecutionInput))
    .handler(function extractHandler(event) {
      return runExtract(event, deps());
    });
}

export const handler = createExtractHandler(once(() => buildExtractDeps(readConfig())));

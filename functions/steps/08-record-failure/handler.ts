/** RecordFailure's Lambda: state with a Catch's `error` -> zod -> `runRecordFailure` (./record-failure.ts) -> `$.stored`. */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { RecordFailureInput, type Stored } from "../../shared/workflow-payloads.ts";
import { buildRecordFailureDeps } from "./deps.ts";
import { runRecordFailure, type RecordFailureDeps } from "./record-failure.ts";

/** The middy handler of RecordFailure over the given dependencies (the local stack passes its own). */
export function createRecordFailureHandler(deps: () => RecordFailureDeps) {
  return middy<RecordFailureInput, Stored>()
    .use(parseEventWith(RecordFailureInput))
    .handler(function recordFailureHandler(event) {
      return runRecordFailure(event, deps());
    });
}

export const handler = createRecordFailureHandler(once(() => buildRecordFailureDeps(readConfig())));

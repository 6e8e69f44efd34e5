/** Select's Lambda (reprocess workflow): the filter -> zod -> `runSelectReports` (./select-reports.ts). */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { buildSelectReportsDeps } from "./deps.ts";
import { runSelectReports, type SelectReportsDeps } from "./select-reports.ts";
import { SelectInput, type Selection } from "./selection.ts";

/** The middy handler of Select over the given dependencies (the local stack passes its own). */
export function createSelectReportsHandler(deps: () => SelectReportsDeps) {
  return middy<SelectInput, Selection>()
    .use(parseEventWith(SelectInput))
    .handler(function selectReportsHandler(event) {
      return runSelectReports(event, deps());
    });
}

export const handler = createSelectReportsHandler(once(() => buildSelectReportsDeps(readConfig())));

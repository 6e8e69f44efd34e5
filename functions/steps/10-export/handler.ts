/** Export's Lambda (export workflow): `{ jobId, error? }` -> zod -> `runExport` (./export.ts). */
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { buildExportDeps } from "./deps.ts";
import { ExportInput, runExport, type ExportDeps, type ExportOutput } from "./export.ts";

/** The middy handler of Export over the given dependencies (the local stack passes its own). */
export function createExportHandler(deps: () => ExportDeps) {
  return middy<ExportInput, ExportOutput, Error, Context>()
    .use(parseEventWith(ExportInput))
    .handler(function exportHandler(event, context) {
      // The local runner passes no real context: no time limit there.
      const remaining = typeof context?.getRemainingTimeInMillis === "function" ? () => context.getRemainingTimeInMillis() : undefined;
      return runExport(event, deps(), remaining);
    });
}

export const handler = createExportHandler(once(() => buildExportDeps(readConfig())));

/** CrossYear's Lambda: state with `stored` -> zod -> `runCrossYear` (./cross-year.ts) -> `$.crossYear`. */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { CrossYearInput, type CrossYearResult } from "../../shared/workflow-payloads.ts";
import { buildCrossYearDeps } from "./deps.ts";
import { runCrossYear, type CrossYearDeps } from "./cross-year.ts";

/** The middy handler of CrossYear over the given dependencies (the local stack passes its own). */
export function createCrossYearHandler(deps: () => CrossYearDeps) {
  return middy<CrossYearInput, CrossYearResult>()
    .use(parseEventWith(CrossYearInput))
    .handler(function crossYearHandler(event) {
      return runCrossYear(event, deps());
    });
}

export const handler = createCrossYearHandler(once(() => buildCrossYearDeps(readConfig())));

/** Parse's Lambda: state with `extracted` -> zod -> `runParse` (./parse.ts) -> `$.parsed`. */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { ParseInput, type Parsed } from "../../shared/workflow-payloads.ts";
import { buildParseDeps } from "./deps.ts";
import { runParse, type ParseDeps } from "./parse.ts";

/** The middy handler of Parse over the given dependencies (the local stack passes its own). */
export function createParseHandler(deps: () => ParseDeps) {
  return middy<ParseInput, Parsed>()
    .use(parseEventWith(ParseInput))
    .handler(function parseHandler(event) {
      return runParse(event, deps());
    });
}

export const handler = createParseHandler(once(() => buildParseDeps(readConfig())));

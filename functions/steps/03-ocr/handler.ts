/** The Ocr step's Lambda: state with `extracted.needsOcr` -> zod -> `runOcr` (./ocr.ts) -> `$.extracted`. */
import middy from "@middy/core";
import { readConfig } from "../../shared/config.ts";
import { once, parseEventWith } from "../../shared/handler-kit.ts";
import { ParseInput, type Extracted } from "../../shared/workflow-payloads.ts";
import { buildOcrDeps } from "./deps.ts";
import { runOcr, type OcrDeps } from "./ocr.ts";

/** The middy handler of the Ocr step over the given dependencies (the local stack passes its own). */
export function createOcrHandler(deps: () => OcrDeps) {
  return middy<ParseInput, Extracted>()
    .use(parseEventWith(ParseInput))
    .handler(function ocrHandler(event) {
      return runOcr(event, deps());
    });
}

export const handler = createOcrHandler(once(() => buildOcrDeps(readConfig())));

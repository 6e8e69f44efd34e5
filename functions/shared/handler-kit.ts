/** Pieces every handler uses: zod validation of the event as a middy middleware. */
import type { MiddlewareObj } from "@middy/core";
import * as z from "zod";
import { InvalidEventError } from "./errors.ts";

/**
 * A middy middleware that replaces the raw event with its zod-parsed form, or throws
 * `InvalidEventError` (which the state machine does not retry).
 *
 * @example
 * export const handler = middy<z.output<typeof ParseInput>, Parsed>()
 *   .use(parseEventWith(ParseInput))
 *   .handler(async (event) => ...);
 */
export function parseEventWith<S extends z.ZodType>(schema: S): MiddlewareObj<z.output<S>> {
  return {
    before: function parseEventWithBefore(request) {
      const parsed = schema.safeParse(request.event);
      if (!parsed.success) {
        throw new InvalidEventError(`invalid event: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
      }
      request.event = parsed.data;
    },
  };
}

/**
 * A value built on first use and kept: a handler's dependencies, built once per container
 * (at the first invocation, so a missing variable fails that invocation with a ConfigError).
 *
 * @example
 * export const handler = createParseHandler(once(() => buildParseDeps(readConfig())));
 */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return function buildOnce() {
    built ??= { value: build() };
    return built.value;
  };
}

/** CrossYear's dependencies in Lambda: the records table's cross-year view. */
import { buildCrossYearStore } from "../../adapters/index.ts";
import type { Config } from "../../shared/config.ts";
import type { CrossYearDeps } from "./cross-year.ts";

export function buildCrossYearDeps(config: Config): CrossYearDeps {
  return { crossYear: buildCrossYearStore(config) };
}

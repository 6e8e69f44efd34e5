/** `GET /agencies/{id}`: one body of the registry, with its reports by year. */
import { agencyKeyFor } from "../agency-keys.ts";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { AgencyBody, AgencyPathParams, ErrorBody } from "../schemas.ts";

export const getAgencyRoute = defineRoute({
  method: "GET",
  path: "/agencies/{id}",
  summary: "One body and its reports by year",
  params: AgencyPathParams,
  responses: {
    200: { description: "The body", schema: AgencyBody },
    400: { description: "A name that names several bodies", schema: ErrorBody },
    404: { description: "No such body", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const { registry } = deps;
    const body = await registry.get(await agencyKeyFor(params.id, registry, "id"));
    if (!body) throw new HttpError(404, `no body ${params.id}`, { parameter: "id" });
    return json(200, body);
  },
});

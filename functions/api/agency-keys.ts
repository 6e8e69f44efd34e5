/**
 * The index key of a body asked for by id or by name: an agencyId as is; a name through the
 * registry of bodies (any of its spellings, with or without the divisions before it); a name the
 * registry does not know keys as records made before agencyId did (by name).
 */
import type { AgencyRegistry } from "../adapters/agency-registry.ts";
import { isAgencyId } from "../report/body.ts";
import { agencyKeyOf } from "../report/cross-year.ts";
import { HttpError } from "./errors.ts";

export async function agencyKeyFor(nameOrId: string, registry: AgencyRegistry, parameter: string): Promise<string> {
  if (isAgencyId(nameOrId)) return nameOrId;
  const bodies = await registry.findByName(nameOrId);
  if (bodies.length === 1) return bodies[0]!.id;
  if (bodies.length > 1) {
    const named = bodies.map((b) => `${b.id}（${[b.region?.province, b.region?.city, b.region?.county].filter(Boolean).join("")}）`).join("，");
    throw new HttpError(400, `${parameter}：“${nameOrId}”对应多个机关：${named}，请用其中一个 agencyId (${parameter} names ${bodies.length} bodies; pass one of their ids)`, { parameter });
  }
  return agencyKeyOf(nameOrId);
}

/** A report filter with its `agency` (a name or an id) replaced by the body's index key. */
export async function withAgencyKey<F extends { agency?: string }>(filter: F, registry: AgencyRegistry): Promise<F> {
  if (filter.agency === undefined) return filter;
  return { ...filter, agency: await agencyKeyFor(filter.agency, registry, "agency") };
}

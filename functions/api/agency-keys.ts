/**
 * The index key of a body asked for by id or by name (`resolveAgencyKey`); the API refuses a
 * name that several bodies bear, naming their ids.
 */
import { resolveAgencyKey, type AgencyRegistry } from "../adapters/agency-registry.ts";
import { HttpError } from "./errors.ts";

export async function agencyKeyFor(nameOrId: string, registry: AgencyRegistry, parameter: string): Promise<string> {
  const { key, bodies } = await resolveAgencyKey(nameOrId, registry);
  if (bodies.length > 1) {
    const named = bodies.map((b) => `${b.id}（${[b.region?.province, b.region?.city, b.region?.county].filter(Boolean).join("")}）`).join("，");
    throw new HttpError(400, `${parameter}：“${nameOrId}”对应多个机关：${named}，请用其中一个 agencyId (${parameter} names ${bodies.length} bodies; pass one of their ids)`, { parameter });
  }
  return key;
}

/** A report filter with its `agency` (a name or an id) replaced by the body's index key. */
export async function withAgencyKey<F extends { agency?: string }>(filter: F, registry: AgencyRegistry): Promise<F> {
  if (filter.agency === undefined) return filter;
  return { ...filter, agency: await agencyKeyFor(filter.agency, registry, "agency") };
}

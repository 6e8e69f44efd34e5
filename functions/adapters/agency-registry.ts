/**
 * The registry of bodies: every body a stored report names, under its stable `agencyId`, with
 * the names it was seen under, its region, level and kind, and its reports by year.
 *
 * Two items per body in the records table (design in ../shared/table-schema.ts), written
 * together in one transaction:
 * - `pk = AGENCY#<agencyId>`, `sk = BODY`: found by id (`GET /agencies/{id}`);
 * - `pk = AGENCIES`, `sk = <region code or 000000>#<agencyId>`: the listing, in region order,
 *   so a region prefix is a `begins_with` on the sort key (`GET /agencies?region=3208`);
 * - `pk = AGENCYNAME#<name>`, `sk = <agencyId>` for each way its names are written in full
 *   (`nameForms`): a body found by a name is one Query, whatever the registry's size.
 * Names, years and reports are sets grown with `ADD`, so the same report stored twice (S3
 * delivers at least once, Store is retried) changes nothing. No item carries an index key
 * attribute, so no report listing sees them. One listing partition serves some tens of
 * thousands of bodies; sharding it by province is the next step past that.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { bodyMatches, fullestName, isAgencyId, kindOf, levelOf, nameForms, searchForm, type BodyKind, type BodyLevel, type BodyRegion } from "../report/body.ts";
import { rethrowClassified } from "../shared/transient.ts";
import { KEY_PREFIXES } from "../shared/table-schema.ts";
import { agencyKeyOf } from "../report/cross-year.ts";

/** One stored report's contribution to the registry. */
export type RegistryEntry = { agencyId: string; agency: string; region: BodyRegion | null; year: number; reportId: string };

export type Body = {
  id: string;
  /** The fullest of its names (the one naming most levels), for display. */
  name: string;
  names: string[];
  region: BodyRegion | null;
  level: BodyLevel | null;
  kind: BodyKind;
  years: number[];
  reports: { year: number; reportId: string }[];
};

export type BodyFilter = { q?: string; region?: string };
export type BodyPage = { items: Body[]; next?: string };

export interface AgencyRegistry {
  /** Adds a stored report to its body (created on first sight); idempotent. */
  recordReport(entry: RegistryEntry): Promise<void>;
  /** Bodies whose region code starts with `region` and one of whose names contains `q`, in region order. */
  list(filter: BodyFilter, options: { limit: number; cursor?: string }): Promise<BodyPage>;
  get(id: string): Promise<Body | null>;
  /** Bodies one of whose names, written in full or not, is `name` (`杭州市西湖区教育局` finds 西湖区教育局 in 330106). */
  findByName(name: string): Promise<Body[]>;
}

/**
 * The byAgencyYear key of a body asked for by id or by name: an agencyId as is; a name through
 * the registry (any of its spellings, written in full or not) when exactly one body bears it;
 * otherwise the name's own key, as records made before agencyId were keyed. `bodies` are the
 * registered bodies of that name (several: the name is ambiguous).
 */
export async function resolveAgencyKey(nameOrId: string, registry: AgencyRegistry): Promise<{ key: string; bodies: Body[] }> {
  if (isAgencyId(nameOrId)) return { key: nameOrId, bodies: [] };
  const bodies = await registry.findByName(nameOrId);
  return { key: bodies.length === 1 ? bodies[0]!.id : agencyKeyOf(nameOrId), bodies };
}

/** Every registered body whose region code starts with `region`, page by page. */
export async function listAllBodies(registry: AgencyRegistry, region: string): Promise<Body[]> {
  const bodies: Body[] = [];
  let cursor: string | undefined;
  do {
    const page = await registry.list({ region }, { limit: 1000, ...(cursor ? { cursor } : {}) });
    bodies.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return bodies;
}

export const REGISTRY_KEYS = {
  BODY_PREFIX: KEY_PREFIXES.AGENCY,
  BODY_SK: KEY_PREFIXES.AGENCY_SK,
  LISTING_PK: KEY_PREFIXES.AGENCY_LISTING,
  NAME_PREFIX: KEY_PREFIXES.AGENCY_NAME,
} as const;
const NO_REGION = "000000";
const WHAT = "registry of bodies";

/** The listing item's sort key: region code first, so region prefixes are key ranges. */
export function listingSortKey(agencyId: string, region: BodyRegion | null): string {
  return `${region?.code ?? NO_REGION}#${agencyId}`;
}

type StoredBody = {
  agencyId: string;
  names?: Set<string>;
  years?: Set<number>;
  reports?: Set<string>;
  region?: BodyRegion | null;
  level?: BodyLevel | null;
  kind: BodyKind;
};

function toBody(item: StoredBody): Body {
  const names = [...(item.names ?? [])].sort();
  const name = fullestName(names) ?? item.agencyId;
  const reports = [...(item.reports ?? [])]
    .map((r) => {
      const [year, reportId] = r.split("#");
      return { year: Number(year), reportId: reportId! };
    })
    .sort((a, b) => a.year - b.year || a.reportId.localeCompare(b.reportId));
  return {
    id: item.agencyId,
    name,
    names,
    region: item.region ?? null,
    level: item.level ?? null,
    kind: item.kind,
    years: [...(item.years ?? [])].sort((a, b) => a - b),
    reports,
  };
}

export function createDynamoAgencyRegistry(doc: DynamoDBDocumentClient, tableName: string): AgencyRegistry {
  const registry: AgencyRegistry = {
    async recordReport(entry) {
      const update = (Key: Record<string, string>) => ({
        TableName: tableName,
        Key,
        UpdateExpression: "SET agencyId = :id, #region = :region, #level = :level, kind = :kind ADD #names :names, #years :years, reports :reports",
        ExpressionAttributeNames: { "#region": "region", "#level": "level", "#names": "names", "#years": "years" },
        ExpressionAttributeValues: {
          ":id": entry.agencyId,
          ":region": entry.region,
          ":level": levelOf(entry.agency, entry.region),
          ":kind": kindOf(entry.agency),
          ":names": new Set([entry.agency]),
          ":years": new Set([entry.year]),
          ":reports": new Set([`${entry.year}#${entry.reportId}`]),
        },
      });
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update({ pk: `${REGISTRY_KEYS.BODY_PREFIX}${entry.agencyId}`, sk: REGISTRY_KEYS.BODY_SK }) },
              { Update: update({ pk: REGISTRY_KEYS.LISTING_PK, sk: listingSortKey(entry.agencyId, entry.region) }) },
              ...nameForms([entry.agency], entry.region).map((form) => ({
                Put: { TableName: tableName, Item: { pk: `${REGISTRY_KEYS.NAME_PREFIX}${form}`, sk: entry.agencyId } },
              })),
            ],
          }),
        );
      } catch (error) {
        rethrowClassified(error, WHAT);
      }
    },

    async list(filter, { limit, cursor }) {
      const items: Body[] = [];
      let startKey: Record<string, string> | undefined = cursor ? { pk: REGISTRY_KEYS.LISTING_PK, sk: cursor } : undefined;
      const prefix = filter.region ?? "";
      // Matching by part of a name happens here, not in a FilterExpression: the names are a set,
      // and the query also matches names completed with their region's division names.
      for (;;) {
        let page;
        try {
          page = await doc.send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :prefix)" : "pk = :pk",
              ExpressionAttributeValues: { ":pk": REGISTRY_KEYS.LISTING_PK, ...(prefix ? { ":prefix": prefix } : {}) },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
              Limit: Math.max(limit, 50),
            }),
          );
        } catch (error) {
          rethrowClassified(error, WHAT);
        }
        for (const item of (page.Items ?? []) as (StoredBody & { sk: string })[]) {
          const body = toBody(item);
          if (filter.q !== undefined && !bodyMatches(filter.q, body.names, body.region)) continue;
          items.push(body);
          if (items.length === limit) return { items, next: item.sk };
        }
        if (!page.LastEvaluatedKey) return { items };
        startKey = page.LastEvaluatedKey as Record<string, string>;
      }
    },

    async findByName(name) {
      let out;
      try {
        out = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": `${REGISTRY_KEYS.NAME_PREFIX}${searchForm(name)}` },
          }),
        );
      } catch (error) {
        rethrowClassified(error, WHAT);
      }
      const bodies = await Promise.all((out.Items ?? []).map((item) => registry.get(String(item.sk))));
      return bodies.filter((b): b is Body => b !== null);
    },

    async get(id) {
      try {
        const out = await doc.send(
          new GetCommand({ TableName: tableName, Key: { pk: `${REGISTRY_KEYS.BODY_PREFIX}${id}`, sk: REGISTRY_KEYS.BODY_SK } }),
        );
        return out.Item ? toBody(out.Item as StoredBody) : null;
      } catch (error) {
        rethrowClassified(error, WHAT);
      }
    },
  };
  return registry;
}

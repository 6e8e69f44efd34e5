/**
 * Store: writes the parsed record under its report id (conditional, idempotent) and
 * lists this object as one of its sources.
 */
import middy from "@middy/core";
import { getAdapter } from "../adapters/index.ts";
import type { AgencyRegistry, Body, RegistryEntry } from "../adapters/agency-registry.ts";
import { readConfig, requireConfig } from "../shared/config.ts";
import { parseEventWith } from "../shared/handler-kit.ts";
import { markProgress } from "../shared/progress.ts";
import { stepLogger } from "../shared/logger.ts";
import { StoreInput, type Stored } from "../shared/workflow-payloads.ts";

/**
 * A record whose own text left its region open (西湖区教育局 with no city named: 杭州 or 南昌?)
 * takes the body of the registry that bears exactly that name, if exactly one does, and says so
 * in an `info` finding; otherwise it stays as parsed.
 */
export async function settleIdentity(record: Record<string, unknown>, registry: AgencyRegistry): Promise<Record<string, unknown>> {
  if (record.region || typeof record.agency !== "string" || !record.agency) return record;
  const bodies = (await registry.findByName(record.agency)).filter((b) => b.region !== null && b.id !== record.agencyId);
  if (bodies.length !== 1) return record;
  const [body] = bodies as [Body];
  const place = [body.region!.province, body.region!.city, body.region!.county].filter(Boolean).join("");
  const finding = {
    rule: "agency.fromRegistry",
    severity: "info",
    message: `报告未写明所属地区；按登记册中唯一同名机关“${body.name}”归入${place}（${body.region!.code}）`,
    cells: [],
    expected: null,
    actual: null,
  };
  const findings = Array.isArray(record.findings) ? record.findings : [];
  return { ...record, agencyId: body.id, region: body.region, findings: [...findings, finding] };
}

/** What a record adds to the registry of bodies; null when it names no body or year. */
export function registryEntryOf(reportId: string, record: Record<string, unknown>): RegistryEntry | null {
  const { agencyId, agency, year, region } = record;
  if (typeof agencyId !== "string" || typeof agency !== "string" || typeof year !== "number") return null;
  return { agencyId, agency, year, reportId, region: (region as RegistryEntry["region"] | undefined) ?? null };
}

export const handler = middy<StoreInput, Stored>()
  .use(parseEventWith(StoreInput))
  .handler(async (event) => {
    const artifactsBucket = requireConfig(readConfig(), "ARTIFACTS_BUCKET");
    const { reportId, recordKey, status, parserVersion } = event.parsed;
    const log = stepLogger("store", { reportId });
    await markProgress(reportId, "Store", log);

    const parsed = await getAdapter("objects").getJson<Record<string, unknown>>(artifactsBucket, recordKey);
    const record = await settleIdentity(parsed, getAdapter("registry"));
    const outcome = await getAdapter("records").putParsed({
      reportId,
      status,
      parserVersion,
      record,
      source: { bucket: event.bucket, key: event.key },
    });
    // The body's registry entry: sets grown with ADD, so a retried or duplicated Store adds nothing twice.
    const entry = registryEntryOf(reportId, record);
    if (entry) await getAdapter("registry").recordReport(entry);
    log.info("stored", { ...outcome, agencyId: entry?.agencyId ?? null });
    return { reportId, ...outcome };
  });

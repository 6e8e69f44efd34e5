/**
 * Which body a stored record belongs to, where the registry of bodies knows more than the
 * report's own text, and what the record adds to the registry.
 */
import type { AgencyRegistry, Body, RegistryEntry } from "../../adapters/agency-registry.ts";
import type { Finding, ReportRecord } from "../../report/record.ts";

/**
 * A record whose own text left its region open (西湖区教育局 with no city named: 杭州 or 南昌?)
 * takes the body of the registry that bears exactly that name, if exactly one does, and says so
 * in an `info` finding; otherwise it stays as parsed.
 */
export async function settleIdentity(record: ReportRecord, registry: AgencyRegistry): Promise<ReportRecord> {
  if (record.region || typeof record.agency !== "string" || !record.agency) return record;
  const bodies = (await registry.findByName(record.agency)).filter((b) => b.region !== null && b.id !== record.agencyId);
  if (bodies.length !== 1) return record;
  const [body] = bodies as [Body];
  const place = [body.region!.province, body.region!.city, body.region!.county].filter(Boolean).join("");
  const finding: Finding = {
    rule: "agency.fromRegistry",
    severity: "info",
    message: `报告未写明所属地区；按登记册中唯一同名机关“${body.name}”归入${place}（${body.region!.code}）`,
    cells: [],
    expected: null,
    actual: null,
  };
  // A registered body with a region has its province (the registry's region comes from a record's).
  const region = body.region as NonNullable<ReportRecord["region"]>;
  return { ...record, agencyId: body.id, region, findings: [...record.findings, finding] };
}

/** What a record adds to the registry of bodies; null when it names no body or year. */
export function registryEntryOf(reportId: string, record: ReportRecord): RegistryEntry | null {
  const { agencyId, agency, year, region } = record;
  if (typeof agencyId !== "string" || typeof agency !== "string" || typeof year !== "number") return null;
  return { agencyId, agency, year, reportId, region: region ?? null };
}

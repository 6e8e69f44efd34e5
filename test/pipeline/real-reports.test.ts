/**
 * The three real WPS PDFs of ../shared/corpus/real dropped into the local bucket: one body under
 * two spellings over two years gets one agencyId, another body another, and the registry of
 * bodies lists them by part of a name and by region.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const REAL_DIR = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real");
const FILES = ["p02", "p03", "p04"] as const;

let local: TestStack;
const ids = new Map<string, string>();

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${local.stack.apiUrl}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

type Report = { agency: string; agencyId: string; region: { code: string } | null; year: number; status: string };
type BodyItem = { id: string; name: string; names: string[]; region: { code: string }; level: string; kind: string; years: number[] };

beforeAll(async () => {
  local = await startTestStack("nianbao-real-");
  for (const name of FILES) {
    const bytes = await readFile(join(REAL_DIR, `${name}.pdf`));
    ids.set(name, hashBytes(bytes));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${name}.pdf`, Body: bytes }));
  }
  await local.stack.idle();
}, 240_000);

afterAll(async () => {
  await local?.stop();
});

describe("real reports on the local stack", () => {
  it("gives 洪泽区's 2023 and 2024 reports one agencyId and 淮安市人民政府 another", async () => {
    const [p02, p03, p04] = await Promise.all(FILES.map(async (name) => (await get<Report>(`/reports/${ids.get(name)}`)).body));
    expect(p02).toMatchObject({ agency: "洪泽区人民政府", year: 2023, region: { code: "320813" }, status: "NEEDS_REVIEW" });
    expect(p03).toMatchObject({ agency: "淮安市洪泽区人民政府", year: 2024, region: { code: "320813" }, status: "VALID" });
    expect(p04).toMatchObject({ agency: "淮安市人民政府", year: 2024, region: { code: "320800" }, status: "VALID" });
    expect(p02!.agencyId).toMatch(/^320813-/);
    expect(p03!.agencyId).toBe(p02!.agencyId);
    expect(p04!.agencyId).toMatch(/^320800-/);
    expect(p04!.agencyId).not.toBe(p02!.agencyId);
  });

  it("lists one body for 洪泽 with the years 2023 and 2024, under both its names", async () => {
    const { status, body } = await get<{ items: BodyItem[] }>(`/agencies?q=${encodeURIComponent("洪泽")}`);
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      name: "淮安市洪泽区人民政府",
      names: ["洪泽区人民政府", "淮安市洪泽区人民政府"].sort(),
      region: { code: "320813" },
      level: "county",
      kind: "人民政府",
      years: [2023, 2024],
    });
    const one = await get<{ reports: { year: number; reportId: string }[] }>(`/agencies/${body.items[0]!.id}`);
    expect(one.body.reports).toEqual([
      { year: 2023, reportId: ids.get("p02") },
      { year: 2024, reportId: ids.get("p03") },
    ]);
  });

  it("lists bodies by region prefix and finds the series of one body by either spelling", async () => {
    const city = await get<{ items: BodyItem[] }>("/agencies?region=3208");
    expect(city.body.items.map((b) => b.region.code)).toEqual(["320800", "320813"]);
    expect((await get<{ items: BodyItem[] }>("/agencies?region=33")).body.items).toEqual([]);
    const a = await get<{ reports: { id: string }[] }>(`/agencies/${encodeURIComponent("洪泽区人民政府")}/series`);
    const b = await get<{ reports: { id: string }[] }>(`/agencies/${encodeURIComponent("淮安市洪泽区人民政府")}/series`);
    expect(a.status).toBe(200);
    expect(a.body.reports.map((r) => r.id)).toEqual([ids.get("p02"), ids.get("p03")]);
    expect(b.body).toEqual(a.body);
  });

  it("measures 洪泽区 2024's text against its 2023 report, and no other (issue 14)", async () => {
    type Reuse = { previousReportId: string; previousYear: number; overall: number; sections: Record<string, { share: number; spans: [number, number][] } | null> };
    const [p02, p03, p04] = await Promise.all(FILES.map(async (name) => (await get<Report & { textReuse: Reuse | null }>(`/reports/${ids.get(name)}`)).body));
    expect(p03!.textReuse).toMatchObject({ previousReportId: ids.get("p02"), previousYear: 2023 });
    expect(p03!.textReuse!.overall).toBeGreaterThanOrEqual(0);
    expect(p03!.textReuse!.overall).toBeLessThanOrEqual(1);
    expect(p03!.textReuse!.sections.overview!.spans.length).toBeGreaterThan(0);
    // 2023 has no earlier year; 淮安市 published 2024 only.
    expect(p02!.textReuse).toBeNull();
    expect(p04!.textReuse).toBeNull();
  });

  it("gives each report's indicators and /stats the sums' indicators and the text reuse distribution, formulas shown", async () => {
    type Indicator = { value: number | null; numerator: number; denominator: number; formula: string };
    const p04 = (await get<{ indicators: Record<string, Indicator>; parserVersion: string }>(`/reports/${ids.get("p04")}`)).body;
    const p04Version = p04.parserVersion;
    expect(p04.indicators.disclosureRate!.formula).toBe("公开率 =（予以公开 + 部分公开）÷（七）总计");
    expect(p04.indicators.disclosureRate!.denominator).toBe(3050);
    expect(p04.indicators.reviewCorrectionRate).toMatchObject({ numerator: 64, denominator: 351, value: 0.1823 });
    const { status, body } = await get<{ computedFrom: string; indicators: Record<string, Indicator>; textReuse: { measured: number; mean: number; bins: { count: number }[] } }>("/stats?year=2024");
    expect(status).toBe(200);
    // From the aggregates: CrossYear added the text reuse it wrote to them.
    expect(body.computedFrom).toBe("aggregates");
    // 2024: 洪泽区 (95) and 淮安市 (3050) summed before dividing.
    expect(body.indicators.disclosureRate!.denominator).toBe(95 + 3050);
    expect(body.indicators.reviewCorrectionRate).toMatchObject({ numerator: 1 + 64, denominator: 2 + 351 });
    expect(body.textReuse.measured).toBe(1);
    expect(body.textReuse.bins.reduce((n, b) => n + b.count, 0)).toBe(1);
    const fromRecords = (await get<typeof body>("/stats?year=2024&parserVersion=" + encodeURIComponent(p04Version))).body;
    expect(fromRecords.computedFrom).toBe("records");
    expect(fromRecords.textReuse).toEqual(body.textReuse);
    expect(fromRecords.indicators).toEqual(body.indicators);
  });
});

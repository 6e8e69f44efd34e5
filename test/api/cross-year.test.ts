/**
 * Cross-year findings and the comparison endpoints on the local stack: generated reports of
 * one agency for consecutive years go through the whole pipeline (Store → CrossYear), the API
 * shows the findings on both records, and reprocessing either record updates them.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { PARSER_VERSION } from "../../functions/report/index.ts";
import { Config } from "../../functions/shared/config.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { toVersionOrder } from "../../functions/shared/parser-version.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import type { Figures } from "../fixtures/render-text.ts";
import { breakCarryOver, consistentPair, reportText } from "../support/cross-year-pair.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { reprocessCli } from "../support/reprocess-cli.ts";
import type { CrossYearFinding } from "../../functions/report/cross-year.ts";

let local: TestStack;
let api: string;

/** Agencies: A names itself with its city one year and without it the next; B's carry-over is broken; C gets reprocessed. */
const A = consistentPair(11, "杭州市西湖区卫生健康局", 2020);
A[1] = { ...A[1], agency: "西湖区卫生健康局" };
const B0 = consistentPair(12, "乌海市民政局", 2020);
const B: [Figures, Figures] = [B0[0], breakCarryOver(B0[1], ["naturalPerson", "total"], 3)];
const C = consistentPair(13, "丙县财政局", 2020);
const ids = new Map<string, string>();

type Finding = CrossYearFinding;

async function get(path: string) {
  const res = await fetch(`${api}${path}`);
  return { status: res.status, body: (await res.json()) as any };
}

const crossYearFindings = async (id: string): Promise<Finding[]> =>
  ((await get(`/reports/${id}`)).body.findings as Finding[]).filter((f) => f.rule.startsWith("crossYear."));

const reprocess = (...args: string[]) => reprocessCli(api, ...args);

beforeAll(async () => {
  local = await startTestStack("nianbao-cross-year-");
  api = local.stack.apiUrl;
  // A[0] names its city (杭州市西湖区…), A[1] does not: A[1] is one body with A[0] through the
  // registry, so A[0] is stored first (a report whose own text leaves its region open takes the
  // one registered body of its name).
  const drops = Object.entries({ A, B, C }).flatMap(([name, pair]) => pair.map((figures) => ({ name, figures })));
  for (const batch of [drops.slice(0, 1), drops.slice(1)]) {
    for (const { name, figures } of batch) {
      const bytes = new TextEncoder().encode(reportText(figures));
      ids.set(`${name}${figures.year}`, hashBytes(bytes));
      await local.s3.send(
        new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${name}-${figures.year}.txt`, Body: bytes }),
      );
    }
    await local.stack.idle();
  }
}, 240_000);

afterAll(async () => {
  await local?.stop();
});

describe("cross-year findings through the pipeline", () => {
  it("stores every generated report with the agency and year it prints", async () => {
    for (const [name, id] of ids) {
      const { status, body } = await get(`/reports/${id}`);
      expect(status, name).toBe(200);
      expect(body.status, `${name} ${JSON.stringify(body.failure ?? body.error ?? "")}`).not.toBe("FAILED");
      expect(body.year, name).toBe(Number(name.slice(1)));
    }
  });

  it("finds nothing when the carry-over matches, even with the city named only one year", async () => {
    expect(await crossYearFindings(ids.get("A2020")!)).toEqual([]);
    expect(await crossYearFindings(ids.get("A2021")!)).toEqual([]);
    expect(await crossYearFindings(ids.get("C2020")!)).toEqual([]);
  });

  it("shows one finding per broken column on both records, each naming the other report", async () => {
    const first = await crossYearFindings(ids.get("B2020")!);
    const second = await crossYearFindings(ids.get("B2021")!);

    expect(second.map((f) => f.cells[0]).sort()).toEqual(["carriedOver.naturalPerson", "carriedOver.total"]);
    expect(first.map((f) => f.cells[1]).sort()).toEqual(["carriedForward.naturalPerson", "carriedForward.total"]);
    expect(second.every((f) => f.severity === "warning" && f.actual! - f.expected! === 3)).toBe(true);
    expect(second.every((f) => f.related?.reportId === ids.get("B2020") && f.related?.year === 2020)).toBe(true);
    expect(first.every((f) => f.related?.reportId === ids.get("B2021") && f.related?.year === 2021)).toBe(true);
  });

  it("keeps a record's own status: cross-year findings are warnings", async () => {
    const { body } = await get(`/reports?agency=${encodeURIComponent("乌海市民政局")}`);
    expect(body.items.map((i: { errorCount: number }) => i.errorCount)).toEqual([0, 0]);
  });

  it("updates the findings when either record is reprocessed", async () => {
    // Prepare: C's 2021 record looks as if an older parser had misread its carry-over.
    const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
    const over = C[1].applications.carriedOver!;
    await client.send(
      new UpdateCommand({
        TableName: LOCAL_NAMES.TABLE,
        Key: { pk: `REPORT#${ids.get("C2021")}`, sk: "RECORD" },
        UpdateExpression:
          "SET parserVersion = :v, parserVersionOrder = :o, #r.applications.carriedOver.naturalPerson = :n, #r.applications.carriedOver.#t = :t",
        ExpressionAttributeNames: { "#r": "record", "#t": "total" },
        ExpressionAttributeValues: { ":v": "0.0.1", ":o": toVersionOrder("0.0.1"), ":n": over.naturalPerson! + 5, ":t": over.total! + 5 },
      }),
    );

    // Act 1: reprocessing the other year's record (current version: its body stays) checks the pair again.
    const first = await reprocess("--agency", "丙县财政局", "--year", "2020");
    const found = await crossYearFindings(ids.get("C2020")!);
    const foundOnOther = await crossYearFindings(ids.get("C2021")!);

    // Act 2: reprocessing the misread record replaces it (newer parser) and clears the findings.
    const second = await reprocess("--agency", "丙县财政局", "--older-than", PARSER_VERSION);
    const after = await crossYearFindings(ids.get("C2020")!);
    const afterOnOther = await crossYearFindings(ids.get("C2021")!);

    // Assess
    expect(first).toMatchObject({ code: 0, summary: { total: 1, succeeded: 1 } });
    expect(found.map((f) => f.cells[1]).sort()).toEqual(["carriedForward.naturalPerson", "carriedForward.total"]);
    expect(foundOnOther).toHaveLength(2);
    expect(foundOnOther.every((f) => f.actual! - f.expected! === 5)).toBe(true);
    expect(second).toMatchObject({ code: 0, summary: { total: 1, succeeded: 1 } });
    expect((await get(`/reports/${ids.get("C2021")}`)).body.parserVersion).toBe(PARSER_VERSION);
    expect(after).toEqual([]);
    expect(afterOnOther).toEqual([]);
  }, 120_000);
});

describe("agency filter", () => {
  it("finds both years of a district body whether the city is given or not", async () => {
    const expected = [ids.get("A2020"), ids.get("A2021")].sort();
    for (const name of ["杭州市西湖区卫生健康局", "西湖区卫生健康局", "西湖區衛生健康局"]) {
      const { status, body } = await get(`/reports?agency=${encodeURIComponent(name)}`);
      expect(status, name).toBe(200);
      expect(body.items.map((i: { id: string }) => i.id).sort(), name).toEqual(expected);
    }
  });
});

describe("GET /agencies/{id}/series", () => {
  it("gives each figure of one agency by year, for any spelling of its name", async () => {
    const { status, body } = await get(`/agencies/${encodeURIComponent("西湖区卫生健康局")}/series`);
    const again = await get(`/agencies/${encodeURIComponent("杭州市西湖区卫生健康局")}/series`);

    expect(status).toBe(200);
    expect(again.body).toEqual(body);
    expect(body.agencyKey).toMatch(/^330106-[0-9a-z]{7}$/);
    expect([...body.agencies].sort()).toEqual(["杭州市西湖区卫生健康局", "西湖区卫生健康局"].sort());
    expect(body.reports.map((r: { id: string; year: number }) => [r.year, r.id])).toEqual([
      [2020, ids.get("A2020")],
      [2021, ids.get("A2021")],
    ]);
    const received = body.series.find((s: { name: string }) => s.name === "applications.newReceived.total");
    expect(received.values).toEqual([A[0].applications.newReceived!.total, A[1].applications.newReceived!.total]);
    const inForce = body.series.find((s: { name: string }) => s.name === "activeDisclosure.rules.inForce");
    expect(inForce.values).toEqual([A[0].activeDisclosure.rules!.inForce, A[1].activeDisclosure.rules!.inForce]);
  });

  it("answers 404 for an agency without reports and 400 naming an unknown parameter", async () => {
    const missing = await get(`/agencies/${encodeURIComponent("不存在的机关")}/series`);
    expect(missing).toMatchObject({ status: 404, body: { parameter: "id" } });
    const extra = await get(`/agencies/${encodeURIComponent("西湖区卫生健康局")}/series?year=2020`);
    expect(extra).toMatchObject({ status: 400, body: { parameter: "year" } });
  });
});

describe("GET /compare", () => {
  it("puts two agencies' reports of one year side by side and marks the cells that differ", async () => {
    const { status, body } = await get(`/compare?agencies=${encodeURIComponent("杭州市西湖区卫生健康局,乌海市民政局")}&year=2021`);

    expect(status).toBe(200);
    expect(body.reports.map((r: { id: string }) => r.id)).toEqual([ids.get("A2021"), ids.get("B2021")]);
    for (const row of body.rows as { name: string; section: string; row: string; column: string; values: number[]; differs: boolean }[]) {
      const a = (A[1] as any)[row.section][row.row][row.column];
      const b = (B[1] as any)[row.section][row.row][row.column];
      expect(row.values, row.name).toEqual([a, b]);
      expect(row.differs, row.name).toBe(a !== b);
    }
    expect(body.differing).toBe(body.rows.filter((r: { differs: boolean }) => r.differs).length);
    expect(body.differing).toBeGreaterThan(0);
  });

  it("compares one agency's consecutive years by report id", async () => {
    const { status, body } = await get(`/compare?reports=${ids.get("B2020")},${ids.get("B2021")}`);

    expect(status).toBe(200);
    const carried = body.rows.filter((r: { row: string }) => r.row === "carriedOver" || r.row === "carriedForward");
    expect(carried.length).toBeGreaterThan(0);
    const overTotal = body.rows.find((r: { name: string }) => r.name === "applications.carriedOver.total");
    expect(overTotal.values).toEqual([B[0].applications.carriedOver!.total, B[1].applications.carriedOver!.total]);
  });

  it("answers 400 naming the parameter and 404 for an agency without a report that year", async () => {
    expect(await get(`/compare?agencies=${encodeURIComponent("乌海市民政局")}&year=2021`)).toMatchObject({ status: 400, body: { parameter: "agencies" } });
    expect(await get(`/compare?agencies=${encodeURIComponent("乌海市民政局,丙县财政局")}`)).toMatchObject({ status: 400, body: { parameter: "year" } });
    expect(await get(`/compare?agencies=${encodeURIComponent("乌海市民政局,丙县财政局")}&year=20x1`)).toMatchObject({ status: 400, body: { parameter: "year" } });
    expect(await get(`/compare?reports=${ids.get("B2020")},nope`)).toMatchObject({ status: 400, body: { parameter: "reports" } });
    expect(await get(`/compare`)).toMatchObject({ status: 400, body: { parameter: "agencies" } });
    const missing = await get(`/compare?agencies=${encodeURIComponent("乌海市民政局,丙县财政局")}&year=2019`);
    expect(missing).toMatchObject({ status: 404, body: { parameter: "agencies" } });
    expect(missing.body.message).toContain("乌海市民政局");
    expect(await get(`/compare?reports=${ids.get("B2020")},${"0".repeat(64)}`)).toMatchObject({ status: 404, body: { parameter: "reports" } });
  });

  it("is described in the OpenAPI document", async () => {
    const { body } = await get("/openapi.json");
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(["/agencies/{id}/series", "/compare"]));
    expect(JSON.stringify(body.paths["/compare"])).toContain("agencies");
  });
});

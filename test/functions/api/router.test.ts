import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { MemoryBodyLists, MemoryRegistry } from "../../support/fakes.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiConfig } from "../../../functions/api/config.ts";
import type { ApiDeps } from "../../../functions/api/deps.ts";
import { createApiHandler } from "../../../functions/api/router.ts";
import { ROUTES } from "../../../functions/api/routes/index.ts";
import type { RecordQuery } from "../../../functions/adapters/record-query.ts";
import type { RecordStore } from "../../../functions/adapters/record-store.ts";
import type { ProgressStore, ReportProgress } from "../../../functions/adapters/progress-store.ts";
import { createS3Client } from "../../../functions/adapters/clients.ts";
import { Config } from "../../../functions/shared/config.ts";
import { logger } from "../../../functions/shared/logger.ts";
import { loadSeedReports } from "./seed-reports.ts";

const reports = loadSeedReports();
const query: RecordQuery = {
  async page(_filter, { limit }) {
    return { items: reports.slice(0, limit) };
  },
  async *each() {
    yield* reports;
  },
};
const records = { get: async (id: string) => reports.find((r) => r.reportId === id) } as unknown as RecordStore;
// Progress of one report still in the workflow, and of one whose record is stored.
const running = "a".repeat(64);
const marks = new Map<string, ReportProgress>([
  [running, { reportId: running, steps: [{ step: "Extract", at: "2026-01-01T00:00:00.000Z" }, { step: "Ocr", at: "2026-01-01T00:00:01.000Z" }] }],
]);
const progress: ProgressStore = { mark: async () => {}, get: async (id) => marks.get(id) };
const deps: ApiDeps = {
  query,
  records,
  progress,
  registry: new MemoryRegistry(),
  bodyLists: new MemoryBodyLists(),
  quota: { take: async () => true },
  s3: createS3Client(Config.parse({})),
  config: ApiConfig.parse({ WEB_ORIGIN: "http://127.0.0.1:3000" }),
};
const handler = createApiHandler(ROUTES, () => deps);

function request(method: string, path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, body?: string) {
  const event = {
    httpMethod: method,
    path,
    headers,
    queryStringParameters: Object.keys(query).length ? query : null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: { requestId: "test" },
  } as unknown as APIGatewayProxyEvent;
  return handler(event, {} as never) as Promise<APIGatewayProxyResult>;
}

const bodyOf = (res: APIGatewayProxyResult) => JSON.parse(res.body) as Record<string, unknown>;

describe("API router", () => {
  beforeAll(() => {
    logger.setLogLevel("SILENT");
  });

  it.each([
    [{ year: "twenty" }, "year"],
    [{ year: "1800" }, "year"],
    [{ status: "DONE" }, "status"],
    [{ edition: "2020" }, "edition"],
    [{ limit: "0" }, "limit"],
    [{ limit: "5000" }, "limit"],
    [{ cursor: "not a cursor" }, "cursor"],
    [{ cursor: "eyJ4IjoxfQ" }, "cursor"],
    [{ agnecy: "x" }, "agnecy"],
  ])("rejects query %o with a 400 naming %s", async (q, parameter) => {
    const res = await request("GET", "/reports", q);
    expect(res.statusCode).toBe(400);
    const body = bodyOf(res);
    expect(body.parameter).toBe(parameter);
    expect(body.message).toContain(parameter);
  });

  it("rejects a malformed id with 400 and an unknown one with 404", async () => {
    expect((await request("GET", "/reports/xyz")).statusCode).toBe(400);
    const res = await request("GET", `/reports/${"e".repeat(64)}`);
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res).message).toContain("e".repeat(64));
  });

  it("answers a known id, upper case or not", async () => {
    const res = await request("GET", `/reports/${reports[1]!.reportId.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toMatchObject({ id: reports[1]!.reportId, agency: reports[1]!.agency });
  });

  it("answers a report's progress: the step running, done with the status once recorded, 404 before Extract", async () => {
    const inFlight = bodyOf(await request("GET", `/reports/${running}/progress`));
    expect(inFlight).toMatchObject({ reportId: running, current: "Ocr", done: false });
    expect(inFlight).not.toHaveProperty("status");
    const recorded = reports[1]!;
    const done = bodyOf(await request("GET", `/reports/${recorded.reportId}/progress`));
    expect(done).toMatchObject({ reportId: recorded.reportId, steps: [], current: "Done", done: true, status: recorded.status, finishedAt: recorded.updatedAt });
    const unknown = await request("GET", `/reports/${"e".repeat(64)}/progress`);
    expect(unknown.statusCode).toBe(404);
    expect(bodyOf(unknown).message).toContain("Extract");
    expect((await request("GET", "/reports/xyz/progress")).statusCode).toBe(400);
  });

  it("words every refusal in Chinese for the reader, with an English code for programs", async () => {
    const refusals = {
      invalid_query: await request("GET", "/reports", { year: "twenty" }),
      unknownParameter: await request("GET", "/reports", { agnecy: "x" }),
      invalid_path: await request("GET", "/reports/xyz"),
      invalid_body: await request("POST", "/uploads", {}, {}, JSON.stringify({ fileName: "a.txt", size: 3 })),
      notJson: await request("POST", "/uploads", {}, {}, "{not json"),
      wrongType: await request("POST", "/uploads", {}, {}, JSON.stringify({ fileName: 7, sha256: "a".repeat(64), size: 3 })),
      no_route: await request("GET", "/nothing"),
      method_not_allowed: await request("DELETE", "/reports"),
    };
    const bodies = Object.fromEntries(Object.entries(refusals).map(([name, res]) => [name, bodyOf(res) as { message: string; code?: string }]));
    for (const [name, body] of Object.entries(bodies)) {
      expect(body.message, name).toMatch(/^[\u4e00-\u9fff]/);
      expect(body.message, name).not.toMatch(/^invalid /);
    }
    expect(Object.fromEntries(Object.entries(bodies).map(([name, body]) => [name, body.code]))).toEqual({
      invalid_query: "invalid_query", unknownParameter: "invalid_query", invalid_path: "invalid_path", invalid_body: "invalid_body",
      notJson: "invalid_body", wrongType: "invalid_body", no_route: "no_route", method_not_allowed: "method_not_allowed",
    });
    expect(bodies.invalid_query!.message).toBe("查询参数有误：year: 应为年份，如 2021 (expected a year such as 2021)");
    expect(bodies.unknownParameter!.message).toBe("查询参数有误：未知的查询参数：'agnecy'");
    // zod's own wording, in its Chinese locale.
    expect(bodies.wrongType!.message).toMatch(/^请求体有误：fileName: .*[\u4e00-\u9fff]/);
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    expect((await request("GET", "/nothing")).statusCode).toBe(404);
    const res = await request("DELETE", "/reports");
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe("GET");
  });

  it("rejects an upload request without a digest, naming the field", async () => {
    const res = await request("POST", "/uploads", {}, {}, JSON.stringify({ fileName: "a.txt", size: 3 }));
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).parameter).toBe("sha256");
    expect((await request("POST", "/uploads", {}, {}, "{not json")).statusCode).toBe(400);
  });

  it("lets only the web origin read responses", async () => {
    const allowed = await request("GET", "/template", {}, { origin: "http://127.0.0.1:3000" });
    expect(allowed.headers?.["access-control-allow-origin"]).toBe("http://127.0.0.1:3000");
    const other = await request("GET", "/template", {}, { origin: "https://evil.example" });
    expect(other.headers?.["access-control-allow-origin"]).toBeUndefined();
    const error = await request("GET", "/reports", { year: "x" }, { origin: "http://127.0.0.1:3000" });
    expect(error.headers?.["access-control-allow-origin"]).toBe("http://127.0.0.1:3000");
    const preflight = await request("OPTIONS", "/uploads", {}, { origin: "https://evil.example" });
    expect(preflight.statusCode).toBe(403);
  });

  it("documents every route and its parameters in the OpenAPI document", async () => {
    const doc = bodyOf(await request("GET", "/openapi.json")) as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      ["/agencies", "/agencies/{id}", "/agencies/{id}/series", "/compare", "/coverage", "/export.csv", "/export.xlsx", "/exports", "/exports/{id}", "/openapi.json", "/regions", "/registry/imports", "/reports", "/reports/{id}", "/reports/{id}/progress", "/reports/{id}/reviews", "/reports/{id}/source", "/reports/{id}/source/tables/{table}", "/stats", "/template", "/uploads"].sort(),
    );
    const listParams = doc.paths["/reports"]!.get!.parameters.map((p) => p.name);
    expect(listParams).toEqual(expect.arrayContaining(["agency", "year", "status", "edition", "limit", "cursor"]));
    expect(doc.paths["/reports/{id}"]!.get!.parameters).toEqual([expect.objectContaining({ name: "id", in: "path" })]);
    expect(doc.paths["/reports/{id}/source/tables/{table}"]!.get!.parameters.map((p) => p.name)).toEqual(["id", "table"]);
    expect(doc.paths["/uploads"]!.post).toHaveProperty("requestBody");
    expect(doc.paths["/agencies/{id}/series"]!.get!.parameters).toEqual([expect.objectContaining({ name: "id", in: "path" })]);
    expect(doc.paths["/compare"]!.get!.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["agencies", "year"]));
    expect(doc.paths["/coverage"]!.get!.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(["year", "region", "level"]));
    expect(doc.paths["/registry/imports"]!.post).toHaveProperty("requestBody");
    expect(doc.paths["/reports/{id}/reviews"]!.post).toHaveProperty("requestBody");
    expect(doc.paths["/reports/{id}/reviews"]!.get!.parameters).toEqual([expect.objectContaining({ name: "id", in: "path" })]);
    expect(doc.paths["/exports"]!.post).toHaveProperty("requestBody");
  });

  it("answers coverage without a year or with a bad region by a 400 naming it", async () => {
    expect(bodyOf(await request("GET", "/coverage", { region: "3208" }))).toMatchObject({ parameter: "year" });
    expect(bodyOf(await request("GET", "/coverage", { year: "2023", region: "32a" }))).toMatchObject({ parameter: "region" });
    const c = bodyOf(await request("GET", "/coverage", { year: "2023", region: "320800" })) as { region: string; counts: { expected: number } };
    expect(c).toMatchObject({ region: "3208", counts: { expected: 8 } });
  });

  it("refuses a list of bodies with a bad line, storing nothing, and stores a good one", async () => {
    const csvBase64 = (text: string) => JSON.stringify({ csvBase64: Buffer.from(text).toString("base64") });
    const bad = await request("POST", "/registry/imports", {}, { "content-type": "application/json" }, csvBase64("淮安市人民政府,320800\n洪泽区人民政府,3208\n"));
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad)).toMatchObject({ parameter: "csvBase64", problems: [{ line: 2, message: "区划代码“3208”应为六位数字（GB/T 2260）" }] });
    expect(await deps.bodyLists.all()).toEqual([]);
    const good = await request("POST", "/registry/imports", {}, { "content-type": "application/json" }, csvBase64("淮安市人民政府,320800\n洪泽区人民政府,320813\n"));
    expect(good.statusCode).toBe(201);
    expect(bodyOf(good)).toMatchObject({ scope: "3208", imported: 2 });
    expect((await deps.bodyLists.all()).map((l) => l.bodies.map((b) => b.agency))).toEqual([["淮安市人民政府", "洪泽区人民政府"]]);
  });
});

/**
 * The query API against the local stack (DynamoDB Local, s3rver, the local Step Functions,
 * the local API server): the five seeds go through the pipeline, 25 more records are
 * written straight through the record store for paging.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run as runStatsCommand } from "../../bin/commands/stats.ts";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { createDynamoRecordQuery, READ_SHAPE } from "../../functions/adapters/record-query.ts";
import type { StoredReport } from "../../functions/adapters/record-store.ts";
import { scopePk, yearSk } from "../../functions/adapters/stats-aggregates.ts";
import { writeExportFile } from "../../functions/adapters/export-file.ts";
import { withAgencyKey } from "../../functions/api/agency-keys.ts";
import { summariseReports } from "../../functions/api/stats.ts";
import { Config } from "../../functions/shared/config.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import { CSV_COLUMNS, CSV_COLUMNS_ZH, parseCsv, UTF8_BOM } from "../../functions/api/csv.ts";
import { REPORTS_SHEET, XLSX_CONTENT_TYPE } from "../../functions/api/xlsx.ts";
import { expectFiguresOf, readWorkbook } from "../support/xlsx.ts";
import { FIGURE_COLUMNS, readFigure } from "../../functions/api/figures.ts";
import { PARSER_VERSION } from "../../functions/report/index.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { partialRecord } from "../support/fakes.ts";
import type { ReportRecord } from "../../functions/report/record.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const SYNTHETIC = "synthetic-1";
const SYNTHETIC_COUNT = 25;
const LOCAL_TABLE = LOCAL_NAMES.TABLE;

let local: TestStack;
let api: string;
const seedBytes = new Map<string, Uint8Array>();
const expected = new Map<string, ReportRecord>();

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${path}`, { headers });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Every page of `GET /reports` with `query`, following nextCursor. */
async function allPages(query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body } = await get(`/reports?${query}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(status).toBe(200);
    pages += 1;
    ids.push(...body.items.map((i: { id: string }) => i.id));
    cursor = body.nextCursor;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { ids, pages };
}

/** A CSV export of the five seeds, read back: BOM, the template's columns, every figure of every seed. */
/** The CSV holds a row per seed (and `rows` rows in all: other tests store more reports of this parser), each figure as recorded. */
function expectSeedRows(bytes: Uint8Array, rowCount = SEEDS.length) {
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  expect(text.startsWith(UTF8_BOM)).toBe(true);
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual(CSV_COLUMNS);
  expect(header).toContain("applications.granted.total");
  expect(rows).toHaveLength(rowCount);
  const col = (name: string) => header!.indexOf(name);
  for (const seed of SEEDS) {
    const id = sha256(seedBytes.get(seed)!);
    const row = rows.find((r) => r[col("id")] === id);
    expect(row, seed).toBeDefined();
    const record = expected.get(seed)!;
    expect(row![col("agency")]).toBe(record.agency);
    expect(row![col("year")]).toBe(String(record.year));
    for (const column of FIGURE_COLUMNS) {
      const figure = readFigure(record, column);
      expect(row![col(column.name)], `${seed} ${column.name}`).toBe(figure === undefined ? "" : String(figure));
    }
  }
}

beforeAll(async () => {
  local = await startTestStack("nianbao-api-");
  api = local.stack.apiUrl;
  for (const seed of SEEDS) {
    const bytes = new Uint8Array(await readFile(join(SEEDS_DIR, `${seed}.txt`)));
    seedBytes.set(seed, bytes);
    expected.set(seed, JSON.parse(await readFile(join(SEEDS_DIR, `${seed}.expected.json`), "utf8")));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${seed}.txt`, Body: bytes }));
  }
  const records = local.stack.adapters.records;
  for (let i = 0; i < SYNTHETIC_COUNT; i++) {
    await records.putParsed({
      reportId: sha256(new TextEncoder().encode(`synthetic ${i}`)),
      status: i % 3 === 0 ? "NEEDS_REVIEW" : "VALID",
      parserVersion: SYNTHETIC,
      record: partialRecord({
        agency: `测试机关${i % 4}`,
        year: 2019 + (i % 3),
        edition: "2021",
        findings: i % 3 === 0 ? [{ rule: "applications.rowTotal", severity: "error", message: "m", cells: ["granted.total"], expected: 1, actual: 2 }] : [],
        applications: { granted: { naturalPerson: i, commercialEnterprise: 0, researchInstitution: 0, publicInterestOrganization: 0, legalServiceAgency: 0, otherOrganization: 0, total: i } },
      }),
      source: { bucket: local.stack.ingestBucket, key: `synthetic/${i}.txt` },
    });
  }
  await local.stack.idle();
}, 240_000);

afterAll(async () => {
  await local?.stop();
});

describe("GET /reports", () => {
  it("returns every record exactly once over pages of 7", async () => {
    const { ids, pages } = await allPages("limit=7");
    expect(ids).toHaveLength(SYNTHETIC_COUNT + SEEDS.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBeGreaterThanOrEqual(5);
  });

  it("pages a filtered listing exactly once too", async () => {
    const { ids } = await allPages(`year=2019&limit=3`);
    // Synthetic: i % 3 === 0 → 2019 (9 records); seeds: 000 and 004 are 2019.
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(9 + 2);
  });

  it("filters by agency and year, status and edition", async () => {
    const xihu = await get(`/reports?agency=${encodeURIComponent("西湖区教育局")}&year=2019`);
    expect(xihu.status).toBe(200);
    expect(xihu.body.items).toEqual([expect.objectContaining({ agency: "西湖区教育局", year: 2019, status: "NEEDS_REVIEW", errorCount: 4 })]);
    const review = await allPages("status=NEEDS_REVIEW&limit=4");
    expect(review.ids).toHaveLength(9 + 2);
    const y2021 = await get("/reports?edition=2021&parserVersion=" + PARSER_VERSION);
    expect(y2021.body.items.map((i: { agency: string }) => i.agency)).toEqual(["乌海市教育局"]);
    const none = await get(`/reports?agency=${encodeURIComponent("西湖区教育局")}&year=2020`);
    expect(none.body).toEqual({ items: [], count: 0, nextCursor: null });
  });

  it.each([
    ["year=abc", "year"],
    ["status=OK", "status"],
    ["limit=0", "limit"],
    ["edition=2020", "edition"],
    ["cursor=%%%", "cursor"],
    ["yaer=2019", "yaer"],
    // Structurally valid cursors no page handed out: another step, a foreign key, a filter's partition it does not belong to.
    [`cursor=${Buffer.from(JSON.stringify({ p: 7 })).toString("base64url")}`, "cursor"],
    [`cursor=${Buffer.from(JSON.stringify({ p: 0, k: { pk: "LIMITER#ocr", sk: "x", status: "VALID", updatedAt: "x" } })).toString("base64url")}`, "cursor"],
    [`year=2019&cursor=${Buffer.from(JSON.stringify({ p: 0, k: { pk: `REPORT#${"0".repeat(64)}`, sk: "RECORD", status: "NOPE", updatedAt: "x" } })).toString("base64url")}`, "cursor"],
  ])("answers ?%s with 400 naming %s", async (query, parameter) => {
    const res = await get(`/reports?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe(parameter);
    expect(res.body.message).toContain(parameter);
  });
});

describe("GET /reports/{id} and /source", () => {
  it("returns seed 000's record with its findings, source and parser version", async () => {
    const id = sha256(seedBytes.get("000_da3b4a7bec10951f")!);
    const { status, body } = await get(`/reports/${id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, status: "NEEDS_REVIEW", agency: "西湖区教育局", year: 2019, edition: "2019", parserVersion: PARSER_VERSION });
    expect(body.sources).toEqual([expect.objectContaining({ bucket: local.stack.ingestBucket, key: "incoming/000_da3b4a7bec10951f.txt" })]);
    expect(body.findings).toContainEqual(expect.objectContaining({ rule: "applications.resultsTotal", cells: ["resultsTotal.total"], expected: 19, actual: 0 }));
  });

  it("answers an unknown id with 404 and a malformed one with 400", async () => {
    const unknown = await get(`/reports/${"ab".repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain("ab".repeat(32));
    const bad = await get("/reports/not-a-hash");
    expect(bad.status).toBe(400);
    expect(bad.body.parameter).toBe("id");
    expect((await get(`/reports/${"ab".repeat(32)}/source`)).status).toBe(404);
  });

  it("presigns a URL that returns the original bytes", async () => {
    const bytes = seedBytes.get("003_d18ac2812112a4c0")!;
    const { status, body } = await get(`/reports/${sha256(bytes)}/source`);
    expect(status).toBe(200);
    expect(body.url).toContain("X-Amz-Signature=");
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const original = await fetch(body.url);
    expect(original.status).toBe(200);
    expect(new Uint8Array(await original.arrayBuffer())).toEqual(bytes);
    expect(original.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(original.headers.get("content-disposition")).toMatch(/^attachment; /);
  });

});

describe("GET /stats", () => {
  it("sums the seeds' figures as printed", async () => {
    const { status, body } = await get(`/stats?parserVersion=${PARSER_VERSION}`);
    expect(status).toBe(200);
    expect(body.reportCount).toBe(5);
    expect(body.reportsWithErrors).toBe(2);
    expect(body.applications.newReceived.total).toBe(166);
    expect(body.applications.granted.total).toBe(102);
    expect(body.reviewLitigation.litigationDirect.total).toBe(3);
    expect(body.outcomes.find((o: { key: string }) => o.key === "granted").count).toBe(102);
  });

  it("filters by year and agency", async () => {
    const y2019 = await get("/stats?year=2019");
    expect(y2019.body.reportCount).toBe(9 + 2);
    expect(y2019.body.byStatus).toMatchObject({ NEEDS_REVIEW: 9 + 2 });
    const xihu = await get(`/stats?agency=${encodeURIComponent("西湖区教育局")}`);
    expect(xihu.body.reportCount).toBe(1);
    expect(xihu.body.applications.newReceived.total).toBe(19);
    expect((await get("/stats?year=19")).status).toBe(400);
  });
});

describe("GET /export.xlsx", () => {
  it("exports the five seeds with the same filters as the CSV, every figure a number equal to its record", async () => {
    const res = await fetch(`${api}/export.xlsx?parserVersion=${PARSER_VERSION}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(XLSX_CONTENT_TYPE);
    const book = await readWorkbook(new Uint8Array(await res.arrayBuffer()));
    expect(book.getWorksheet(REPORTS_SHEET)!.rowCount).toBe(1 + 5);
    const stored = SEEDS.map((seed) => {
      const record = expected.get(seed)!;
      return { reportId: sha256(seedBytes.get(seed)!), agency: record.agency ?? undefined, year: record.year, record };
    });
    expectFiguresOf(book, stored);
    expect((await get("/export.xlsx?year=19")).status).toBe(400);
  });
});

describe("GET /export.csv", () => {
  it("exports the five seeds with the template's columns and their figures", async () => {
    const res = await fetch(`${api}/export.csv?parserVersion=${PARSER_VERSION}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expectSeedRows(bytes);
  });

  it("names the columns in Chinese with headers=zh", async () => {
    const res = await fetch(`${api}/export.csv?parserVersion=${PARSER_VERSION}&headers=zh`);
    expect(res.status).toBe(200);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual(CSV_COLUMNS_ZH);
    expect(rows).toHaveLength(5);
    expect((await get("/export.csv?headers=en")).status).toBe(400);
  });

  it("rejects a bad filter with 400", async () => {
    const res = await get("/export.csv?status=nope");
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe("status");
  });
});

describe("POST /uploads", () => {
  it("presigns a POST that s3rver accepts and that starts the pipeline", async () => {
    const bytes = seedBytes.get("002_732b3b243defc543")!;
    const copy = new Uint8Array([...bytes, ...new TextEncoder().encode("\n")]);
    const id = sha256(copy);
    const ticketRes = await fetch(`${api}/uploads`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: api },
      body: JSON.stringify({ fileName: "乌海 报告.txt", sha256: id, size: copy.length, contentType: "text/plain" }),
    });
    expect(ticketRes.status).toBe(201);
    expect(ticketRes.headers.get("access-control-allow-origin")).toBe(api);
    const ticket = (await ticketRes.json()) as { url: string; fields: Record<string, string>; key: string; statusPath: string };
    expect(ticket.key).toBe(`incoming/${id}/乌海 报告.txt`);
    expect(ticket.fields.Policy).toBeTruthy();
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
    form.append("file", new Blob([copy], { type: "text/plain" }), "乌海 报告.txt");
    const upload = await fetch(ticket.url, { method: "POST", body: form, headers: { origin: api } });
    expect(upload.status).toBe(204);
    expect(upload.headers.get("access-control-allow-origin")).toBeTruthy();
    await local.stack.idle();
    const record = await get(ticket.statusPath);
    expect(record.status).toBe(200);
    // The copy is another file of seed 002's report (same body, year and edition): its id gives that report, listing the upload.
    expect(record.body).toMatchObject({ id: sha256(bytes), status: "VALID", agency: "乌海市教育局", edition: "2021" });
    expect(record.body.sources).toContainEqual(expect.objectContaining({ key: ticket.key, contentHash: id, fileName: "乌海 报告.txt" }));
  });

  it("serves an HTML original stored as text/html as a plain-text download, so its script never runs", async () => {
    // Prepare: an HTML page whose uploader claimed text/html (not a report: its FAILED record still links its original).
    const html = new TextEncoder().encode(`<html><head><title>x</title><script>alert(document.cookie)</script></head><body><p>hello</p></body></html>`);
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/evil.html", Body: html, ContentType: "text/html" }));
    await local.stack.idle();

    // Act
    const { status, body } = await get(`/reports/${sha256(html)}/source`);
    const original = await fetch(body.url);

    // Assess
    expect(status).toBe(200);
    expect(original.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(original.headers.get("content-disposition")).toBe(`attachment; filename="evil.html"; filename*=UTF-8''evil.html`);
  });

  it("keeps the policy's key exact for a file name that names ${filename}", async () => {
    const id = "c".repeat(64);
    const res = await fetch(`${api}/uploads`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fileName: "${filename}", sha256: id, size: 10, contentType: "text/plain" }),
    });
    const ticket = (await res.json()) as { key: string; fields: Record<string, string> };
    const policy = JSON.parse(Buffer.from(ticket.fields.Policy!, "base64").toString("utf8")) as { conditions: unknown[] };
    expect(ticket.key).toBe(`incoming/${id}/_{filename}`);
    expect(policy.conditions).toContainEqual(["eq", "$key", ticket.key]);
    expect(JSON.stringify(policy.conditions)).not.toContain("starts-with");
  });

  it("refuses a caller's uploads past the hourly allowance (60) with 429 and when to retry", async () => {
    // This caller (127.0.0.1, no signed-in identity) has used a few of its 60 already in this file.
    const ticket = (n: number) =>
      fetch(`${api}/uploads`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ fileName: `q${n}.txt`, sha256: n.toString(16).padStart(64, "0"), size: 10, contentType: "text/plain" }),
      });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let n = 1; n <= 61 && !refused; n++) {
      const res = await ticket(n);
      statuses.push(res.status);
      if (res.status !== 201) refused = res;
    }
    expect(refused?.status).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 201)).toBe(true);
    expect(statuses.length).toBeGreaterThan(50);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused!.json()) as { message: string }).message).toMatch(/每小时上传上限/);
  });

  it("rejects a request without the file's digest, naming the field", async () => {
    const res = await fetch(`${api}/uploads`, { method: "POST", body: JSON.stringify({ fileName: "a.txt", size: 5 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { parameter: string }).parameter).toBe("sha256");
  });
});

describe("template, OpenAPI, CORS and the web page", () => {
  it("serves the template's labels", async () => {
    const { body } = await get("/template");
    expect(body.applications.rows["2019"].find((r: { key: string }) => r.key === "resultsTotal").label).toBe("（七）总计");
    expect(body.activeDisclosure["2021"].map((i: { item: string }) => i.item)).not.toContain("（九）");
  });

  it("serves an OpenAPI document listing every route", async () => {
    const { status, body } = await get("/openapi.json");
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(["/reports", "/reports/{id}", "/reports/{id}/source", "/stats", "/export.csv", "/uploads"]),
    );
  });

  it("lets only the web origin read responses", async () => {
    expect((await get("/reports?limit=1", { origin: api })).headers.get("access-control-allow-origin")).toBe(api);
    expect((await get("/reports?limit=1", { origin: "https://elsewhere.example" })).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("serves the page, its modules and Chart.js, and nothing outside web/", async () => {
    const page = await fetch(`${api}/web/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="./app.js">');
    expect((await fetch(`${api}/web/app.js`)).headers.get("content-type")).toContain("javascript");
    expect((await fetch(`${api}/web/vendor/chart.umd.min.js`)).status).toBe(200);
    expect((await fetch(`${api}/web/..%2Fpackage.json`)).status).toBe(404);
    const root = await fetch(`${api}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
  });
});

// Last in the file: it adds a FAILED record and a second source, which the counts above do not expect.
describe("GET /reports/{id}/progress", () => {
  type Progress = { reportId: string; steps: { step: string; at: string }[]; current: string | null; done: boolean; status?: string; failure?: { cause: string } };

  it("lists a dropped report's steps in order, Extract, Parse, Store, then done with its status", async () => {
    const id = sha256(seedBytes.get("000_da3b4a7bec10951f")!);
    const { status, body } = (await get(`/reports/${id}/progress`)) as { status: number; body: Progress };
    expect(status).toBe(200);
    expect(body).toMatchObject({ reportId: id, current: "Done", done: true, status: "NEEDS_REVIEW" });
    expect(body.steps.map((s) => s.step)).toEqual(["Extract", "Parse", "Store"]);
    const times = body.steps.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const record = await get(`/reports/${id}`);
    expect(Date.parse(record.body.updatedAt)).toBeGreaterThanOrEqual(times.at(-1)!);
  });

  it("answers an id the workflow never saw with 404 and a malformed one with 400", async () => {
    const unknown = await get(`/reports/${"cd".repeat(32)}/progress`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain("cd".repeat(32));
    expect((await get("/reports/not-a-hash/progress")).status).toBe(400);
  });

  it("ends a report that fails with RecordFailure and the reason", async () => {
    const bytes = new TextEncoder().encode("这不是政府信息公开工作年度报告，只是一张便条。\n");
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/note.txt", Body: bytes }));
    await local.stack.idle();
    const { body } = (await get(`/reports/${sha256(bytes)}/progress`)) as { body: Progress };
    expect(body).toMatchObject({ done: true, status: "FAILED", current: "Done" });
    expect(body.steps.map((s) => s.step)).toEqual(["Extract", "Parse", "RecordFailure"]);
    expect(body.failure?.cause.length).toBeGreaterThan(0);
  });

  it("is done at once for bytes uploaded again after they were recorded", async () => {
    const bytes = seedBytes.get("004_3c5ccc28fdec33c7")!;
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/again.txt", Body: bytes }));
    const { body } = (await get(`/reports/${sha256(bytes)}/progress`)) as { body: Progress };
    expect(body).toMatchObject({ done: true, current: "Done" });
    await local.stack.idle();
  });
});

describe("GET /stats from the aggregates kept on write", () => {
  const table = () => createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));

  /** Today's computation: the matching records read one by one and summed. */
  async function summedFromRecords(filter: Record<string, string | number>) {
    const client = table();
    try {
      const reports: StoredReport[] = [];
      const keyed = await withAgencyKey(filter as { agency?: string }, local.stack.adapters.registry);
      for await (const r of createDynamoRecordQuery(client, LOCAL_TABLE).each(keyed, READ_SHAPE.FIGURES)) reports.push(r);
      return summariseReports(reports);
    } finally {
      client.destroy();
    }
  }

  it("gives today's answer for every covered filter, and says it came from the aggregates", async () => {
    const filters: Record<string, string | number>[] = [
      {},
      { year: 2019 },
      { status: "VALID" },
      { edition: "2021" },
      { edition: "2021", status: "NEEDS_REVIEW", year: 2020 },
      { agency: "西湖区教育局" },
      { agency: "测试机关1", year: 2020 },
    ];
    for (const filter of filters) {
      const { status, body } = await get(`/stats?${new URLSearchParams(Object.entries(filter).map(([k, v]): [string, string] => [k, String(v)]))}`);
      expect(status).toBe(200);
      const { computedFrom, fallback, ...stats } = body;
      expect(computedFrom, JSON.stringify(filter)).toBe("aggregates");
      expect(fallback).toBeUndefined();
      expect(stats, JSON.stringify(filter)).toEqual(await summedFromRecords(filter));
    }
  });

  it("sums the records for a filter no aggregate covers, and says so", async () => {
    const { body } = await get(`/stats?parserVersion=${SYNTHETIC}`);
    expect(body.computedFrom).toBe("records");
    expect(body.fallback).toContain("解析器版本");
    expect(body.reportCount).toBe(SYNTHETIC_COUNT);
  });

  it("lists summaries with the counts kept on write", async () => {
    const { body } = await get(`/reports?agency=${encodeURIComponent("西湖区教育局")}&year=2019`);
    expect(body.items).toEqual([expect.objectContaining({ errorCount: 4, sourceCount: 1 })]);
  });

  it("`nianbao stats rebuild` reports a drifted aggregate and repairs it", async () => {
    const client = table();
    try {
      await client.send(
        new UpdateCommand({ TableName: LOCAL_TABLE, Key: { pk: scopePk("2021", "NEEDS_REVIEW"), sk: yearSk(2019) }, UpdateExpression: "ADD #c :d", ExpressionAttributeNames: { "#c": "app|granted|total" }, ExpressionAttributeValues: { ":d": 1000 } }),
      );
    } finally {
      client.destroy();
    }
    const drifted = (await get("/stats?year=2019")).body;
    expect(drifted.applications.granted.total).toBe((await summedFromRecords({ year: 2019 })).applications.granted?.total! + 1000);

    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    let code = -1;
    let printed = "";
    try {
      code = await runStatsCommand(["rebuild", "--endpoint", api]);
      printed = out.mock.calls.map((c) => String(c[0])).join("");
    } finally {
      out.mockRestore();
    }
    expect(code).toBe(0);
    expect(printed).toMatch(/偏差  STATS#E=2021#S=NEEDS_REVIEW  Y#2019  app\|granted\|total：存储 \d+，重算 \d+/);
    expect(printed).toContain("已修复 1 项");
    expect((await get("/stats?year=2019")).body.applications.granted.total).toBe((await summedFromRecords({ year: 2019 })).applications.granted!.total);
  });
});

describe("export files streamed to S3 under exports/", () => {
  it("writes the seeds as a multipart CSV whose figures read back one by one", async () => {
    const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
    try {
      const query = createDynamoRecordQuery(client, LOCAL_TABLE);
      const target = { bucket: LOCAL_NAMES.ARTIFACTS_BUCKET, filter: { parserVersion: PARSER_VERSION } };
      // Earlier tests of this file store more reports of this parser than the five seeds.
      const matching = (await get(`/reports?parserVersion=${PARSER_VERSION}&limit=1000`)).body.items.length as number;
      expect(matching).toBeGreaterThanOrEqual(SEEDS.length);
      const csv = await writeExportFile(local.s3, query, { ...target, name: "seeds.csv", format: "csv" }, 4096);
      expect(csv).toMatchObject({ key: "exports/seeds.csv", reports: matching });
      expect(csv.parts).toBeGreaterThan(1);
      const object = await local.s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.ARTIFACTS_BUCKET, Key: csv.key }));
      const bytes = await object.Body!.transformToByteArray();
      expect(bytes.length).toBe(csv.bytes);
      expectSeedRows(bytes, matching);

      const jsonl = await writeExportFile(local.s3, query, { ...target, name: "seeds.jsonl", format: "jsonl" });
      const text = await (await local.s3.send(new GetObjectCommand({ Bucket: LOCAL_NAMES.ARTIFACTS_BUCKET, Key: jsonl.key }))).Body!.transformToString();
      const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l) as ReportRecord & { id: string });
      expect(lines).toHaveLength(matching);
      for (const seed of SEEDS) {
        const line = lines.find((l) => l.id === sha256(seedBytes.get(seed)!))!;
        expect(line, seed).toBeDefined();
        expect(line.applications, seed).toEqual(expected.get(seed)!.applications);
      }
    } finally {
      client.destroy();
    }
  });
});

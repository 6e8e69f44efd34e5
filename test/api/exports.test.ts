/**
 * Export jobs on the local stack (issue 17, item 3): `POST /exports` → the export workflow →
 * `GET /exports/{id}` DONE → the file fetched through its presigned link, every figure equal to
 * its record, for csv, xlsx (read back with exceljs) and jsonl; rejected formats and filters
 * answer 400 in Chinese; a job whose reading fails, or whose Lambda dies, is FAILED with its
 * reason, leaving no file and every record as it was; nothing under `exports/` is ever ingested.
 *
 * Records are written straight through the store (no parsing needed to show the export).
 */
import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { createDynamoExportJobStore, type ExportJobStore } from "../../functions/adapters/export-jobs.ts";
import type { StoredReport } from "../../functions/adapters/record-store.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { Config } from "../../functions/shared/config.ts";
import { runExport, type ExportDeps } from "../../functions/steps/10-export/export.ts";
import { ingestRecordsOf, LOCAL_NAMES } from "../../local/stack.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { expectCsvFiguresOf, failingOn, storeSeedRecords } from "../support/export-records.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { expectFiguresOf, readWorkbook } from "../support/xlsx.ts";

const VERSION = "export-test";
/** Records of this parser version read one and then fail (the fault the stack's export function is given). */
const FAULTY = "export-fault";
const READ_FAULT = "模拟的读取故障 (simulated read failure)";

let local: TestStack;
let jobs: ExportJobStore;
let exportDeps: ExportDeps;
const progressMarks: number[] = [];
const stored: StoredReport[] = [];

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${local.stack.apiUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Starts a job and waits (no sleeping: the stack's idle) for its workflow to end; the job as GET answers it. */
async function exportJob(format: string, filters: Record<string, unknown>) {
  const created = await api("POST", "/exports", { format, filters });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  expect(created.body).toMatchObject({ state: "QUEUED", written: 0, format });
  await local.stack.idle();
  const job = await api("GET", created.body.statusPath);
  expect(job.status).toBe(200);
  return job.body;
}

async function download(job: Record<string, any>): Promise<Buffer> {
  expect(job.state, job.failure).toBe("DONE");
  const res = await fetch(job.download.url);
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect(bytes.length).toBe(job.download.bytes);
  return bytes;
}

const byId = (id: string) => stored.find((r) => r.reportId === id)!;

beforeAll(async () => {
  local = await startTestStack("nianbao-exports-", {
    exportDeps: (built) => {
      exportDeps = {
        ...built,
        query: failingOn(built.query, FAULTY, READ_FAULT),
        progressEvery: 2,
        jobs: { ...built.jobs, progress: (id, n) => (progressMarks.push(n), built.jobs.progress(id, n)) },
      };
      return exportDeps;
    },
  });
  const client = createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
  jobs = createDynamoExportJobStore(client, LOCAL_NAMES.TABLE);
  stored.push(...(await storeSeedRecords(local.stack.adapters.records, local.stack.ingestBucket, VERSION, FAULTY)));
}, 120_000);

afterAll(async () => {
  await local?.stop();
});

describe("POST /exports → GET /exports/{id} → the file", () => {
  it("csv: every figure of every row equals its record, progress marked as it went", async () => {
    const job = await exportJob("csv", { parserVersion: VERSION });
    expect(job).toMatchObject({ written: SEEDS.length, download: { fileName: expect.stringMatching(/\.csv$/) } });
    expect(progressMarks).toEqual([2, 4]);
    expectCsvFiguresOf((await download(job)).toString("utf8"), stored);
  });

  it("xlsx: read back with exceljs, every figure on its section's sheet as a number", async () => {
    const job = await exportJob("xlsx", { parserVersion: VERSION });
    const book = await readWorkbook(await download(job));
    expectFiguresOf(book, stored);
    expect(book.getWorksheet("报告")!.rowCount).toBe(1 + SEEDS.length);
  });

  it("jsonl: one line per record, each section equal to the record's", async () => {
    const job = await exportJob("jsonl", { parserVersion: VERSION, status: "VALID" });
    const lines = (await download(job)).toString("utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as ReportRecord & { id: string });
    expect(lines).toHaveLength(SEEDS.length);
    for (const line of lines) {
      const { record } = byId(line.id);
      for (const section of ["activeDisclosure", "applications", "reviewLitigation"] as const) expect(line[section], section).toEqual(record![section]);
    }
  });
});

describe("rejected requests", () => {
  it.each([
    [{ format: "pdf" }, /导出格式 format 应为 csv、xlsx 或 jsonl/],
    [{ format: "csv", filters: { year: "今年" } }, /筛选条件 year 应为年份/],
    [{ format: "csv", filters: { status: "DONE" } }, /筛选条件 status 应为 VALID/],
    [{ format: "csv", filters: { province: "浙江省" } }, /没有这样的筛选条件：province/],
    [{ format: "csv", filter: {} }, /请求中有未知的字段：filter/],
  ])("%j → 400 in Chinese", async (body, message) => {
    const res = await api("POST", "/exports", body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("an unknown or malformed job id", async () => {
    expect((await api("GET", `/exports/${randomUUID()}`)).status).toBe(404);
    const bad = await api("GET", "/exports/nope");
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/导出任务编号/);
  });
});

describe("a job that fails", () => {
  it("reading fails mid-way: FAILED with the reason, no file left, every record unchanged", async () => {
    const before = await Promise.all(stored.map((r) => local.stack.adapters.records.get(r.reportId)));
    const job = await exportJob("csv", { parserVersion: FAULTY });
    expect(job.state).toBe("FAILED");
    expect(job.failure).toContain("导出失败");
    expect(job.failure).toContain(READ_FAULT);
    expect(job.download).toBeUndefined();
    await expect(local.s3.send(new HeadObjectCommand({ Bucket: LOCAL_NAMES.ARTIFACTS_BUCKET, Key: `exports/${job.jobId}.csv` }))).rejects.toMatchObject({ name: "NotFound" });
    expect(await Promise.all(stored.map((r) => local.stack.adapters.records.get(r.reportId)))).toEqual(before);
  });

  it("the Lambda dies (the workflow's Catch): FAILED with its error; a DONE job stays DONE", async () => {
    const jobId = randomUUID();
    await jobs.create({ jobId, format: "csv", filter: { parserVersion: VERSION } });
    const caught = { Error: "Sandbox.Timedout", Cause: JSON.stringify({ errorMessage: "Task timed out after 900.00 seconds" }) };
    expect(await runExport({ jobId, error: caught }, exportDeps)).toEqual({ jobId, state: "FAILED" });
    expect(await jobs.get(jobId)).toMatchObject({ state: "FAILED", failure: "导出任务中断（Sandbox.Timedout）：Task timed out after 900.00 seconds" });

    const done = await exportJob("jsonl", { parserVersion: VERSION });
    await runExport({ jobId: done.jobId, error: caught }, exportDeps);
    expect(await jobs.get(done.jobId)).toMatchObject({ state: "DONE", written: SEEDS.length });
  });

  it("out of the Lambda's time: FAILED, asking for narrower filters", async () => {
    const jobId = randomUUID();
    await jobs.create({ jobId, format: "xlsx", filter: { parserVersion: VERSION } });
    expect(await runExport({ jobId }, exportDeps, () => 1_000)).toMatchObject({ state: "FAILED" });
    expect((await jobs.get(jobId))!.failure).toMatch(/导出超过了单次运行的时限，请缩小筛选范围/);
  });
});

describe("objects under exports/ are never ingested", () => {
  it("neither the files the jobs wrote nor one put under exports/ of the ingest bucket start an execution", async () => {
    const bytes = await readFile(join(SEEDS_DIR, `${SEEDS[0]}.txt`));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "exports/stray.txt", Body: bytes }));
    await local.stack.idle();
    expect(await local.stack.adapters.records.get(createHash("sha256").update(bytes).digest("hex"))).toBeUndefined();
    const record = (bucket: string, key: string) => ({ Records: [{ s3: { bucket: { name: bucket }, object: { key } } }] });
    expect(ingestRecordsOf(record(local.stack.ingestBucket, "exports/stray.txt"), local.stack.ingestBucket)).toBeNull();
    expect(ingestRecordsOf(record(LOCAL_NAMES.ARTIFACTS_BUCKET, "exports/x.csv"), local.stack.ingestBucket)).toBeNull();
    const executions = await readFile(join(local.dataDir, "executions.log"), "utf8").catch(() => "");
    expect(executions).not.toContain("nianbao-pipeline");
  });
});

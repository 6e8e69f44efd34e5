/**
 * `nianbao export` run as a process against one local stack (issue 17, leftover): a csv job
 * saved to --out with every figure equal to its record and its progress on stderr in Chinese;
 * jsonl to stdout; xlsx read back with exceljs; a job whose reading fails → exit 1 with the
 * job's Chinese reason and no file; a refused request and an API that is not there → exit 2 in
 * Chinese. Records are written straight through the store (no parsing needed for an export).
 * What the stack cannot be made to do on demand (a job that never ends, a link that no longer
 * works) is answered by a small stand-in API on the loopback.
 */
import { access, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredReport } from "../../../functions/adapters/record-store.ts";
import type { ReportRecord } from "../../../functions/report/record.ts";
import { SEEDS } from "../../fixtures/seeds.ts";
import { nianbao } from "../../support/cli.ts";
import { expectCsvFiguresOf, failingOn, storeSeedRecords } from "../../support/export-records.ts";
import { startTestStack, type TestStack } from "../../support/local-stack.ts";
import { expectFiguresOf, readWorkbook } from "../../support/xlsx.ts";

const VERSION = "cli-export";
/** Records of this parser version read one and then fail. */
const FAULTY = "cli-export-fault";
const READ_FAULT = "模拟的读取故障 (simulated read failure)";

let local: TestStack;
let dir: string;
const stored: StoredReport[] = [];

const exportCli = (...args: string[]) => nianbao("export", "--endpoint", local.stack.apiUrl, "--poll-ms", "50", ...args);
const byId = (id: string) => stored.find((r) => r.reportId === id);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  local = await startTestStack("nianbao-cli-export-", { exportDeps: (built) => ({ ...built, query: failingOn(built.query, FAULTY, READ_FAULT) }) });
  dir = await mkdtemp(join(tmpdir(), "nianbao-cli-export-out-"));
  stored.push(...(await storeSeedRecords(local.stack.adapters.records, local.stack.ingestBucket, VERSION, FAULTY)));
}, 120_000);

afterAll(async () => {
  await local?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("nianbao export", () => {
  it("csv to --out: progress on stderr in Chinese, every figure of every row equal to its record", async () => {
    const out = join(dir, "records.csv");
    const run = await exportCli("--format", "csv", "--parser-version", VERSION, "--out", out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(out);
    expect(run.stderr).toMatch(/^已排队$/m);
    expect(run.stderr).toContain(`导出完成：${SEEDS.length} 份报告`);
    expectCsvFiguresOf(await readFile(out, "utf8"), stored);
  });

  it("jsonl to stdout (--out -): one record per line, as stored", async () => {
    const run = await exportCli("--format", "jsonl", "--parser-version", VERSION, "--status", "valid", "--out", "-");
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as ReportRecord & { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual(stored.map((r) => r.reportId).sort());
    for (const line of lines) expect(line.applications).toEqual(byId(line.id)!.record!.applications);
  });

  it("xlsx to --out: every figure on its section's sheet", async () => {
    const run = await exportCli("--format", "xlsx", "--parser-version", VERSION, "--out", join(dir, "records.xlsx"));
    expect(run.code, run.stderr).toBe(0);
    expectFiguresOf(await readWorkbook(await readFile(join(dir, "records.xlsx"))), stored);
  });

  it("a job that FAILED: exit 1 with its reason in Chinese, no file", async () => {
    const out = join(dir, "failed.csv");
    const run = await exportCli("--format", "csv", "--parser-version", FAULTY, "--out", out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/导出任务 [0-9a-f-]{36} 失败：.*导出失败/);
    expect(run.stderr).toContain(READ_FAULT);
    await expect(access(out)).rejects.toMatchObject({ code: "ENOENT" });
    await expect(access(`${out}.part`)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it.each([
    [["--format", "pdf"], /导出任务未能创建：.*导出格式 format 应为 csv、xlsx 或 jsonl/],
    [["--format", "csv", "--year", "今年"], /筛选条件 year 应为年份/],
    [["--year", "2021"], /请用 --format 指定导出格式/],
  ])("%j is refused: exit 2, in Chinese", async (args, message) => {
    const run = await exportCli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("no API at the endpoint: exit 2, saying so in Chinese", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const run = await nianbao("export", "--format", "csv", "--endpoint", endpoint);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`无法连接 API：${endpoint}`);
  });

  describe("against a stand-in API", () => {
    const jobId = "00000000-0000-4000-8000-000000000000";
    let server: Server;
    let endpoint: string;
    let state = "QUEUED";
    beforeAll(async () => {
      server = createHttpServer((req, res) => {
        const job = { jobId, state, written: 3, statusPath: `/exports/${jobId}`, ...(state === "DONE" ? { download: { url: `${endpoint}/gone`, bytes: 10, fileName: "x.csv" } } : {}) };
        if (req.url === "/gone") return res.writeHead(403).end("expired");
        res.writeHead(req.method === "POST" ? 202 : 200, { "content-type": "application/json" }).end(JSON.stringify(job));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it("a job that does not finish within --timeout: exit 1, saying where to look", async () => {
      state = "RUNNING";
      const run = await nianbao("export", "--format", "csv", "--endpoint", endpoint, "--timeout", "0.3", "--poll-ms", "50");
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("正在导出：已写入 3 份报告");
      expect(run.stderr).toContain(`导出任务 ${jobId} 在 0.3 秒内未完成，可稍后查询 ${endpoint}/exports/${jobId}`);
    });

    it("a link that no longer works: exit 2 in Chinese, no file and no partial file", async () => {
      state = "DONE";
      const out = join(dir, "gone.csv");
      const run = await nianbao("export", "--format", "csv", "--endpoint", endpoint, "--out", out);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("无法下载导出文件：HTTP 403");
      await expect(access(out)).rejects.toMatchObject({ code: "ENOENT" });
      await expect(access(`${out}.part`)).rejects.toMatchObject({ code: "ENOENT" });
    });

    it("a --timeout that is not a number: exit 2", async () => {
      const run = await nianbao("export", "--format", "csv", "--endpoint", endpoint, "--timeout", "soon");
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("--timeout 与 --poll-ms 应为正数");
    });
  });
});

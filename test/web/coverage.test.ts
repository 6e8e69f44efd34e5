/**
 * Coverage on the local stack with the three real WPS PDFs of ../shared/corpus/real dropped in
 * (issue 14): GET /coverage for 淮安市 in 2023 and 2024, the coverage view in chromium, and a list
 * of 20 bodies imported through the CLI and the API (two bad rows refused whole, then the fixed
 * list, in UTF-8 and GB18030) that coverage then expects instead.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import iconv from "iconv-lite";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { badBodyListCsv, bodyListCsv } from "../fixtures/body-lists.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { ARTIFACTS, CHROMIUM, dropFiles, openWebPage, pageWidths, PHONE, type WebPage } from "../support/web-page.ts";

const REAL_DIR = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real");
const FILES = ["p02", "p03", "p04"] as const;
const run = promisify(execFile);

type Listed = { agencyId: string; agency: string; region: { code: string } };
type Coverage = {
  counts: { expected: number; published: number; missing: number };
  published: (Listed & { reportId: string })[];
  missing: (Listed & { years: number[] })[];
  divisions: { code: string; expected: number; published: number; missing: number }[];
  lists: { scope: string; bodies: number }[];
};

let local: TestStack;
const ids = new Map<string, string>();
const agencyIds = new Map<string, string>();

async function coverage(year: number, region: string): Promise<Coverage> {
  const res = await fetch(`${local.stack.apiUrl}/coverage?year=${year}&region=${region}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Coverage;
}

async function postList(bytes: Uint8Array): Promise<{ status: number; body: { imported?: number; scope?: string; problems?: { line: number; message: string }[] } }> {
  const res = await fetch(`${local.stack.apiUrl}/registry/imports`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ csvBase64: Buffer.from(bytes).toString("base64") }),
  });
  return { status: res.status, body: (await res.json()) as Awaited<ReturnType<typeof postList>>["body"] };
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/nianbao.mjs", ...args, "--endpoint", local.stack.apiUrl]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  local = await startTestStack("nianbao-coverage-");
  const files = await Promise.all(FILES.map(async (name) => ({ key: `incoming/${name}.pdf`, bytes: await readFile(join(REAL_DIR, `${name}.pdf`)) })));
  (await dropFiles(local, files)).forEach((id, i) => ids.set(FILES[i]!, id));
  for (const name of ["p02", "p04"]) {
    const report = (await (await fetch(`${local.stack.apiUrl}/reports/${ids.get(name)}`)).json()) as { agencyId: string };
    agencyIds.set(name, report.agencyId);
  }
}, 240_000);

afterAll(async () => {
  await local?.stop();
});

describe("GET /coverage with the real reports", () => {
  it("lists 洪泽区人民政府 as published in 2023 and 淮安市人民政府 (2024 only) as missing", async () => {
    const c = await coverage(2023, "3208");
    expect(c.counts.expected).toBeGreaterThanOrEqual(8);
    expect(c.counts.published + c.counts.missing).toBe(c.counts.expected);
    expect(c.published).toEqual([expect.objectContaining({ agencyId: agencyIds.get("p02"), agency: expect.stringMatching(/洪泽区人民政府$/), reportId: ids.get("p02") })]);
    expect(c.missing).toContainEqual(expect.objectContaining({ agencyId: agencyIds.get("p04"), agency: "淮安市人民政府", years: [2024] }));
    // 淮安市 and its seven county-level governments; the registry's two bodies are two of them.
    expect(c.counts.expected).toBe(8);
    expect(c.divisions.find((d) => d.code === "320813")).toMatchObject({ expected: 1, published: 1, missing: 0 });
  });

  it("misses neither body in 2024", async () => {
    const c = await coverage(2024, "3208");
    const missing = c.missing.map((m) => m.agencyId);
    expect(missing).not.toContain(agencyIds.get("p02"));
    expect(missing).not.toContain(agencyIds.get("p04"));
    expect(c.published.map((p) => p.reportId).sort()).toEqual([ids.get("p03"), ids.get("p04")].sort());
    expect(c.counts.published + c.counts.missing).toBe(c.counts.expected);
  });

  it("refuses a region that is no code prefix", async () => {
    const res = await fetch(`${local.stack.apiUrl}/coverage?year=2023&region=320`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ parameter: "region" });
  });
});

describe.skipIf(!CHROMIUM)("the coverage view in chromium", () => {
  let web: WebPage;
  let page: Page;
  beforeAll(async () => {
    web = await openWebPage(local);
    page = web.page;
  }, 60_000);
  afterAll(async () => {
    await web?.close();
  });

  it("shows 淮安市's counts per division and the missing body with a link to the year it published", async () => {
    await web.open("#/coverage");
    await page.waitForSelector("#coverage-province option[value='320000']", { state: "attached" });
    await page.fill("#coverage-year", "2023");
    await page.selectOption("#coverage-province", "320000");
    await page.waitForSelector("#coverage-city option[value='320800']", { state: "attached" });
    await page.selectOption("#coverage-city", "320800");
    await page.click("#coverage-form button[type=submit]");
    await page.waitForSelector("#coverage-counts");
    expect(await page.locator("#coverage-counts [data-count=expected]").textContent()).toBe("8");
    expect(await page.locator("#coverage-counts [data-count=published]").textContent()).toBe("1");
    expect(await page.locator("#coverage-counts [data-count=missing]").textContent()).toBe("7");
    expect(await page.locator("#coverage-divisions tr[data-code='320813'] td").allTextContents()).toEqual(["洪泽区", "1", "1", "0"]);
    expect(await page.locator("#coverage-published li").allTextContents()).toEqual([expect.stringMatching(/洪泽区人民政府/)]);
    const city = page.locator(`#coverage-missing li[data-agency-id='${agencyIds.get("p04")}']`);
    expect(await city.locator(".name").textContent()).toBe("淮安市人民政府");
    await page.screenshot({ path: join(ARTIFACTS, "coverage.png"), fullPage: true });
    await city.locator("a[data-year='2024']").click();
    const reportId = ids.get("p04")!;
    await page.waitForFunction((id) => (globalThis as any).location.hash === `#/reports/${id}`, reportId);
    await page.waitForSelector("body[data-view=report]");
    // No 404 either: locally the page's request for the cloud's config.json is answered.
    expect(web.scriptErrors()).toEqual([]);
  });

  it("fits 淮安市's counts and lists on a 414-px screen", async () => {
    await page.setViewportSize(PHONE);
    try {
      await web.open("#/coverage?year=2023&region=3208");
      await page.waitForSelector("#coverage-divisions tr[data-code='320813']");
      expect(await pageWidths(page)).toEqual({ scrollWidth: PHONE.width, innerWidth: PHONE.width });
      await page.screenshot({ path: join(ARTIFACTS, "coverage-414px.png"), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1360, height: 1000 });
    }
  });
});

describe("importing the list of bodies", () => {
  it("refuses a CSV with two bad rows through the CLI, naming both lines, and imports nothing", async () => {
    const file = join(local.dataDir, "bad-bodies.csv");
    await writeFile(file, badBodyListCsv());
    const { code, stderr, stdout } = await cli("registry", "import", file);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("机关清单有 2 处问题，未导入任何机关");
    expect(stderr).toMatch(/第 6 行：区划代码“32081”/);
    expect(stderr).toMatch(/第 12 行：机关“淮安市民政局”/);
    const api = await postList(new TextEncoder().encode(badBodyListCsv()));
    expect(api.status).toBe(400);
    expect(api.body.problems?.map((p) => p.line)).toEqual([6, 12]);
    const c = await coverage(2023, "3208");
    expect(c.lists).toEqual([]);
    expect(c.counts.expected).toBe(8);
  });

  it("imports the fixed list of 20 through the CLI, and coverage expects those bodies", async () => {
    const file = join(local.dataDir, "bodies.csv");
    await writeFile(file, `\uFEFF${bodyListCsv()}`);
    const { code, stdout } = await cli("registry", "import", file);
    expect(code).toBe(0);
    expect(stdout).toContain("已导入 20 个机关，范围 3208");
    const c = await coverage(2023, "3208");
    expect(c.lists).toEqual([expect.objectContaining({ scope: "3208", bodies: 20 })]);
    expect(c.counts).toEqual({ expected: 20, published: 1, missing: 19 });
    expect(c.missing.map((m) => m.agency)).toContain("淮安市教育局");
    expect(c.published[0]).toMatchObject({ agencyId: agencyIds.get("p02") });
  });

  it("imports the same list in GB18030 through the API, replacing the earlier one", async () => {
    const { status, body } = await postList(iconv.encode(bodyListCsv(), "gb18030"));
    expect(status).toBe(201);
    expect(body).toMatchObject({ imported: 20, scope: "3208" });
    const c = await coverage(2024, "3208");
    expect(c.lists).toHaveLength(1);
    expect(c.counts).toEqual({ expected: 20, published: 2, missing: 18 });
  });
});

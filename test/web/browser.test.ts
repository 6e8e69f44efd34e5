/**
 * The web page in a real browser (Debian's chromium driven by playwright-core) against the
 * local stack: upload seed 000 through the upload box, watch it move through the workflow's
 * steps (GET /reports/{id}/progress) to NEEDS_REVIEW, open
 * it and find the highlighted （七）总计 cell with its finding's message. Screenshots go to
 * test-artifacts/web/.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { CHROMIUM, launchChromium, type TestBrowser } from "../support/chromium.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const ARTIFACTS = join(process.cwd(), "test-artifacts", "web");
const SEED_000 = join(SEEDS_DIR, "000_da3b4a7bec10951f.txt");
const OTHER_SEEDS = ["001_4b9b066e761ef3f1", "002_732b3b243defc543", "003_d18ac2812112a4c0", "004_3c5ccc28fdec33c7"];

let local: TestStack;
let chromium: TestBrowser;
let page: Page;

describe.skipIf(!CHROMIUM)("web page in chromium", () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    local = await startTestStack("nianbao-web-");
    for (const seed of OTHER_SEEDS) {
      const body = await readFile(join(SEEDS_DIR, `${seed}.txt`));
      await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${seed}.txt`, Body: body }));
    }
    await local.stack.idle();
    chromium = await launchChromium({ viewport: { width: 1360, height: 1000 } });
    page = chromium.page;
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await local?.stop();
  });

  it("lists the stored reports and draws the charts", async () => {
    await page.goto(`${local.stack.apiUrl}/web/`);
    await page.waitForSelector("#report-table tbody tr[data-id]");
    expect(await page.locator("#report-table tbody tr[data-id]").count()).toBe(4);
    // Chinese first in the status column, and the file each report came from
    const yaohai = page.locator("#report-table tbody tr[data-id]", { hasText: "瑶海区人民政府" });
    expect(await yaohai.locator(".badge").textContent()).toBe("需复核 NEEDS_REVIEW");
    expect(await yaohai.locator("td.file .file-name").textContent()).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
    // Both exports linked, with the list's filters: the CSV with Chinese headers, the workbook
    expect(await page.locator("#export-link").getAttribute("href")).toMatch(/\/export\.csv\?(.*&)?headers=zh/);
    const xlsx = await page.locator("#export-xlsx-link").getAttribute("href");
    expect(xlsx).toMatch(/\/export\.xlsx(\?|$)/);
    expect((await page.request.get(new URL(xlsx!, page.url()).href)).headers()["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    // Functions, not strings: a string predicate is eval'd in the page, which its CSP forbids.
    await page.waitForFunction(() => (globalThis as any).Chart !== undefined && Object.keys((globalThis as any).Chart.instances).length === 2);
    const charts = await page.evaluate<number>("Object.keys(window.Chart.instances).length");
    expect(charts).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, "1-list.png"), fullPage: true });
  });

  it("uploads seed 000 through the box and shows it move through the steps to NEEDS_REVIEW", async () => {
    // Every step the box highlights as running, as it happens (the test's own observer).
    await page.evaluate(`(() => {
      window.seenCurrent = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll("#upload-list li.step[data-state=current]")) {
          if (window.seenCurrent.at(-1) !== el.dataset.step) window.seenCurrent.push(el.dataset.step);
        }
      }).observe(document.querySelector("#upload-list"), { childList: true, subtree: true });
    })()`);
    await page.setInputFiles("#upload-input", SEED_000);
    const badge = page.locator("#upload-list li.upload [data-status]");
    await badge.waitFor({ timeout: 90_000 });
    expect(await badge.textContent()).toBe("NEEDS_REVIEW");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#report-table tbody tr[data-id]").length === 5);
    const steps = page.locator("#upload-list li.upload li.step");
    expect(await steps.evaluateAll((els) => els.map((el) => [el.getAttribute("data-step"), el.getAttribute("data-state")]))).toEqual([
      ["Upload", "done"],
      ["Extract", "done"],
      ["Parse", "done"],
      ["Store", "done"],
      ["Done", "done"],
    ]);
    // Each workflow step shows how long it took (seconds from the marks' gaps).
    for (const step of ["Extract", "Parse", "Store"]) {
      expect(await page.locator(`#upload-list li.step[data-step="${step}"] small`).textContent()).toMatch(/^\d+\.\d s$/);
    }
    expect(await page.locator("#upload-list .elapsed").textContent()).toMatch(/^\d+\.\d s$/);
    // The upload, then Extract from the moment the bytes are in (the box always highlights one step).
    expect((await page.evaluate<string[]>("window.seenCurrent")).slice(0, 2)).toEqual(["Upload", "Extract"]);
    await page.locator("#upload-card").screenshot({ path: join(ARTIFACTS, "2-upload-steps.png") });
    await page.screenshot({ path: join(ARTIFACTS, "2-uploaded.png"), fullPage: true });
  });

  it("opens the report and highlights （七）总计 with the finding's message", async () => {
    await page.locator("#upload-list a.open-report").click();
    const cell = page.locator('#table-applications td[data-cell="resultsTotal.total"]');
    await cell.waitFor();
    expect(await cell.getAttribute("class")).toContain("finding-error");
    expect(await cell.getAttribute("title")).toContain("表三（七）总计·总计：印 0，各项办理结果相加为 19");
    expect(await cell.locator(".marker").isVisible()).toBe(true);
    expect(await cell.locator(".marker").textContent()).toContain("应为 19");
    const label = page.locator('#table-applications tr[data-row="resultsTotal"] td.label');
    expect(await label.textContent()).toBe("（七）总计");
    const listed = page.locator('.findings li[data-rule="applications.resultsTotal"]', { hasText: "表三（七）总计·总计" });
    expect(await listed.count()).toBe(1);
    expect(await listed.isVisible()).toBe(true);
    // Chinese first, and no internal keys next to the message
    expect(await listed.textContent()).toMatch(/^错误 error 表三（七）总计·总计：/);
    expect(await page.locator(".findings li code").count()).toBe(0);
    expect(await page.locator("#report-status").textContent()).toBe("NEEDS_REVIEW");
    expect(await page.locator('#table-applications td[data-cell="granted.total"]').getAttribute("class")).not.toContain("finding");
    await cell.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "3-report.png"), fullPage: true });
    await page.screenshot({ path: join(ARTIFACTS, "4-report-applications.png"), clip: (await page.locator("#table-applications").boundingBox())! });
  });

  it("draws a 2021-edition report with that edition's rows and columns", async () => {
    await page.goto(`${local.stack.apiUrl}/web/#/`);
    await page.locator("#report-table tbody tr", { hasText: "乌海市教育局" }).click();
    await page.locator("#table-applications").waitFor();
    expect(await page.locator("#table-activeDisclosure th", { hasText: "本年制发件数" }).count()).toBe(1);
    expect(await page.locator("#table-activeDisclosure").textContent()).not.toContain("政府集中采购");
    expect(await page.locator('#table-applications tr[data-row="otherHandling.noFee"]').count()).toBe(1);
    expect(await page.locator('#table-applications tr[data-row="otherHandling"]').count()).toBe(0);
    expect(await page.locator("td.finding-error").count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "5-report-2021.png"), fullPage: true });
  });

  it("shows bytes uploaded again after they were recorded as done at once", async () => {
    await page.goto(`${local.stack.apiUrl}/web/#/`);
    await page.setInputFiles("#upload-input", SEED_000);
    // The newest upload is listed first.
    const item = page.locator("#upload-list > li.upload").first();
    await item.locator("[data-status]").waitFor({ timeout: 10_000 });
    expect(await item.locator("[data-status]").textContent()).toBe("NEEDS_REVIEW");
    expect(await item.locator('li.step[data-step="Done"]').getAttribute("data-state")).toBe("done");
    expect(await page.locator("#upload-list > li.upload").count()).toBe(2);
    await local.stack.idle();
  });

  it("shows a failing upload stop at the step that failed, with the reason", async () => {
    await page.reload();
    await page.setInputFiles("#upload-input", {
      name: "note.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("这不是政府信息公开工作年度报告，只是一张便条。\n", "utf8"),
    });
    const item = page.locator("#upload-list > li.upload").first();
    await item.locator("[data-status]").waitFor({ timeout: 60_000 });
    expect(await item.locator("[data-status]").textContent()).toBe("FAILED");
    expect(await item.locator("li.step").evaluateAll((els) => els.map((el) => [el.getAttribute("data-step"), el.getAttribute("data-state")]))).toEqual([
      ["Upload", "done"],
      ["Extract", "done"],
      ["Parse", "failed"],
      ["Store", "skipped"],
      ["Done", "failed"],
    ]);
    expect((await item.locator(".error").textContent())?.length).toBeGreaterThan(0);
    await page.locator("#upload-card").screenshot({ path: join(ARTIFACTS, "6-upload-failed.png") });
    await local.stack.idle();
  });

  it("exports the list as a file job (POST /exports), showing its progress, then the link to the file", async () => {
    await page.goto(`${local.stack.apiUrl}/web/`);
    await page.waitForSelector("#report-table tbody tr[data-id]");
    // Every status line the page shows, as it happens (the test's own observer).
    await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const seen: string[] = ((globalThis as any).seenExportStatus = []);
      new (globalThis as any).MutationObserver(() => seen.push(doc.querySelector("#export-job-status").textContent)).observe(doc.querySelector("#export-job-status"), { childList: true, subtree: true, characterData: true });
    });
    await page.selectOption("#export-format", "jsonl");
    await page.click("#export-job");
    const link = page.locator("#export-job-download");
    await link.waitFor({ timeout: 30_000 });
    const status = (await page.locator("#export-job-status").textContent())!;
    const written = Number(/导出完成：共 (\d+) 份报告/.exec(status)?.[1]);
    expect(written).toBeGreaterThanOrEqual(5);
    const seen = await page.evaluate(() => (globalThis as any).seenExportStatus as string[]);
    expect(seen[0]).toBe("导出任务已排队…");
    const file = await page.request.get((await link.getAttribute("href"))!);
    expect(file.status()).toBe(200);
    expect((await file.text()).trimEnd().split("\n")).toHaveLength(written);
    await page.screenshot({ path: join(ARTIFACTS, "7-export-job.png"), fullPage: true });
  });

  it("logs no script errors", () => {
    // The upload box polls GET /reports/{id}, which is 404 until the record exists.
    expect(chromium.consoleErrors.filter((m) => !/Failed to load resource: .* 404/.test(m))).toEqual([]);
  });
});

/**
 * The filter's body search in chromium against the local stack: part of a name in traditional
 * script, then the province → city → county picker, narrow the bodies; choosing one lists its reports.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { CHROMIUM, launchChromium, type TestBrowser } from "../support/chromium.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const ARTIFACTS = join(process.cwd(), "test-artifacts", "web");
let local: TestStack;
let chromium: TestBrowser;
let page: Page;

describe.skipIf(!CHROMIUM)("body search and region picker in chromium", () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    local = await startTestStack("nianbao-picker-");
    for (const seed of SEEDS) {
      const body = await readFile(join(SEEDS_DIR, `${seed}.txt`));
      await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: `incoming/${seed}.txt`, Body: body }));
    }
    await local.stack.idle();
    chromium = await launchChromium({ viewport: { width: 1360, height: 1000 } });
    page = chromium.page;
    await page.goto(`${local.stack.apiUrl}/web/`);
    await page.waitForSelector("#report-table tbody tr[data-id]");
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await local?.stop();
  });

  it("finds a body by part of its name in traditional script", async () => {
    await page.fill("#agency-search", "西湖區");
    await page.waitForSelector("#agency-results button[data-id]");
    const names = await page.locator("#agency-results button[data-id]").allTextContents();
    expect(names).toEqual(["西湖区教育局"]);
  });

  it("narrows the bodies by province, city and county, and lists the chosen body's reports", async () => {
    await page.fill("#agency-search", "");
    await page.selectOption("#region-province", { label: "浙江省" });
    await page.waitForSelector("#region-city option[value='330100']", { state: "attached" });
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#agency-results button[data-id]").length === 2);
    expect((await page.locator("#agency-results button[data-id]").allTextContents()).sort()).toEqual(["杭州市教育局", "西湖区教育局"].sort());
    await page.selectOption("#region-city", "330100");
    await page.waitForSelector("#region-county option[value='330106']", { state: "attached" });
    await page.selectOption("#region-county", "330106");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#agency-results button[data-id]").length === 1);
    await page.click("#agency-results button[data-id]");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#report-table tbody tr[data-id]").length === 1);
    expect(await page.locator("#report-table tbody tr[data-id] td.agency").textContent()).toBe("西湖区教育局");
    expect(await page.locator("#agency-chosen span").textContent()).toBe("西湖区教育局");
    await page.screenshot({ path: join(ARTIFACTS, "agency-picker.png"), fullPage: true });
  });
});

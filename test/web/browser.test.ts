/**
 * The web page in a real browser (Debian's chromium driven by playwright-core) against the
 * local stack: upload seed 000 through the upload box, watch it move through the workflow's
 * steps (GET /reports/{id}/progress) to NEEDS_REVIEW, open
 * it and find the highlighted （七）总计 cell with its finding's message; then the filter's body
 * search (part of a name in traditional script, the province → city → county picker) and the page's
 * other promises (万元, 414 px, hints, blank totals, pictures). Screenshots go to test-artifacts/web/.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { layoutReport, loadSeeds, renderHtml } from "../fixtures/generate/index.ts";
import { localOcrEngine } from "../../functions/documents/ocr/local.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { ARTIFACTS, CHROMIUM, dropFiles, pageWidths, PHONE, startWebTest, uploadThroughBox, type WebTest } from "../support/web-page.ts";

const SEED_000 = join(SEEDS_DIR, "000_da3b4a7bec10951f.txt");
const OTHER_SEEDS = ["001_4b9b066e761ef3f1", "002_732b3b243defc543", "003_d18ac2812112a4c0", "004_3c5ccc28fdec33c7"];

const DESKTOP = { width: 1360, height: 1000 };
/** The engine the local stack reads scans and pictures with, if any. */
const hasLocalOcr = localOcrEngine({ labels: TEMPLATE_LABELS }) !== undefined;

let web: WebTest;
let page: Page;
/** Report ids by seed file name. */
const seedIds = new Map<string, string>();

/** Each money cell (`…TenThousandYuan`) of a section 二 table with the header of its column. */
function moneyHeaders(): { cell: string; header: string }[] {
  const span = (el: any) => Number(el.getAttribute("colspan") ?? 1);
  const out: { cell: string; header: string }[] = [];
  for (const td of (globalThis as any).document.querySelectorAll('#table-activeDisclosure td[data-cell$="TenThousandYuan"]')) {
    let header = td.parentElement.previousElementSibling;
    while (header && !header.querySelector("th") || header?.classList.contains("item")) header = header.previousElementSibling;
    const start = [...td.parentElement.children].slice(0, [...td.parentElement.children].indexOf(td)).reduce((n: number, c: any) => n + span(c), 0);
    let at = 0;
    const th = [...header.children].find((c: any) => (at += span(c)) > start) as any;
    out.push({ cell: td.dataset.cell, header: th.textContent });
  }
  return out;
}

if (!CHROMIUM) console.warn("SKIPPED: test/web/browser.test.ts needs /usr/bin/chromium");

describe.skipIf(!CHROMIUM)("web page in chromium", () => {
  beforeAll(async () => {
    const files = await Promise.all(OTHER_SEEDS.map(async (seed) => ({ key: `incoming/${seed}.txt`, bytes: await readFile(join(SEEDS_DIR, `${seed}.txt`)) })));
    web = await startWebTest("nianbao-web-", files, { viewport: DESKTOP });
    OTHER_SEEDS.forEach((seed, i) => seedIds.set(seed, web.ids[i]!));
    page = web.page;
  }, 240_000);

  afterAll(async () => {
    await web?.close();
  });

  it("lists the stored reports and draws the charts, with no request refused (config.json answered locally)", async () => {
    const refused: string[] = [];
    const onResponse = (r: Response) => void (r.status() >= 400 && refused.push(`${r.status()} ${r.url()}`));
    page.on("response", onResponse);
    const config = page.waitForResponse((r) => new URL(r.url()).pathname === "/web/config.json");
    await web.open();
    expect((await config).status()).toBe(200);
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
    const charts = await page.evaluate(() => Object.keys((globalThis as any).Chart.instances).length);
    expect(charts).toBe(2);
    await page.waitForSelector("#stats-summary .kpi");
    page.off("response", onResponse);
    expect(refused).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "1-list.png"), fullPage: true });
  });

  it("uploads seed 000 through the box and shows it move through the steps to NEEDS_REVIEW", async () => {
    // Every step the box highlights as running, as it happens (the test's own observer).
    await page.evaluate(() => {
      const window = globalThis as any;
      window.seenCurrent = [];
      new window.MutationObserver(() => {
        for (const el of window.document.querySelectorAll("#upload-list li.step[data-state=current]")) {
          if (window.seenCurrent.at(-1) !== el.dataset.step) window.seenCurrent.push(el.dataset.step);
        }
      }).observe(window.document.querySelector("#upload-list"), { childList: true, subtree: true });
    });
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
    expect((await page.evaluate(() => (globalThis as any).seenCurrent as string[])).slice(0, 2)).toEqual(["Upload", "Extract"]);
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
    await web.open("#/");
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
    await web.open("#/");
    await page.setInputFiles("#upload-input", SEED_000);
    // The newest upload is listed first.
    const item = page.locator("#upload-list > li.upload").first();
    await item.locator("[data-status]").waitFor({ timeout: 10_000 });
    expect(await item.locator("[data-status]").textContent()).toBe("NEEDS_REVIEW");
    expect(await item.locator('li.step[data-step="Done"]').getAttribute("data-state")).toBe("done");
    expect(await page.locator("#upload-list > li.upload").count()).toBe(2);
    await web.local.stack.idle();
  });

  it("shows a failing upload stop at the step that failed, with the reason", async () => {
    await page.reload();
    const shown = await uploadThroughBox(page, {
      name: "note.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("这不是政府信息公开工作年度报告，只是一张便条。\n", "utf8"),
    });
    expect(shown.status).toBe("FAILED");
    expect(shown.steps).toEqual([
      ["Upload", "done"],
      ["Extract", "done"],
      ["Parse", "failed"],
      ["Store", "skipped"],
      ["Done", "failed"],
    ]);
    expect(shown.message?.length).toBeGreaterThan(0);
    await page.locator("#upload-card").screenshot({ path: join(ARTIFACTS, "6-upload-failed.png") });
    await web.local.stack.idle();
  });

  it("says 万元 over every money cell of both editions", async () => {
    await web.open(`#/reports/${seedIds.get("003_d18ac2812112a4c0")}`);
    await page.locator("#table-activeDisclosure").waitFor();
    expect(await page.evaluate(moneyHeaders)).toEqual([{ cell: "procurement.amountTenThousandYuan", header: "采购总金额（万元）" }]);
    await web.open(`#/reports/${seedIds.get("002_732b3b243defc543")}`);
    await page.locator('#table-activeDisclosure td[data-cell="fees.amountTenThousandYuan"]').waitFor();
    expect(await page.evaluate(moneyHeaders)).toEqual([{ cell: "fees.amountTenThousandYuan", header: "本年收费金额（万元）" }]);
  });

  it("fits a 414-px screen on every view: list, report, compare and coverage", async () => {
    // The charts were drawn for the desktop; a phone-sized window must not be widened by them before they redraw.
    await web.open("#/");
    await page.waitForFunction(() => ((globalThis as any).document.querySelector("#outcomes-chart")?.clientWidth ?? 0) > 500);
    await web.open(`#/reports/${seedIds.get("002_732b3b243defc543")}`);
    await page.locator("#table-reviewLitigation").waitFor();
    await page.setViewportSize(PHONE);
    try {
      const widthsBeforeRedraw = await page.evaluate(
        () =>
          new Promise<{ scrollWidth: number; innerWidth: number; chartWidth: number }>((resolve) => {
            const window = globalThis as any;
            const list = window.document.querySelector("#list-view");
            // Measured as soon as the list is shown, before the charts' resize observers run.
            new window.MutationObserver((_: unknown, observer: any) => {
              if (list.hidden) return;
              observer.disconnect();
              const chartWidth = Math.round(window.document.querySelector("#outcomes-chart").getBoundingClientRect().width);
              resolve({ scrollWidth: window.document.scrollingElement.scrollWidth, innerWidth: window.innerWidth, chartWidth });
            }).observe(list, { attributes: true, attributeFilter: ["hidden"] });
            window.location.hash = "#/";
          }),
      );
      expect(widthsBeforeRedraw).toEqual({ scrollWidth: PHONE.width, innerWidth: PHONE.width, chartWidth: expect.any(Number) });
      expect(widthsBeforeRedraw.chartWidth).toBeLessThan(PHONE.width);
      const views: [string, string][] = [
        ["#/", "#report-table tbody tr[data-id]"],
        [`#/reports/${seedIds.get("004_3c5ccc28fdec33c7")}`, "#table-applications td.finding-error"],
        [`#/reports/${seedIds.get("002_732b3b243defc543")}`, "#table-reviewLitigation"],
        [`#/compare?reports=${seedIds.get("001_4b9b066e761ef3f1")},${seedIds.get("002_732b3b243defc543")}`, "#compare-table"],
        ["#/coverage", "#coverage-province option[value='330000']"],
      ];
      for (const [hash, ready] of views) {
        await web.open(hash);
        await page.waitForSelector(ready, { state: "attached" });
        expect(await pageWidths(page), hash).toEqual({ scrollWidth: PHONE.width, innerWidth: PHONE.width });
      }
      await web.open("#/");
      await page.waitForSelector("#report-table tbody tr[data-id]");
      await page.screenshot({ path: join(ARTIFACTS, "11-list-414px.png"), fullPage: true });
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it("leaves the totals blank, not 0.0%, when nothing matches the filter", async () => {
    await web.open("#/");
    await page.waitForSelector("#stats-summary .kpi");
    await page.fill('#filters input[name="year"]', "1999");
    await page.click('#filters button[type="submit"]');
    await page.locator("#list-empty").waitFor();
    await page.waitForFunction(() => (globalThis as any).document.querySelector("#stats-summary .kpi b")?.textContent === "0");
    const summary = await page.locator("#stats-summary").textContent();
    expect(summary).not.toMatch(/\d\.\d%/);
    expect(await page.locator("#stats-summary .kpi", { hasText: "予以公开占比" }).locator("b").textContent()).toBe("—");
    for (const value of await page.locator("#stats-summary .indicator b").allTextContents()) expect(value).toBe("—");
    await page.click('#filters button[type="reset"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#report-table tbody tr[data-id]").length > 0);
  });

  it("gives hints as placeholders, never something that reads as a value", async () => {
    const placeholders: string[] = [];
    for (const [hash, ready] of [["#/", "#filters"], ["#/compare", "#compare-form"], ["#/coverage", "#coverage-form"]]) {
      await web.open(hash);
      await page.waitForSelector(ready!);
      placeholders.push(...(await page.locator("input[placeholder]:visible").evaluateAll((els) => els.map((el) => el.getAttribute("placeholder")!))));
    }
    expect(placeholders.length).toBe(5);
    for (const text of placeholders) expect(text, text).toMatch(/如|输入/);
  });

  it.skipIf(!hasLocalOcr)("takes a picture in the upload box and reads it with OCR", async () => {
    await web.open("#/");
    const accept = (await page.locator("#upload-input").getAttribute("accept"))!.split(",");
    expect(accept).toEqual(expect.arrayContaining([".png", ".jpg", ".jpeg", ".tif", ".tiff", "image/*"]));
    expect(await page.locator("#drop-zone .formats").textContent()).toContain("图片（PNG、JPEG、TIFF）");
    // A photographed note, not a report: read by OCR, then refused by the parser with its reason.
    const canvas = createCanvas(480, 160);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 480, 160);
    ctx.fillStyle = "#000";
    ctx.font = "40px sans-serif";
    ctx.fillText("这是一张便条", 40, 95);
    const shown = await uploadThroughBox(page, { name: "便条.png", mimeType: "image/png", buffer: canvas.toBuffer("image/png") });
    expect(shown.status).toBe("FAILED");
    expect(shown.steps).toEqual([
      ["Upload", "done"],
      ["Extract", "done"],
      ["Ocr", "done"],
      ["Parse", "failed"],
      ["Store", "skipped"],
      ["Done", "failed"],
    ]);
    expect(shown.message?.length).toBeGreaterThan(0);
    await web.local.stack.idle();
  }, 90_000);

  it("finds a body by part of its name in traditional script", async () => {
    await web.open("#/");
    await page.reload();
    await page.waitForSelector("#report-table tbody tr[data-id]");
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

  it("exports the list as a file job (POST /exports), showing its progress, then the link to the file", async () => {
    await web.open("#/");
    await page.waitForSelector("#report-table tbody tr[data-id]");
    // The job exports what the list shows (its filters: the body picked above).
    const listed = await page.locator("#report-table tbody tr[data-id]").count();
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
    expect(written).toBe(listed);
    const seen = await page.evaluate(() => (globalThis as any).seenExportStatus as string[]);
    expect(seen[0]).toBe("导出任务已排队…");
    const file = await page.request.get((await link.getAttribute("href"))!);
    expect(file.status()).toBe(200);
    expect((await file.text()).trimEnd().split("\n")).toHaveLength(written);
    await page.screenshot({ path: join(ARTIFACTS, "7-export-job.png"), fullPage: true });
  });

  it("lists both files of a report of two files, the one whose figures it carries, and their disagreement in Chinese", async () => {
    // Prepare: seed 001 (stored as text) again as a web page printing （一）予以公开·自然人 5 higher
    const seed = OTHER_SEEDS[0]!;
    const changed = structuredClone(loadSeeds().find((s) => s.name === seed)!.record);
    const granted = changed.applications.granted as Record<string, number>;
    const printed = granted.naturalPerson!;
    granted.naturalPerson = printed + 5;
    granted.total = granted.total! + 5;
    await dropFiles(web.local, [{ key: "incoming/web-sources/hualong.html", bytes: renderHtml(layoutReport(changed)) }]);

    // Act
    await web.open(`#/reports/${seedIds.get(seed)}`);

    // Assess: both files by name and format, the text's figures carried (stored first), the disagreement named
    const sources = page.locator(".report-head .meta", { hasText: "来源" });
    await sources.waitFor();
    expect(await sources.textContent()).toBe(`来源 ${seed}.txt（text，本记录采用其数字）、hualong.html（html）`);
    const finding = page.locator('.findings li[data-rule="sources.disagree"]');
    expect(await finding.count()).toBe(1);
    const message = (await finding.textContent())!;
    expect(message).toMatch(/^警告 warning 同一报告的 2 个文件数字不一致/);
    expect(message).toContain(`本记录采用 ${seed}.txt 的数字`);
    expect(message).toContain(`表三（一）予以公开·自然人：${seed}.txt 为 ${printed}，hualong.html 为 ${printed + 5}`);
    const cell = page.locator('#table-applications td[data-cell="granted.naturalPerson"]');
    expect(await cell.getAttribute("class")).toContain("finding-warning");
    expect(await cell.textContent()).toMatch(new RegExp(`^${printed}`));
    await page.screenshot({ path: join(ARTIFACTS, "8-report-two-sources.png"), fullPage: true });
  });

  it("logs no script errors", () => {
    // The upload box polls GET /reports/{id}, which is 404 until the record exists.
    expect(web.scriptErrors(/Failed to load resource: .* 404/)).toEqual([]);
  });
});

/**
 * The web page's text findings, agency series and side-by-side views in chromium against the
 * local stack: seed 000 with its prose edited (a narrative.mismatch beside its sentence), and
 * two generated years of one agency whose carry-over disagrees (cross-year findings with a
 * link to the other year, the series chart, the comparison with differing cells marked).
 * Screenshots go to test-artifacts/web/.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { breakCarryOver, consistentPair, reportText } from "../support/cross-year-pair.ts";
import { ARTIFACTS, CHROMIUM, startWebTest, type WebTest } from "../support/web-page.ts";

const AGENCY = "乌海市民政局";
const [FIRST, SECOND_OK] = consistentPair(12, AGENCY, 2020);
const SECOND = breakCarryOver(SECOND_OK, ["naturalPerson", "total"], 3);

let web: WebTest;
let page: Page;
const ids: Record<string, string> = {};

if (!CHROMIUM) console.warn("SKIPPED: test/web/compare.test.ts needs /usr/bin/chromium");

describe.skipIf(!CHROMIUM)("web page: text findings, agency years and side by side", () => {
  beforeAll(async () => {
    const seed = await readFile(join(SEEDS_DIR, "000_da3b4a7bec10951f.txt"), "utf8");
    const utf8 = (text: string) => new TextEncoder().encode(text);
    web = await startWebTest("nianbao-web-compare-", [
      { key: "incoming/000-edited.txt", bytes: utf8(seed.replace("申請(qǐng)19件", "申請(qǐng)20件")) },
      { key: "incoming/first.txt", bytes: utf8(reportText(FIRST)) },
      { key: "incoming/second.txt", bytes: utf8(reportText(SECOND)) },
    ]);
    [ids.edited, ids.first, ids.second] = web.ids as [string, string, string];
    page = web.page;
  }, 240_000);

  afterAll(async () => {
    await web?.close();
  });

  it("shows a narrative mismatch beside the sentence it comes from", async () => {
    await web.open(`#/reports/${ids.edited}`);
    const finding = page.locator('#text-findings .text-finding[data-rule="narrative.mismatch"]');
    await finding.waitFor();
    expect(await finding.count()).toBe(1);
    expect(await finding.locator("blockquote.sentence").textContent()).toContain("申请20件");
    expect(await finding.locator(".why").textContent()).toContain("正文 20 ≠ 表格 19");
    // The cell the sentence speaks of is marked in the table too.
    expect(await page.locator('#table-applications td[data-cell="newReceived.total"]').getAttribute("title")).toContain("正文「");
    await page.screenshot({ path: join(ARTIFACTS, "6-text-finding.png"), clip: (await page.locator("#text-findings").boundingBox())! });
  });

  it("lists the cross-year findings with a link to the other year and marks this record's own cells", async () => {
    await web.open(`#/reports/${ids.second}`);
    const group = page.locator(`#cross-year-findings .cross-year[data-related="${ids.first}"]`);
    await group.waitFor();
    expect(await group.locator('li[data-rule="crossYear.carryOver"]').count()).toBe(2);
    expect(await group.locator(`a[href="#/reports/${ids.first}"]`).textContent()).toContain("2020");
    const over = page.locator('#table-applications td[data-cell="carriedOver.total"]');
    expect(await over.getAttribute("class")).toContain("finding-warning");
    expect(await page.locator('#table-applications td[data-cell="carriedForward.total"]').getAttribute("class")).not.toContain("finding");
    await page.screenshot({ path: join(ARTIFACTS, "7-cross-year.png"), fullPage: true });

    await group.locator(`a[href="#/reports/${ids.first}"]`).click();
    await page.locator(`#cross-year-findings .cross-year[data-related="${ids.second}"]`).waitFor();
    expect(await page.locator('#table-applications td[data-cell="carriedForward.total"]').getAttribute("class")).toContain("finding-warning");
  });

  it("draws the agency's years as a chart, reached from the report view", async () => {
    await web.open(`#/reports/${ids.second}`);
    await page.locator(`#report-view code:text("${ids.second}")`).waitFor();
    await page.locator("#agency-link").click();
    await page.locator("#series-table").waitFor({ state: "attached" });
    await page.waitForFunction(() => (globalThis as any).Chart?.getChart((globalThis as any).document.getElementById("series-chart")) !== undefined);
    const chart = await page.evaluate<{ labels: string[]; sets: number[][] }>(
      '(() => { const c = window.Chart.getChart(document.getElementById("series-chart")); return { labels: c.data.labels, sets: c.data.datasets.map((d) => d.data) }; })()',
    );
    expect(chart.labels).toEqual(["2020", "2021"]);
    expect(chart.sets).toContainEqual([FIRST.applications.newReceived!.total, SECOND.applications.newReceived!.total]);
    expect(await page.locator("#series-title").textContent()).toContain(AGENCY);
    const over = page.locator('#series-table tr[data-figure="applications.carriedOver.total"] td.num');
    expect(await over.allTextContents()).toEqual([FIRST.applications.carriedOver!.total, SECOND.applications.carriedOver!.total].map((n) => n!.toLocaleString("zh-CN")));
    await page.screenshot({ path: join(ARTIFACTS, "8-agency-series.png"), fullPage: true });
    await page.locator("#series-details summary").click();
    expect(await page.locator("#series-table").isVisible()).toBe(true);
  });

  it("puts the two years side by side with the differing cells marked", async () => {
    await page.locator("#agency-view a.compare-link").first().click();
    await page.locator("#compare-table").waitFor();
    const rows = page.locator("#compare-table tbody tr");
    const count = await rows.count();
    expect(count).toBeGreaterThan(20);
    const differing = await page.locator("#compare-table tbody tr.differs").count();
    expect(await page.locator("#compare-summary").textContent()).toContain(`${differing} / ${count}`);
    // A figure both years share is not marked; the carry-over the second year changed is.
    const over = page.locator('#compare-table tr[data-figure="applications.carriedOver.total"]');
    expect(await over.getAttribute("class")).toBe(FIRST.applications.carriedOver!.total === SECOND.applications.carriedOver!.total ? "same" : "differs");
    for (const name of ["applications.newReceived.total", "reviewLitigation.review.total"]) {
      const [a, b] = name.startsWith("applications")
        ? [FIRST.applications.newReceived!.total, SECOND.applications.newReceived!.total]
        : [FIRST.reviewLitigation.review!.total, SECOND.reviewLitigation.review!.total];
      expect(await page.locator(`#compare-table tr[data-figure="${name}"]`).getAttribute("class"), name).toBe(a === b ? "same" : "differs");
    }
    await page.screenshot({ path: join(ARTIFACTS, "9-compare.png"), fullPage: true });
    await page.locator("#only-differing").check();
    expect(await page.locator("#compare-table tbody tr.same").first().isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, "10-compare-differing.png"), fullPage: true });
  });

  it("compares agencies of one year from the form, and says so when one has no report", async () => {
    await web.open(`#/compare`);
    await page.fill('#compare-form input[name="agencies"]', `${AGENCY},西湖区教育局`);
    await page.fill('#compare-form input[name="year"]', "2021");
    await page.click('#compare-form button[type="submit"]');
    await page.locator("#view-error").waitFor();
    expect(await page.locator("#view-error").textContent()).toContain("西湖区教育局");
  });

  it("logs no script errors", () => {
    // The compare form's unknown agency is a 404 the page reports itself.
    expect(web.scriptErrors(/Failed to load resource: .* 404/)).toEqual([]);
  });
});

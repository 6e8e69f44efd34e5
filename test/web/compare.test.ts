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
import { ARTIFACTS, CHROMIUM, pageWidths, PHONE, startWebTest, type WebTest } from "../support/web-page.ts";

const AGENCY = "乌海市民政局";
const [FIRST, SECOND_OK] = consistentPair(12, AGENCY, 2020);
const SECOND = breakCarryOver(SECOND_OK, ["naturalPerson", "total"], 3);

let web: WebTest;
let page: Page;
const ids: Record<string, string> = {};

/** The series chart as drawn: its type, the years and each figure's values. */
function seriesChart(): { type: string; labels: string[]; sets: number[][] } {
  const window = globalThis as any;
  const chart = window.Chart.getChart(window.document.getElementById("series-chart"));
  return { type: chart.config.type, labels: chart.data.labels, sets: chart.data.datasets.map((d: { data: number[] }) => d.data) };
}

/** Opens the agency view from a report's 历年 link and waits for its chart. */
async function openAgencyOf(reportId: string): Promise<void> {
  await web.open(`#/reports/${reportId}`);
  await page.locator(`#report-view code:text("${reportId}")`).waitFor();
  await page.locator("#agency-link").click();
  await page.locator("#series-table").waitFor({ state: "attached" });
  await page.waitForFunction(() => (globalThis as any).Chart?.getChart((globalThis as any).document.getElementById("series-chart")) !== undefined);
}

/** Ticks a report's check box in the list, found by its agency. */
async function pick(agency: string): Promise<void> {
  await page.locator("#report-table tbody tr[data-id]", { hasText: agency }).locator("input.pick-report").check();
}

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
    await openAgencyOf(ids.second!);
    const chart = await page.evaluate(seriesChart);
    expect(chart.type).toBe("line");
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

  it("draws an agency's one year as bars, one per figure, on a 414-px screen too", async () => {
    await openAgencyOf(ids.edited!);
    const chart = await page.evaluate(seriesChart);
    expect(chart.type).toBe("bar");
    expect(chart.labels).toEqual(["2019"]);
    // Only the prose of seed 000 was edited: its table's 本年新收 is the expected record's.
    const expected = JSON.parse(await readFile(join(SEEDS_DIR, "000_da3b4a7bec10951f.expected.json"), "utf8"));
    expect(chart.sets).toContainEqual([expected.applications.newReceived.total]);
    expect(chart.sets.every((set) => set.length === 1)).toBe(true);
    // Both agencies' views opened on a phone's screen.
    await page.setViewportSize(PHONE);
    try {
      for (const id of [ids.edited!, ids.second!]) {
        await openAgencyOf(id);
        expect(await pageWidths(page), id).toEqual({ scrollWidth: PHONE.width, innerWidth: PHONE.width });
        if (id === ids.edited) await page.screenshot({ path: join(ARTIFACTS, "12-agency-one-year-414px.png"), fullPage: true });
      }
    } finally {
      await page.setViewportSize({ width: 1360, height: 1000 });
    }
  });

  it("compares reports ticked in the list, of different agencies and years picked under different filters", async () => {
    await web.open("#/");
    await page.fill('#filters input[name="year"]', "2019");
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#report-table tbody tr[data-id]").length === 1);
    await pick("西湖区教育局");
    const link = page.locator("#compare-picked");
    expect(await link.getAttribute("aria-disabled")).toBe("true");
    await page.fill('#filters input[name="year"]', "2021");
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector("#report-table tbody tr[data-id] td.agency")?.textContent === "乌海市民政局");
    await pick(AGENCY);
    expect(await page.locator("#pick-count").textContent()).toBe("2");
    expect(await link.getAttribute("aria-disabled")).toBe("false");
    await link.click();
    await page.locator("#compare-table").waitFor();
    expect(new URL(page.url()).hash).toBe(`#/compare?reports=${ids.edited},${ids.second}`);
    const heads = await page.locator("#compare-table thead th a").allTextContents();
    expect(heads).toEqual(["西湖区教育局 2019", `${AGENCY} 2021`]);
    // 万元 on the money figures here too (seed 000's 采购总金额 is 2019's only).
    const money = await page.locator('#compare-table tr[data-figure$="TenThousandYuan"] td.label').allTextContents();
    expect(money.length).toBeGreaterThan(0);
    for (const label of money) expect(label).toContain("万元");
    // The picks are kept until cleared.
    await web.open("#/");
    await page.locator("#pick-clear").click();
    expect(await page.locator("#pick-count").textContent()).toBe("0");
    expect(await page.locator("input.pick-report:checked").count()).toBe(0);
  });

  it("logs no script errors", () => {
    // The compare form's unknown agency is a 404 the page reports itself.
    expect(web.scriptErrors(/Failed to load resource: .* 404/)).toEqual([]);
  });
});

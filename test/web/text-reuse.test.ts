/**
 * The report view's reused-passage marks and indicators in chromium, on the local stack with
 * 洪泽区's real 2023 and 2024 reports (../shared/corpus/real p02, p03): the 2024 view marks the
 * passages found in 2023's text, names the 2023 report, and shows each indicator with its formula;
 * the list's totals show the indicators of the sums and the mean text reuse. Screenshots go to
 * test-artifacts/web/.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, CHROMIUM, startWebTest, type WebTest } from "../support/web-page.ts";

const REAL_DIR = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real");

type ReportJson = {
  textReuse: { overall: number; sections: Record<string, { spans: [number, number][] }> };
  sectionTexts: Record<string, string>;
};

let web: WebTest;
let page: Page;
const ids: Record<string, string> = {};

if (!CHROMIUM) console.warn("SKIPPED: test/web/text-reuse.test.ts needs /usr/bin/chromium");

describe.skipIf(!CHROMIUM)("web page: text reused from last year, indicators", () => {
  beforeAll(async () => {
    const files = await Promise.all(["p02", "p03"].map(async (name) => ({ key: `incoming/${name}.pdf`, bytes: await readFile(join(REAL_DIR, `${name}.pdf`)) })));
    web = await startWebTest("nianbao-web-reuse-", files);
    [ids.p02, ids.p03] = web.ids as [string, string];
    page = web.page;
  }, 240_000);

  afterAll(async () => {
    await web?.close();
  });

  it("marks the passages of 洪泽区 2024 found in its 2023 report, with the share per section", async () => {
    const api = (await (await fetch(`${web.local.stack.apiUrl}/reports/${ids.p03}`)).json()) as ReportJson;
    await web.open(`#/reports/${ids.p03}`);
    const card = page.locator("#text-reuse");
    await card.waitFor();
    expect(await card.locator(`a[href="#/reports/${ids.p02}"]`).textContent()).toContain("2023");
    expect(await page.locator("#reuse-overall").textContent()).toBe(`${(api.textReuse.overall * 100).toFixed(1)}%`);
    const overview = card.locator('.reuse-section[data-section="overview"]');
    const marks = await overview.locator("mark.reused").allTextContents();
    expect(marks.length).toBe(api.textReuse.sections.overview!.spans.length);
    // Each mark is the text of its span in this year's section, and 2023's text holds its opening words.
    const spans = api.textReuse.sections.overview!.spans;
    const bare = (text: string) => text.replace(/\s/g, "");
    expect(marks.map(bare)).toEqual(spans.map(([a, b]) => bare(api.sectionTexts.overview!.slice(a, b))));
    const before = ((await (await fetch(`${web.local.stack.apiUrl}/reports/${ids.p02}`)).json()) as ReportJson).sectionTexts;
    const compared = (text: string) => text.replace(/[^\p{L}]/gu, "");
    const previous = compared(Object.values(before).join(""));
    const longest = marks.reduce((a, b) => (compared(b).length > compared(a).length ? b : a));
    expect(previous).toContain(compared(longest).slice(0, 8));
    // Unmarked text is there too: the section is shown whole.
    expect((await overview.locator(".prose").textContent())!.replace(/\s/g, "")).toBe(api.sectionTexts.overview!.replace(/\s/g, ""));
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(ARTIFACTS, "10-text-reuse.png") });
  });

  it("shows no reuse card for 2023 (no earlier year) and each indicator with its formula", async () => {
    await web.open(`#/reports/${ids.p02}`);
    const indicators = page.locator("#indicators");
    await indicators.waitFor();
    expect(await page.locator("#text-reuse").count()).toBe(0);
    const rate = indicators.locator('[data-indicator="disclosureRate"]');
    expect(await rate.locator(".formula").textContent()).toBe("公开率 =（予以公开 + 部分公开）÷（七）总计");
    expect(await rate.textContent()).toContain("÷ 21");
    expect(await indicators.locator('[data-indicator="reviewCorrectionRate"] .formula').textContent()).toBe("行政复议纠错率 = 结果纠正 ÷ 总计（行政复议）");
  });

  it("shows the indicators of the sums and the mean text reuse in the list's totals", async () => {
    await web.open(`#/`);
    const mean = page.locator("#stats-summary #reuse-mean");
    await mean.waitFor();
    expect(await mean.textContent()).toContain("1 份");
    expect(await page.locator('#stats-summary [data-indicator="disclosureRate"] .formula').textContent()).toContain("予以公开 + 部分公开");
    expect(await page.locator('#stats-summary [data-indicator="disclosureRate"]').textContent()).toContain(`÷ ${21 + 95}`);
  });

  it("logs no script errors and breaks no CSP rule", () => {
    expect(web.scriptErrors()).toEqual([]);
  });
});

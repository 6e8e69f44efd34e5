/**
 * The source beside the table, in chromium on the local stack (one stack, one browser): a figure
 * cell or a finding opens the original at the figure's place, as the record's cellSources name
 * it. Seed 000 as text: the line of （七）总计 with its printed 0 marked. Real p02 (a PDF with a
 * finding): its page drawn by pdf.js under the page's CSP, the cell's box outlined where
 * cellSources puts it, around the printed figure. Seed 000 as HTML with a script and an onerror
 * handler in it: the cell shown in its table, and nothing of the original ran. Seed 000's first
 * page scanned (a PNG, and a scanned PDF narrower than A4), read by the local OCR: the red box
 * around the figure's digits, scaled from the page size the record keeps. Cells reached by Tab
 * open the pane with Enter or Space; the pane stands beside the table, under it at 414 px.
 * Screenshots go to test-artifacts/web/.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import iconv from "iconv-lite";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashBytes } from "../../functions/shared/hash.ts";
import { loadSeeds, seedDocx, seedHtml, seedPdf } from "../fixtures/generate/index.ts";
import { imagesToPdf, scanPdf } from "../fixtures/generate/render-scan.ts";
import { localOcrEngine } from "../../functions/documents/ocr/local.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { CHROMIUM, launchChromium, type TestBrowser } from "../support/chromium.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";
import { PHONE, pageWidths } from "../support/web-page.ts";

const ARTIFACTS = join(process.cwd(), "test-artifacts", "web");
const REAL_DIR = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real");
const SEED = "000_da3b4a7bec10951f";
const PDFJS_DIR = join(import.meta.dirname, "..", "..", "node_modules", "pdfjs-dist");
/** What the web page draws a PDF page at (web/source-pane.js RENDER_SCALE), and how far outside the box the outline stands. */
const RENDER_SCALE = 2;
const OUTLINE_PAD = 4;
/** An original's script, had it run anywhere in the page, would leave this mark. */
const HOSTILE = `<script>window.__originalRan = "script"; document.title = "pwned";</script><img src="x" onerror="window.__originalRan = 'onerror'">`;

type CellSource = { via?: string; page?: number; box?: [number, number, number, number]; line?: number; span?: [number, number]; table?: number; row?: number; col?: number };
type ReportJson = {
  id: string;
  ocr?: { pages: number[]; pageSizes?: Record<string, [number, number]> };
  findings: { severity: string; cells?: string[] }[];
  cellSources: Record<string, CellSource>;
  applications: Record<string, Record<string, number>>;
};
type TableCell = { text: string; rowSpan?: number; colSpan?: number };

/** The few browser globals the page-side functions below use (the project's tsconfig has no DOM library). */
type PixelCanvas = { width: number; height: number; getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
type PaneElement = { scrollWidth: number; clientWidth: number; getBoundingClientRect(): { right: number } };
type PageElement = { textContent: string | null; rowIndex: number; cellIndex: number; parentElement: PageElement };
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  title: string;
  querySelectorAll(selector: string): { length: number };
  addEventListener(type: "securitypolicyviolation", listener: (event: { violatedDirective: string }) => void): void;
};
declare const window: { __originalRan?: string; __violations: string[] };

let local: TestStack;
let chromium: TestBrowser;
let page: Page;
const ids: Record<string, string> = {};
let seedText = "";
let big5Text: Uint8Array;

async function drop(key: string, bytes: Uint8Array): Promise<string> {
  await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: key, Body: bytes }));
  return hashBytes(bytes);
}

async function report(id: string): Promise<ReportJson> {
  return (await (await fetch(`${local.stack.apiUrl}/reports/${id}`)).json()) as ReportJson;
}

/** The canvas rectangle the page outlines a box (points) with, at `scale` pixels a point (web/source-pane.js outlineBox). */
function outlineOf(box: readonly number[], scale: number): [number, number, number, number] {
  const [left, top, width, height] = box.map((v) => v * scale) as [number, number, number, number];
  return [left - OUTLINE_PAD, top - OUTLINE_PAD, width + 2 * OUTLINE_PAD, height + 2 * OUTLINE_PAD].map(Math.round) as [number, number, number, number];
}

/** The figure of `<row>.<column>` in any of the record's tables. */
function figureOf(record: ReportJson & Record<string, any>, key: string): number | undefined {
  const dot = key.lastIndexOf(".");
  for (const section of ["activeDisclosure", "applications", "reviewLitigation"]) {
    const value = record[section]?.[key.slice(0, dot)]?.[key.slice(dot + 1)];
    if (typeof value === "number") return value;
  }
  return undefined;
}

async function openReport(id: string): Promise<void> {
  await page.goto(`${local.stack.apiUrl}/web/#/reports/${id}`);
  await page.locator("#table-applications").waitFor();
}

if (!CHROMIUM) console.warn("SKIPPED: test/web/source-pane.test.ts needs /usr/bin/chromium");
const HAS_OCR = localOcrEngine({ labels: TEMPLATE_LABELS }) !== undefined;
if (!HAS_OCR) console.warn("SKIPPED: the scans of test/web/source-pane.test.ts need a local OCR engine (PaddleOCR or Tesseract)");

/**
 * The first page of a seed (title, table 二, the start of 三) scanned at 150 dpi, another year so
 * it is a report of its own: as a PNG picture, and as a scanned PDF whose page claims 180 dpi, so it
 * is narrower than A4 (496 pt) while the OCR, estimating the resolution from A4, measures its boxes
 * in an A4-wide frame: only the page size the record keeps puts the box on the figure.
 */
async function firstPageScans(name: string, year: number): Promise<{ png: Uint8Array; pdf: Uint8Array }> {
  const { createCanvas, loadImage } = await import("@napi-rs/canvas");
  const seed = loadSeeds().find((s) => s.name === name)!;
  const [first] = await scanPdf(await seedPdf({ ...seed, record: { ...seed.record, year } }), { dpi: 150, rotateDegrees: 0 });
  const image = await loadImage(Buffer.from(first!.jpeg));
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext("2d").drawImage(image, 0, 0);
  return { png: new Uint8Array(await canvas.encode("png")), pdf: imagesToPdf([{ ...first!, dpi: 180 }]) };
}

describe.skipIf(!CHROMIUM)("web page: the source beside the table", () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    local = await startTestStack("nianbao-web-source-");
    const text = await readFile(join(SEEDS_DIR, `${SEED}.txt`));
    seedText = new TextDecoder().decode(text);
    ids.text = await drop(`incoming/${SEED}.txt`, text);
    ids.pdf = await drop("incoming/p02.pdf", await readFile(join(REAL_DIR, "p02.pdf")));
    const seed = loadSeeds().find((s) => s.name === SEED)!;
    // The page and the DOCX print other years, so each is a report of its own: the same body's report
    // for the same year as several files is one report, whose figures come from the first file stored.
    const asYear = (year: number) => ({ ...seed, record: { ...seed.record, year } });
    // Seed 000's page is Big5: the script goes in byte for byte (latin1 keeps every byte as it is).
    const html = Buffer.from(seedHtml(asYear(seed.record.year - 1))).toString("latin1").replace("<body>", `<body>${HOSTILE}`);
    expect(html, "the generated page has a <body> to put the script into").toContain(HOSTILE);
    ids.html = await drop(`incoming/${SEED}-script.html`, Buffer.from(html, "latin1"));
    ids.docx = await drop(`incoming/${SEED}.docx`, await seedDocx(asYear(seed.record.year - 2)));
    // The same text in Big5, which almost always decodes as GB18030 too (as nonsense).
    big5Text = iconv.encode(seedText, "big5");
    ids.big5 = await drop(`incoming/${SEED}-big5.txt`, big5Text);
    if (HAS_OCR) {
      const seed = loadSeeds().find((s) => s.name === SEED)!;
      ids.png = await drop(`incoming/${SEED}-scan.png`, (await firstPageScans(SEED, seed.record.year - 3)).png);
      ids.scanPdf = await drop(`incoming/${SEED}-scan.pdf`, (await firstPageScans(SEED, seed.record.year - 4)).pdf);
    }
    await local.stack.idle();
    chromium = await launchChromium({ viewport: { width: 1360, height: 1000 } });
    page = chromium.page;
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await local?.stop();
  });

  it("seed 000 (text): clicking （七）总计·自然人 shows its line with the printed 0 marked", async () => {
    const source = (await report(ids.text!)).cellSources["resultsTotal.naturalPerson"]!;
    const line = seedText.replace(/\r\n?/g, "\n").split("\n")[source.line! - 1]!;
    await openReport(ids.text!);
    await page.locator('#table-applications td[data-cell="resultsTotal.naturalPerson"]').click();
    const pane = page.locator('#source-pane[data-ready="true"]');
    await pane.waitFor();
    expect(await pane.locator("mark.source-mark").textContent()).toBe("0");
    expect(await pane.locator("li.source-line").textContent()).toBe(line);
    expect(line).toMatch(/^\(七\)總計/);
    expect(await pane.locator("#source-place").textContent()).toContain(`第 ${source.line} 行`);
    // Lines around it are shown too, the marked one among them.
    expect(await pane.locator("ol.source-lines li").count()).toBeGreaterThan(3);
    await pane.screenshot({ path: join(ARTIFACTS, "20-source-text.png") });
    // At a phone's width the open pane stays inside the screen, and nothing of it sticks out of it
    // (the rest of the page at 414 px is issue 15 item 8's, checked there).
    await page.setViewportSize({ width: 414, height: 900 });
    const fit = await pane.evaluate((element) => {
      const p = element as unknown as PaneElement;
      return { right: p.getBoundingClientRect().right, overhang: p.scrollWidth - p.clientWidth };
    });
    await page.setViewportSize({ width: 1360, height: 1000 });
    expect(fit.right).toBeLessThanOrEqual(414);
    expect(fit.overhang).toBeLessThanOrEqual(0);
  });

  it("seed 000 (text): a figure is reached by Tab, shows its focus, opens its source with Enter or Space; the pane stands beside the table, under it at 414 px", async () => {
    await openReport(ids.text!);
    // Tab from the heading of table 三 reaches its first figure, then the next.
    await page.locator("#table-applications").locator("xpath=ancestor::section[1]/h2").click();
    await page.keyboard.press("Tab");
    const focused = () =>
      page.evaluate(() => {
        const active = (globalThis as any).document.activeElement;
        return { cell: active?.dataset?.cell as string | undefined, visible: active?.matches(":focus-visible") as boolean, outline: (globalThis as any).getComputedStyle(active).outlineStyle as string };
      });
    const first = await focused();
    expect(first).toMatchObject({ visible: true, outline: "solid" });
    expect(first.cell).toMatch(/^newReceived\./);
    await page.keyboard.press("Enter");
    const pane = page.locator('#source-pane[data-ready="true"]');
    await pane.waitFor();
    expect(await pane.getAttribute("data-cell")).toBe(first.cell);
    await page.locator("#table-applications").locator("xpath=ancestor::section[1]/h2").click();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const second = await focused();
    expect(second.cell).not.toBe(first.cell);
    const scrolled = await page.evaluate(() => (globalThis as any).scrollY as number);
    await page.keyboard.press(" ");
    await page.locator(`#source-pane[data-ready="true"][data-cell="${second.cell}"]`).waitFor();
    // Space opened the pane, and did not scroll the page down a screen.
    expect(Math.abs((await page.evaluate(() => (globalThis as any).scrollY as number)) - scrolled)).toBeLessThan(300);
    const section = page.locator("#table-applications").locator("xpath=ancestor::section[1]");
    const besideAt1360 = { table: (await section.boundingBox())!, pane: (await pane.boundingBox())! };
    await page.screenshot({ path: join(ARTIFACTS, "25-source-beside.png") });
    await page.setViewportSize(PHONE);
    const underAt414 = { table: (await section.boundingBox())!, pane: (await pane.boundingBox())! };
    const widths = await pageWidths(page);
    await page.setViewportSize({ width: 1360, height: 1000 });
    // Wide: side by side, tops together. Narrow: the pane under the table, nothing wider than the screen.
    expect(besideAt1360.pane.x).toBeGreaterThanOrEqual(besideAt1360.table.x + besideAt1360.table.width);
    expect(besideAt1360.pane.width).toBeGreaterThan(300);
    expect(underAt414.pane.y).toBeGreaterThanOrEqual(underAt414.table.y + underAt414.table.height);
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.innerWidth);
    // Closed, the table is back where it was, outside any split.
    await pane.locator(".close-source").click();
    expect(await page.locator(".source-split").count()).toBe(0);
    expect(await page.locator("#table-applications").count()).toBe(1);
  });

  it("seed 000 in Big5: the line is shown decoded as Big5, the printed 0 marked", async () => {
    const source = (await report(ids.big5!)).cellSources["resultsTotal.naturalPerson"]!;
    const line = iconv.decode(Buffer.from(big5Text), "big5").replace(/\r\n?/g, "\n").split("\n")[source.line! - 1]!;
    expect(line).toMatch(/^\(七\)總計/);
    await openReport(ids.big5!);
    await page.locator('#table-applications td[data-cell="resultsTotal.naturalPerson"]').click();
    const pane = page.locator('#source-pane[data-ready="true"]');
    await pane.waitFor();
    expect(await pane.locator("li.source-line").textContent()).toBe(line);
    expect(await pane.locator("mark.source-mark").textContent()).toBe("0");
  });

  it("seed 000 (text): 原文 shows the whole original in the page, line by line, as text", async () => {
    await openReport(ids.text!);
    await page.locator("#open-source").click();
    const pane = page.locator('#original-pane[data-ready="true"]');
    await pane.waitFor();
    const lines = seedText.replace(/\r\n?/g, "\n").split("\n");
    expect(await pane.locator("ol.source-lines li").count()).toBe(lines.length);
    expect(await pane.locator("ol.source-lines li").nth(85).textContent()).toBe(lines[85]);
    // The download is still offered, through the presigned link of the original.
    expect(await pane.locator("a.button").getAttribute("href")).toContain("incoming/");
  });

  it("real p02 (PDF): clicking its finding draws the page with the cell's box outlined around the printed figure", async () => {
    const record = await report(ids.pdf!);
    const finding = record.findings.find((f) => f.severity === "error" && f.cells?.length)!;
    expect(finding, "p02 has an error finding naming cells").toBeDefined();
    const key = finding.cells!.find((k) => record.cellSources[k]?.box)!;
    const source = record.cellSources[key]!;
    await openReport(ids.pdf!);
    await page.locator(`li[data-cells="${finding.cells!.join(" ")}"]`).first().click();
    const pane = page.locator('#source-pane[data-ready="true"]');
    await pane.waitFor({ timeout: 30_000 });
    expect(await pane.getAttribute("data-cell")).toBe(key);
    expect(await pane.locator("#source-place").textContent()).toContain(`第 ${source.page} 页`);
    const canvas = pane.locator('canvas.source-page[data-rendered="true"]');
    const expected = outlineOf(source.box!, RENDER_SCALE);
    expect((await canvas.getAttribute("data-box"))!.split(",").map(Number)).toEqual(expected);
    const pixels = await canvas.evaluate((element, rect) => {
      const c = element as unknown as PixelCanvas;
      const context = c.getContext("2d")!;
      const all = context.getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 0; i < all.length; i += 4) if (all[i]! < 128 && all[i + 1]! < 128 && all[i + 2]! < 128) inked += 1;
      const [x, y, w, h] = rect;
      const red = (px: number, py: number) => {
        const [r, g, b] = context.getImageData(px, py, 1, 1).data;
        return r! > 200 && g! < 60 && b! < 60;
      };
      // The outline's four sides, sampled at their middles.
      const sides = [red(x + w / 2, y), red(x + w / 2, y + h), red(x, y + h / 2), red(x + w, y + h / 2)];
      // The printed figure inside the box: dark pixels within it.
      const inside = context.getImageData(x + 5, y + 5, w - 10, h - 10).data;
      let figureInk = 0;
      for (let i = 0; i < inside.length; i += 4) if (inside[i]! < 128 && inside[i + 1]! < 128 && inside[i + 2]! < 128) figureInk += 1;
      return { width: c.width, height: c.height, inkShare: inked / (all.length / 4), sides, figureInk };
    }, expected);
    expect(pixels.sides).toEqual([true, true, true, true]);
    expect(pixels.figureInk, "the printed figure is inside the box").toBeGreaterThan(10);
    // The page itself was drawn: an A4 page at twice its size in points, with text on it.
    expect(pixels.width).toBeGreaterThan(1000);
    expect(pixels.inkShare).toBeGreaterThan(0.005);
    expect(chromium.consoleErrors).toEqual([]);
    await canvas.scrollIntoViewIfNeeded();
    await pane.screenshot({ path: join(ARTIFACTS, "21-source-pdf.png") });
    // 原文: the whole PDF in the page, page by page.
    await page.locator("#open-source").click();
    const original = page.locator('#original-pane[data-ready="true"]');
    await original.locator('canvas.source-page[data-rendered="true"][data-page="1"]').waitFor();
    await original.getByText("下一页").click();
    await original.locator('canvas.source-page[data-rendered="true"][data-page="2"]').waitFor();
    expect(await original.locator(".source-pager .meta").textContent()).toMatch(/^第 2 \/ \d+ 页$/);
  });

  it.skipIf(!HAS_OCR).each([
    ["png", "a PNG scan", "23-source-png.png"],
    ["scanPdf", "a scanned PDF narrower than A4", "24-source-scan-pdf.png"],
  ])("%s (%s): the OCR'd page is drawn with the red box around the figure's digits, scaled from the page size OCR measured", async (kind, _what, screenshot) => {
    const record = await report(ids[kind]!);
    const [frameWidth] = record.ocr!.pageSizes!["1"]!;
    // The widest figure of table 二 read on the page: the most digits to find inside the box.
    const [key, source] = Object.entries(record.cellSources)
      .filter(([, s]) => s.via === "ocr" && s.box && s.page === 1)
      .filter(([k]) => figureOf(record, k) !== undefined && figureOf(record, k)! >= 10)
      .sort(([a], [b]) => String(figureOf(record, b)).length - String(figureOf(record, a)).length)[0]!;
    await openReport(ids[kind]!);
    await page.locator(`td[data-cell="${key}"]`).first().click();
    const pane = page.locator('#source-pane[data-ready="true"]');
    await pane.waitFor({ timeout: 30_000 });
    const canvas = pane.locator('canvas.source-page[data-rendered="true"]');
    const drawnWidth = Number(await canvas.getAttribute("width"));
    const scale = drawnWidth / frameWidth;
    expect(Number(await canvas.getAttribute("data-scale"))).toBeCloseTo(scale, 6);
    const expected = outlineOf(source.box!, scale);
    expect((await canvas.getAttribute("data-box"))!.split(",").map(Number)).toEqual(expected);
    const seen = await canvas.evaluate((element, rect) => {
      const c = element as unknown as PixelCanvas;
      const context = c.getContext("2d")!;
      const [x, y, w, h] = rect;
      const red = (px: number, py: number) => {
        const [r, g, b] = context.getImageData(px, py, 1, 1).data;
        return r! > 200 && g! < 60 && b! < 60;
      };
      // The figure's ink inside the box, its rulings left out: how much, and where its middle lies
      // (a figure printed in the middle of its cell, so a box off the cell finds its ink at a side, or none).
      const margin = 8;
      const data = context.getImageData(x + margin, y + margin, w - 2 * margin, h - 2 * margin).data;
      let ink = 0;
      let sumX = 0;
      let sumY = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! >= 110 || data[i + 1]! >= 110 || data[i + 2]! >= 110) continue;
        const p = i / 4;
        ink += 1;
        sumX += p % (w - 2 * margin);
        sumY += Math.floor(p / (w - 2 * margin));
      }
      const middle = ink ? [(margin + sumX / ink) / w, (margin + sumY / ink) / h] : [0, 0];
      return { sides: [red(x + w / 2, y), red(x + w / 2, y + h), red(x, y + h / 2), red(x + w, y + h / 2)], ink, middle };
    }, expected);
    await canvas.scrollIntoViewIfNeeded();
    await pane.screenshot({ path: join(ARTIFACTS, screenshot) });
    expect(seen.sides).toEqual([true, true, true, true]);
    expect(seen.ink, `the digits of ${key} are inside the box`).toBeGreaterThan(20);
    for (const share of seen.middle) expect(share, `the digits of ${key} stand in the middle of the box`).toBeGreaterThan(0.3);
    for (const share of seen.middle) expect(share, `the digits of ${key} stand in the middle of the box`).toBeLessThan(0.7);
    expect(chromium.consoleErrors).toEqual([]);
  });

  it("seed 000 as HTML with a script: the pane shows the cell in its table, and nothing of the original ran", async () => {
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
    });
    const source = (await report(ids.html!)).cellSources["resultsTotal.naturalPerson"]!;
    expect(source.table, "an HTML source names its table").toBeDefined();
    await page.goto("about:blank"); // a new document, so the listener above is in it from the start
    await openReport(ids.html!);
    await page.locator('#table-applications td[data-cell="resultsTotal.naturalPerson"]').click();
    const pane = page.locator('#source-pane[data-ready="true"]');
    await pane.waitFor();
    const cell = pane.locator("td.source-cell");
    expect(await cell.textContent()).toBe("0");
    expect(await cell.evaluate((td) => (td as unknown as PageElement).parentElement.rowIndex)).toBe(source.row);
    expect(await cell.evaluate((td) => (td as unknown as PageElement).cellIndex)).toBe(source.col);
    expect(await cell.evaluate((td) => (td as unknown as PageElement).parentElement.textContent)).toMatch(/總計|总计/);
    const ran = await page.evaluate(() => ({
      mark: window.__originalRan ?? null,
      title: document.title,
      violations: window.__violations,
      foreign: document.querySelectorAll("#source-pane script, #source-pane img, #source-pane [onerror]").length,
    }));
    expect(ran).toEqual({ mark: null, title: expect.not.stringContaining("pwned"), violations: [], foreign: 0 });
    await pane.screenshot({ path: join(ARTIFACTS, "22-source-html.png") });
    // 原文 of an HTML original: a download only, its markup never drawn here.
    await page.locator("#open-source").click();
    const original = page.locator('#original-pane[data-ready="true"]');
    await original.waitFor();
    expect(await original.textContent()).toContain("只提供下载");
    expect(await page.evaluate(() => ({ mark: window.__originalRan ?? null, violations: window.__violations }))).toEqual({ mark: null, violations: [] });
  });

  it("GET /reports/{id}/source/tables/{n}: a DOCX original's table re-read holds each figure of table 三 at its cellSources place", async () => {
    const record = await report(ids.docx!);
    const tables = new Map<number, TableCell[][]>();
    let checked = 0;
    for (const [row, columns] of Object.entries(record.applications)) {
      for (const [column, figure] of Object.entries(columns)) {
        const source = record.cellSources[`${row}.${column}`]!;
        if (source.table === undefined) continue;
        if (!tables.has(source.table)) {
          const res = await fetch(`${local.stack.apiUrl}/reports/${ids.docx}/source/tables/${source.table}`);
          expect(res.status).toBe(200);
          tables.set(source.table, ((await res.json()) as { rows: TableCell[][] }).rows);
        }
        const text = tables.get(source.table)![source.row!]![source.col!]!.text;
        expect(text === "" ? 0 : Number(text), `${row}.${column}`).toBe(figure);
        checked += 1;
      }
    }
    expect(checked, "every figure of table 三 has its DOCX place").toBe(Object.values(record.applications).flatMap(Object.keys).length);
    // Merged cells keep their spans: the row group 三、本年度办理结果 spans rows.
    expect([...tables.values()].flat(2).some((cell) => (cell.rowSpan ?? 1) > 1)).toBe(true);
  });

  it("GET /reports/{id}/source/tables/{n} refuses what it cannot answer, in words", async () => {
    const get = (path: string) => fetch(`${local.stack.apiUrl}${path}`).then(async (res) => ({ status: res.status, body: (await res.json()) as { message: string; parameter?: string } }));
    const text = await get(`/reports/${ids.text}/source/tables/0`);
    expect(text.status).toBe(422);
    expect(text.body.message).toContain("不是 HTML 或 DOCX");
    const none = await get(`/reports/${ids.html}/source/tables/999`);
    expect(none).toMatchObject({ status: 404, body: { parameter: "table" } });
    expect((await get(`/reports/${ids.html}/source/tables/x`)).status).toBe(400);
    expect((await get(`/reports/${"ab".repeat(32)}/source/tables/0`)).status).toBe(404);
  });

  it("serves pdf.js's CMaps, standard fonts and image decoders from the page's own files, and nothing beside them", async () => {
    const cmap = await fetch(`${local.stack.apiUrl}/web/vendor/pdfjs-cmaps/UniGB-UCS2-H.bcmap`);
    expect(cmap.status).toBe(200);
    expect(Buffer.from(await cmap.arrayBuffer()).equals(await readFile(join(PDFJS_DIR, "cmaps", "UniGB-UCS2-H.bcmap")))).toBe(true);
    expect((await fetch(`${local.stack.apiUrl}/web/vendor/pdfjs-fonts/FoxitSerif.pfb`)).status).toBe(200);
    expect((await fetch(`${local.stack.apiUrl}/web/vendor/pdfjs-wasm/openjpeg_nowasm_fallback.js`)).headers.get("content-type")).toMatch(/^text\/javascript/);
    for (const path of ["pdfjs-cmaps/..%2F..%2Fpackage.json", "pdfjs-cmaps/.hidden", "pdfjs-cmaps/a/b", "pdfjs-nothing/x.bcmap"]) {
      expect((await fetch(`${local.stack.apiUrl}/web/vendor/${path}`)).status, path).toBe(404);
    }
  });
});

/**
 * The upload box with real documents, in chromium against the local stack: a Word document
 * (seed 001 rendered as DOCX) goes Extract → Parse → Store; a scanned PDF (seed 003 printed,
 * rasterised at 300 dpi, no text layer) also passes through OCR, which the box shows as a step.
 * Screenshots go to test-artifacts/web/.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localOcrEngine } from "../../functions/documents/ocr/local.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { loadSeeds, seedDocx, seedPdf } from "../fixtures/generate/index.ts";
import { imagesToPdf, scanPdf } from "../fixtures/generate/render-scan.ts";
import { CHROMIUM, launchChromium, type TestBrowser } from "../support/chromium.ts";
import { uploadThroughBox } from "../support/web-page.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const ARTIFACTS = join(process.cwd(), "test-artifacts", "web");
/** The engine the local stack and `nianbao parse` read scans with (PaddleOCR where npm ci installed it). */
const localEngine = localOcrEngine({ labels: TEMPLATE_LABELS })?.name;
const hasLocalOcr = localEngine !== undefined;
const seeds = loadSeeds();
const seed = (prefix: string) => seeds.find((s) => s.name.startsWith(prefix))!;

let local: TestStack;
let chromium: TestBrowser;
let page: Page;
let dir: string;

/** Uploads a file through the box and waits for its status (a scan's OCR takes a while). */
const upload = (path: string) => uploadThroughBox(page, path, 150_000);

describe.skipIf(!CHROMIUM)("the upload box with a DOCX and a scanned PDF", () => {
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), "nianbao-upload-docs-"));
    local = await startTestStack("nianbao-web-docs-");
    // The upload box polls GET /reports/{id}, which is 404 until the record exists: expected.
    chromium = await launchChromium({ viewport: { width: 1360, height: 1000 }, ignoreConsole: /404/ });
    page = chromium.page;
    await page.goto(`${local.stack.apiUrl}/web/`);
    await page.waitForSelector("#upload-input", { state: "attached" });
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await local?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("takes a Word document through Extract, Parse and Store to its status", async () => {
    const path = join(dir, "西湖区-001.docx");
    await writeFile(path, await seedDocx(seed("001")));
    const { status, steps } = await upload(path);
    expect(status).toBe("VALID");
    expect(steps).toEqual([
      ["Upload", "done"],
      ["Extract", "done"],
      ["Parse", "done"],
      ["Store", "done"],
      ["Done", "done"],
    ]);
  }, 180_000);

  it.skipIf(!hasLocalOcr)("takes a scanned PDF through OCR, shown as its own step", async () => {
    const path = join(dir, "scan-003.pdf");
    await writeFile(path, imagesToPdf(await scanPdf(await seedPdf(seed("003")))));
    const { status, steps } = await upload(path);
    expect(status).toBe("VALID");
    expect(steps).toEqual([
      ["Upload", "done"],
      ["Extract", "done"],
      ["Ocr", "done"],
      ["Parse", "done"],
      ["Store", "done"],
      ["Done", "done"],
    ]);
    await page.locator("#upload-card").screenshot({ path: join(ARTIFACTS, "7-upload-docx-and-scan.png") });
    // The report view says which pages OCR read, and with which engine.
    await page.locator("#upload-list li.upload").first().locator("a.open-report").click();
    const note = page.locator("#report-view .ocr-note");
    await note.waitFor();
    expect(await note.getAttribute("data-engine")).toBe(localEngine);
    expect(await note.textContent()).toMatch(/第 1(、2)? 页/);
    await page.screenshot({ path: join(ARTIFACTS, "8-scan-report.png"), fullPage: true });
  }, 240_000);

  it("logs no script errors", () => {
    expect(chromium.consoleErrors).toEqual([]);
  });
});

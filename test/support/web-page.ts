/**
 * The web page's browser tests in one set-up: the local stack (one per test file) with the
 * test's files dropped under `incoming/` and processed, Debian's chromium on its page, the
 * page's script errors and CSP violations collected, and both closed after.
 *
 * @example
 * const web = await startWebTest("nianbao-web-", [{ key: "incoming/a.txt", bytes }]);
 * await web.open(`#/reports/${web.ids[0]}`);   // web.page is playwright's Page
 * expect(web.scriptErrors()).toEqual([]);
 * await web.close();
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { hashBytes } from "../../functions/shared/hash.ts";
import { CHROMIUM, launchChromium, type TestBrowser } from "./chromium.ts";
import { startTestStack, type TestStack } from "./local-stack.ts";

export { CHROMIUM };

/** Where the browser tests put their screenshots. */
export const ARTIFACTS = join(process.cwd(), "test-artifacts", "web");

/** A file for the ingest bucket: `key` under `incoming/`. */
export type WebFile = { key: string; bytes: Uint8Array };

export type WebPage = TestBrowser & {
  /** The page's address on the stack, at `hash` (`#/compare`). */
  url(hash?: string): string;
  /** Goes to the page at `hash`. */
  open(hash?: string): Promise<void>;
  /** Console errors and CSP violations, less the messages `allowed` matches. */
  scriptErrors(allowed?: RegExp): string[];
};

/** The page with its stack: `close` closes both. */
export type WebTest = WebPage & { local: TestStack; ids: string[] };

/** Drops `files` into the stack's ingest bucket, waits until they are processed; their report ids, in order. */
export async function dropFiles(local: TestStack, files: readonly WebFile[]): Promise<string[]> {
  for (const { key, bytes } of files) await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: key, Body: bytes }));
  await local.stack.idle();
  return files.map(({ bytes }) => hashBytes(bytes));
}

/** Chromium on the stack's page (not opened yet), for a test file that started the stack itself. */
export async function openWebPage(local: TestStack, options: { viewport?: { width: number; height: number }; ignoreConsole?: RegExp } = {}): Promise<WebPage> {
  await mkdir(ARTIFACTS, { recursive: true });
  const browser = await launchChromium({ viewport: { width: 1360, height: 1000 }, ...options });
  const url = (hash = "") => `${local.stack.apiUrl}/web/${hash}`;
  return {
    ...browser,
    url,
    async open(hash) {
      await browser.page.goto(url(hash));
    },
    scriptErrors: (allowed) => [...browser.consoleErrors.filter((m) => !allowed?.test(m)), ...browser.cspViolations.map((v) => `CSP: ${v}`)],
  };
}

/** A fresh stack holding `files`, and chromium on its page. */
export async function startWebTest(prefix: string, files: readonly WebFile[] = [], options: Parameters<typeof openWebPage>[1] = {}): Promise<WebTest> {
  const local = await startTestStack(prefix);
  try {
    const ids = await dropFiles(local, files);
    const web = await openWebPage(local, options);
    return {
      ...web,
      local,
      ids,
      async close() {
        await web.close();
        await local.stop();
      },
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** A phone's width: every view must fit it without sideways scrolling. */
export const PHONE = { width: 414, height: 896 };

/** How wide the page's content is against the window: `scrollWidth <= innerWidth` when nothing scrolls sideways. */
export async function pageWidths(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => {
    const window = globalThis as any;
    const widths = { scrollWidth: window.document.scrollingElement.scrollWidth as number, innerWidth: window.innerWidth as number };
    // On overflow, name the elements that reach past the screen, so a failure says what is too wide.
    if (widths.scrollWidth > widths.innerWidth) {
      const wide: string[] = [];
      for (const el of window.document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.right > widths.innerWidth + 1) wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${Math.round(r.right)} w=${Math.round(r.width)} text=${(el.textContent || "").slice(0, 40)}`);
      }
      return { ...widths, wide: wide.slice(-8) };
    }
    return widths;
  });
}

/** What the upload box shows for the newest upload once it has a status: the status, each step's state, the reason. */
export type UploadShown = { status: string | null; steps: [string | null, string | null][]; message: string | null };

/** Puts `file` in the page's upload box and waits (up to `timeout` ms) for the status it ends with. */
export async function uploadThroughBox(page: Page, file: Parameters<Page["setInputFiles"]>[1], timeout = 60_000): Promise<UploadShown> {
  await page.setInputFiles("#upload-input", file);
  // The newest upload is listed first.
  const item = page.locator("#upload-list > li.upload").first();
  const badge = item.locator("[data-status]");
  await badge.waitFor({ timeout });
  const steps = await item.locator("li.step").evaluateAll((els) => els.map((el) => [el.getAttribute("data-step"), el.getAttribute("data-state")] as [string | null, string | null]));
  const error = item.locator(".error");
  return { status: await badge.textContent(), steps, message: (await error.count()) ? await error.textContent() : null };
}

/**
 * Debian's chromium driven by playwright-core, for the web page's browser tests: a fresh profile,
 * headless, with the page's script errors collected (a test asserts there are none).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { findChromium } from "../fixtures/generate/render-pdf.ts";

/** The installed Chromium (Debian's, from .ci/run), or undefined: the browser tests then skip. */
export const CHROMIUM = findChromium();

export type TestBrowser = {
  browser: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page, as they happen. */
  consoleErrors: string[];
  close(): Promise<void>;
};

export async function launchChromium(options: { viewport?: { width: number; height: number }; ignoreConsole?: RegExp } = {}): Promise<TestBrowser> {
  // A fresh profile per run (launchPersistentContext owns --user-data-dir).
  const profile = await mkdtemp(join(tmpdir(), "nianbao-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM!,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleErrors: string[] = [];
  page.on("console", (m) => m.type() === "error" && !options.ignoreConsole?.test(m.text()) && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  return {
    browser,
    page,
    consoleErrors,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

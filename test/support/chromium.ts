/**
 * Debian's chromium driven by playwright-core, for the web page's browser tests: a fresh profile,
 * headless, with the page's script errors and Content-Security-Policy violations collected (a test
 * asserts there are none).
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
  /** What the page's CSP refused (`script-src-elem http://…/x.js`), as the page saw it. */
  cspViolations: string[];
  close(): Promise<void>;
};

/** Reports each CSP violation to the test (runs in the page before its own scripts). */
function watchCspViolations(): void {
  const page = globalThis as any;
  page.document.addEventListener("securitypolicyviolation", (event: { violatedDirective: string; blockedURI: string }) => {
    page.reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`);
  });
}

export async function launchChromium(options: { viewport?: { width: number; height: number }; ignoreConsole?: RegExp } = {}): Promise<TestBrowser> {
  // A fresh profile per run (launchPersistentContext owns --user-data-dir).
  const profile = await mkdtemp(join(tmpdir(), "nianbao-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM!,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const consoleErrors: string[] = [];
  const cspViolations: string[] = [];
  await browser.exposeFunction("reportCspViolation", (text: string) => cspViolations.push(text));
  await browser.addInitScript(watchCspViolations);
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on("console", (m) => m.type() === "error" && !options.ignoreConsole?.test(m.text()) && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  return {
    browser,
    page,
    consoleErrors,
    cspViolations,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

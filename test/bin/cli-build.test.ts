/**
 * The CLI runs as JavaScript built once (dist/cli/, bin/build/cli.mjs at install): no TypeScript
 * is loaded at run time, a text report loads none of the heavy readers, and an edited source makes
 * the next start build again instead of running stale code.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ENTRY_JS, INPUTS_FILE, isBuildFresh } from "../../bin/build/fresh.mjs";
import { PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "nianbao-cli-build-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const seed = join(SEEDS_DIR, "002_732b3b243defc543.txt");
const expected = JSON.parse(readFileSync(join(SEEDS_DIR, "002_732b3b243defc543.expected.json"), "utf8")) as { agency: string; year: number };

/** Runs `nianbao …` with the module recorder; its stdout and every module URL it loaded. */
async function parseRecordingModules(file: string, name: string): Promise<{ stdout: string; modules: string[] }> {
  const log = join(work, `${name}.modules`);
  const { stdout } = await run(process.execPath, ["--import", join(PROJECT_ROOT, "test/support/record-modules.mjs"), "bin/nianbao.mjs", "parse", file, "--json"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NIANBAO_MODULES_LOG: log },
    maxBuffer: 16 * 1024 * 1024,
  });
  return { stdout, modules: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

describe("the built CLI", () => {
  it("is built and fresh before the tests start (vitest's global set-up)", () => {
    expect(isBuildFresh()).toBe(true);
    const inputs = JSON.parse(readFileSync(INPUTS_FILE, "utf8")) as string[];
    expect(inputs).toContain("bin/nianbao.ts");
    expect(inputs).toContain("functions/report/index.ts");
    expect(inputs.some((p) => p.includes("node_modules"))).toBe(false);
  });

  it("parses a text report loading no TypeScript, no transpiler and none of the heavy readers", async () => {
    const { stdout, modules } = await parseRecordingModules(seed, "text");
    const record = JSON.parse(stdout) as { agency: string; year: number };
    expect(record).toMatchObject({ agency: expected.agency, year: expected.year });
    expect(modules.some((url) => url.includes("/dist/cli/"))).toBe(true);
    const typescript = modules.filter((url) => /\.[cm]?ts$/.test(new URL(url).pathname));
    expect(typescript).toEqual([]);
    const heavy = modules.filter((url) =>
      /node_modules\/(tsx|esbuild|pdfjs-dist|onnxruntime-node|@napi-rs|paddleocr|@aws-sdk)\/|\/dist\/cli\/(read-(pdf|docx|html)|local|paddle|tesseract|up)-/.test(url),
    );
    expect(heavy).toEqual([]);
  });

  it("loads the PDF reader when a file is a PDF", async () => {
    const pdf = join(PROJECT_ROOT, "..", "shared", "corpus", "real");
    const { readdirSync } = await import("node:fs");
    const first = readdirSync(pdf).find((f) => f.endsWith(".pdf"));
    expect(first, "a real PDF in ../shared/corpus/real").toBeDefined();
    const { modules } = await parseRecordingModules(join(pdf, first!), "pdf");
    expect(modules.some((url) => /\/dist\/cli\/read-pdf-/.test(url))).toBe(true);
    // PDFium reads the text layer; pdf.js only renders pages for OCR, which a born-digital PDF needs not.
    expect(modules.some((url) => url.includes("node_modules/@embedpdf/pdfium/"))).toBe(true);
  }, 60_000);

  it("builds again at the next start when a source is newer than the build, and prints the same record", async () => {
    const before = statSync(ENTRY_JS).mtimeMs;
    const { stdout: first } = await run(process.execPath, ["bin/nianbao.mjs", "parse", seed, "--json"], { cwd: PROJECT_ROOT });
    // The content stays as it is; only its time says it changed after the build.
    const source = join(PROJECT_ROOT, "functions/report/format.ts");
    const later = new Date(before + 5_000);
    utimesSync(source, later, later);
    expect(isBuildFresh()).toBe(false);
    const { stdout: second } = await run(process.execPath, ["bin/nianbao.mjs", "parse", seed, "--json"], { cwd: PROJECT_ROOT });
    expect(isBuildFresh()).toBe(true);
    expect(statSync(ENTRY_JS).mtimeMs).toBeGreaterThan(before);
    expect(second).toBe(first);
  }, 60_000);
});

/**
 * The CLI runs as JavaScript built once (dist/cli/, bin/build/cli.mjs at install): no TypeScript
 * is loaded at run time, a text report loads none of the heavy readers, and an edited source makes
 * the next start build again instead of running stale code.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { readReportFile } from "../../bin/commands/read-report.ts";
import { ENTRY_JS, INPUTS_FILE, isBuildFresh } from "../../bin/build/fresh.mjs";
import { PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "nianbao-cli-build-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const seed = join(SEEDS_DIR, "002_732b3b243defc543.txt");
/** A 2019-edition seed with error findings, beside 002 (2021 edition, valid). */
const seed2019 = join(SEEDS_DIR, "000_da3b4a7bec10951f.txt");
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
    // Loading node:crypto costs ~8 ms of CPU, and `parse FILE` prints no hash.
    expect(modules).not.toContain("node:crypto");
  });

  it("parses a text report without node:fs/promises or the stream modules, its output piped", async () => {
    const log = join(work, "text.builtins");
    const args = ["--require", join(PROJECT_ROOT, "test/support/record-builtins.cjs"), "bin/nianbao.mjs", "parse", seed, "--json"];
    const { stdout } = await run(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, NIANBAO_BUILTINS_LOG: log }, maxBuffer: 16 * 1024 * 1024 });
    expect(JSON.parse(stdout)).toMatchObject({ agency: expected.agency, year: expected.year });
    const builtins = readFileSync(log, "utf8").split("\n");
    expect(builtins).toContain("node:fs");
    // The file is read synchronously (node:fs/promises costs ~2.7 ms to load and run) and the
    // record written to fd 1 (process.stdout's first use loads the stream modules, ~2 ms).
    expect(builtins).not.toContain("node:fs/promises");
    expect(builtins).not.toContain("node:stream");
  });

  it("reads a folder in worker threads that use the compile cache too (each compiled the readers afresh before)", async () => {
    const folder = join(work, "folder");
    mkdirSync(folder);
    copyFileSync(seed, join(folder, basename(seed)));
    const args = ["bin/nianbao.mjs", "parse", folder, "--jobs", "1", "--out", join(work, "folder.csv")];
    // Node's own log of its compile cache: only a worker thread loads the readers' chunk (read-report) for a folder.
    const { stderr } = await run(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, NODE_DEBUG_NATIVE: "COMPILE_CACHE" } });
    expect(stderr).toMatch(/\[compile cache\] (reading cache from \S+ for ESM \S+\/dist\/cli\/read-report-|writing cache for ESM \S+\/dist\/cli\/read-report-)/);
  });

  it("prints byte for byte the record the sources give (--json), loading the legacy-encoding decoder only for a GB18030 file", async () => {
    const gb18030 = join(work, "002-gb18030.txt");
    writeFileSync(gb18030, iconv.encode(readFileSync(seed, "utf8"), "gb18030"));
    for (const [file, legacy] of [[seed, false], [seed2019, false], [gb18030, true]] as const) {
      const { stdout, modules } = await parseRecordingModules(file, basename(file));
      const fromSources = `${JSON.stringify((await readReportFile(file, { allowOcr: false })).record, null, 2)}\n`;
      expect(stdout, file).toBe(fromSources);
      expect(modules.some((url) => /\/dist\/cli\/legacy-text-/.test(url)), file).toBe(legacy);
    }
  }, 60_000);

  // Another user, or an install on a read-only disk: V8's compile cache cannot be written, and the CLI runs as well.
  const asNobody = process.getuid?.() === 0 && existsSync("/usr/bin/setpriv");
  if (!asNobody) console.warn("SKIPPED: the CLI with an unwritable compile cache needs root and /usr/bin/setpriv to run as nobody");
  it.skipIf(!asNobody)("prints the same record when it may not write its compile cache", async () => {
    const cache = join(PROJECT_ROOT, "node_modules/.cache/nianbao/compile-cache");
    const { stdout: asOwner } = await run(process.execPath, ["bin/nianbao.mjs", "parse", seed, "--json"], { cwd: PROJECT_ROOT });
    const owner = statSync(cache);
    expect(owner.uid === 0 && (owner.mode & 0o002) === 0, "the cache is root's and not writable by others").toBe(true);
    const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "bin/nianbao.mjs", "parse", seed, "--json"];
    const { stdout, stderr } = await run("/usr/bin/setpriv", nobody, { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024 });
    expect(stderr).toBe("");
    expect(stdout).toBe(asOwner);
  }, 60_000);

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
  it("stops quietly, exit 0, when the reader of its output has gone (`nianbao parse FILE | head`)", async () => {
    for (const args of [["--json"], []]) {
      const child = spawn(process.execPath, ["bin/nianbao.mjs", "parse", seed, ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
      // The pipe's reading end closed before the CLI has started, so its first write meets EPIPE.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: "" });
    }
  });
});

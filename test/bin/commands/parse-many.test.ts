/**
 * `nianbao parse DIR --out …` without the stack: a folder of the five seeds and a garbage file
 * gives six rows, the garbage FAILED with its reason, exit 1; every seed's figures as its
 * expected record; JSON lines and Excel hold the same; usage errors exit 2.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nianbao } from "../../support/cli.ts";
import { CSV_COLUMNS, parseCsv } from "../../../functions/api/csv.ts";
import { FIGURE_COLUMNS, readFigure } from "../../../functions/api/figures.ts";
import { REPORTS_SHEET } from "../../../functions/api/xlsx.ts";
import type { ReportRecord } from "../../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../../fixtures/seeds.ts";
import { expectFiguresOf, readWorkbook } from "../../support/xlsx.ts";
import { threadCount } from "../../../bin/commands/parse-files.ts";

let dir: string;
let folder: string;
const expected = new Map<string, ReportRecord>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nianbao-parse-many-"));
  folder = join(dir, "reports");
  await mkdir(join(folder, "nested"), { recursive: true });
  for (const [i, seed] of SEEDS.entries()) {
    // Names that say nothing of the content (one without extension, one in a subfolder): content decides.
    const name = i === 0 ? "no-extension" : i === 1 ? join("nested", `${seed}.dat`) : `${seed}.txt`;
    await copyFile(join(SEEDS_DIR, `${seed}.txt`), join(folder, name));
    expected.set(join(folder, name), JSON.parse(await readFile(join(SEEDS_DIR, `${seed}.expected.json`), "utf8")) as ReportRecord);
  }
  await writeFile(join(folder, "garbage.pdf"), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x42, 0x99, 0x01].flatMap((b) => Array(64).fill(b))));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("nianbao parse DIR", () => {
  it("writes six rows for five seeds and a garbage file, the garbage FAILED with its reason, exit 1", async () => {
    const out = join(dir, "records.csv");
    const result = await nianbao("parse", folder, "--out", out, "--jobs", "2", "--timings");
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/6\/6/);
    expect(result.stderr).toContain("6 个文件：3 个有效，2 个需复核，1 个失败");
    // --timings: each thread's CPU, start-up apart from its files; never more threads than cores.
    const threads = Math.min(2, availableParallelism());
    const timings = [...result.stderr.matchAll(/线程 (\d)：启动 ([\d.]+) s，(\d+) 个文件 ([\d.]+) s/g)];
    expect(timings.map((t) => Number(t[1]))).toEqual(Array.from({ length: threads }, (_, i) => i + 1));
    expect(timings.reduce((n, t) => n + Number(t[3]), 0)).toBe(6);
    for (const t of timings) expect(Number(t[2]), t[0]).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/主线程 [\d.]+ s/);
    expect(result.stderr).toContain(`${threads} 个线程 (threads)`);
    const [header, ...rows] = parseCsv(await readFile(out, "utf8"));
    expect(header).toEqual(CSV_COLUMNS);
    expect(rows).toHaveLength(6);
    const col = (name: string) => header!.indexOf(name);
    const garbage = rows.find((r) => r[col("source")] === join(folder, "garbage.pdf"))!;
    expect(garbage[col("status")]).toBe("FAILED");
    expect(garbage[col("failure")]).toMatch(/^\S.*（UnreadableDocumentError）$/);
    for (const [file, record] of expected) {
      const row = rows.find((r) => r[col("source")] === file);
      expect(row, file).toBeDefined();
      expect(row![col("agency")]).toBe(record.agency);
      expect(row![col("status")]).toBe(record.findings.some((f) => f.severity === "error") ? "NEEDS_REVIEW" : "VALID");
      for (const column of FIGURE_COLUMNS) {
        const figure = readFigure(record, column);
        expect(row![col(column.name)], `${file} ${column.name}`).toBe(figure === undefined ? "" : String(figure));
      }
    }
  });

  it("writes JSON lines and Excel with the same rows, and exits 0 when every file gave a record", async () => {
    const seedsOnly = [...expected.keys()];
    const jsonl = join(dir, "records.jsonl");
    const xlsx = join(dir, "records.xlsx");
    const [lines, book] = [await nianbao("parse", ...seedsOnly, "--out", jsonl, "--jobs", "2"), await nianbao("parse", folder, "--out", xlsx, "--jobs", "1")];
    expect(lines.code, lines.stderr).toBe(0);
    const parsed = (await readFile(jsonl, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { file: string; status: string; record: ReportRecord });
    expect(parsed.map((p) => p.file)).toEqual(seedsOnly);
    for (const p of parsed) expect(p.record.applications).toEqual(expected.get(p.file)!.applications);
    expect(book.code).toBe(1);
    const workbook = await readWorkbook(await readFile(xlsx));
    expect(workbook.getWorksheet(REPORTS_SHEET)!.rowCount).toBe(1 + 6);
    const ids = new Map(parsed.map((p) => [p.file, (p as unknown as { id: string }).id]));
    expectFiguresOf(workbook, [...expected].map(([file, record]) => ({ reportId: ids.get(file)!, agency: record.agency ?? undefined, year: record.year, record })));
  });

  it("shows a table on stdout without --out, and refuses bad options with exit 2", async () => {
    const table = await nianbao("parse", folder, "--jobs", "1", "--no-ocr");
    expect(table.code).toBe(1);
    // One thread reads the files largest first (the progress lines in the order they were done).
    const doneOrder = [...table.stderr.matchAll(/^\[.*?\] \d+\/6 \S+ (.+)$/gm)].map((m) => m[1]!);
    const sizes = await Promise.all(doneOrder.map(async (f) => (await stat(f)).size));
    expect(doneOrder).toHaveLength(6);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(doneOrder.at(-1)).toBe(join(folder, "garbage.pdf"));
    expect(table.stdout).toMatch(/garbage\.pdf\s+FAILED\s+.*（UnreadableDocumentError）/);
    expect(table.stdout).toMatch(/no-extension\s+NEEDS_REVIEW\s+西湖区教育局\s+2019\s+.*表三（七）总计·总计：印 0，应为 19/);
    for (const args of [["--out", join(dir, "x.txt")], ["--jobs", "0"], ["--json"], ["--headers", "en"]]) {
      const bad = await nianbao("parse", folder, ...args);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr, args.join(" ")).toContain("usage: nianbao parse");
    }
  });

  it("starts no more threads than --jobs, files or cores", () => {
    expect(threadCount(2, 40, 2)).toBe(2);
    expect(threadCount(8, 40, 2)).toBe(2);
    expect(threadCount(8, 3, 16)).toBe(3);
    expect(threadCount(1, 40, 2)).toBe(1);
    expect(threadCount(4, 0, 2)).toBe(1);
  });
});

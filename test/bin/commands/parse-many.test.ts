/**
 * `nianbao parse DIR --out …` without the stack: a folder of the five seeds and a garbage file
 * gives six rows, the garbage FAILED with its reason, exit 1; every seed's figures as its
 * expected record; JSON lines and Excel hold the same; usage errors exit 2.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nianbao } from "../../support/cli.ts";
import { CSV_COLUMNS, parseCsv } from "../../../functions/api/csv.ts";
import { FIGURE_COLUMNS, readFigure } from "../../../functions/api/figures.ts";
import { REPORTS_SHEET } from "../../../functions/api/xlsx.ts";
import type { ReportRecord } from "../../../functions/report/record.ts";
import { SEEDS, SEEDS_DIR } from "../../fixtures/seeds.ts";
import { expectFiguresOf, readWorkbook } from "../../support/xlsx.ts";

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
    const result = await nianbao("parse", folder, "--out", out, "--jobs", "2");
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/6\/6/);
    expect(result.stderr).toContain("6 个文件：3 个有效，2 个需复核，1 个失败");
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
    expect(table.stdout).toMatch(/garbage\.pdf\s+FAILED\s+.*（UnreadableDocumentError）/);
    expect(table.stdout).toMatch(/no-extension\s+NEEDS_REVIEW\s+西湖区教育局\s+2019\s+.*表三（七）总计·总计：印 0，应为 19/);
    for (const args of [["--out", join(dir, "x.txt")], ["--jobs", "0"], ["--json"], ["--headers", "en"]]) {
      const bad = await nianbao("parse", folder, ...args);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr, args.join(" ")).toContain("usage: nianbao parse");
    }
  });
});

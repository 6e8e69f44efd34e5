/**
 * One report, however many files (issue 15 item 2), on the local stack: a report arriving as a
 * PDF, a web page and a GB18030 text is one row, counted once in /stats and the export, with
 * three sources; another report whose web page prints one figure differently gets a
 * `sources.disagree` finding naming the cell and both files.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run as runReprocess } from "../../bin/commands/reprocess.ts";
import { loadSeeds, renderHtml, layoutReport, type Seed } from "../fixtures/generate/index.ts";
import { findChromium, renderPdf } from "../fixtures/generate/render-pdf.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

type Source = { key: string; fileName?: string; format?: string; contentHash?: string; readBy?: string; carried?: boolean };
type ReportBody = { id: string; agency: string; year: number; status: string; sources: Source[]; findings: { rule: string; message: string; cells: string[] }[] };
type ListItem = { id: string; agency: string | null; year: number | null; fileName: string | null; sourceCount: number };

let local: TestStack;
const seeds = new Map(loadSeeds().map((s) => [s.name.slice(0, 3), s]));
const seed = (prefix: string): Seed => seeds.get(prefix)!;

async function drop(key: string, body: Uint8Array) {
  await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: key, Body: body }));
}
async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${local.stack.apiUrl}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}
async function gb18030Text(name: string): Promise<Uint8Array> {
  return new Uint8Array(iconv.encode(await readFile(join(SEEDS_DIR, `${name}.txt`), "utf8"), "gb18030"));
}
const listed = async (agency: string) => (await get<{ items: ListItem[] }>("/reports?limit=1000")).items.filter((i) => i.agency === agency);

const hasChromium = Boolean(findChromium());
if (!hasChromium) console.warn("SKIPPING the PDF source of test/pipeline/sources.test.ts: no chromium to print the PDF with");

beforeAll(async () => {
  local = await startTestStack("nianbao-sources-");
}, 60_000);
afterAll(async () => {
  await local?.stop();
});

describe("one report, however many files", { timeout: 120_000 }, () => {
  const wuhai = seed("002");
  const files = new Map<string, Uint8Array>();

  it("lists a report arriving as a PDF, a web page and a GB18030 text once, with its three sources", async () => {
    // Prepare
    files.set("wuhai.html", renderHtml(layoutReport(wuhai.record)));
    files.set("wuhai-gb18030.txt", await gb18030Text(wuhai.name));
    if (hasChromium) files.set("wuhai.pdf", await renderPdf(layoutReport(wuhai.record)));

    // Act: all at once (racing Stores of one logical report)
    await Promise.all([...files].map(([name, bytes]) => drop(`incoming/sources/${name}`, bytes)));
    await local.stack.idle();

    // Assess: one row, whichever file's id is asked for it gives the same report, and no file failed
    expect((await get<{ items: ListItem[] }>("/reports?status=FAILED")).items).toEqual([]);
    const rows = await listed(wuhai.record.agency!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ year: wuhai.record.year, sourceCount: files.size });
    expect([...files.keys()]).toContain(rows[0]!.fileName);
    const report = await get<ReportBody>(`/reports/${rows[0]!.id}`);
    for (const bytes of files.values()) expect((await get<ReportBody>(`/reports/${sha256(bytes)}`)).id).toBe(report.id);
    expect(report.sources.map((s) => ({ fileName: s.fileName, contentHash: s.contentHash })).sort((a, b) => a.fileName!.localeCompare(b.fileName!))).toEqual(
      [...files].map(([name, bytes]) => ({ fileName: name, contentHash: sha256(bytes) })).sort((a, b) => a.fileName.localeCompare(b.fileName)),
    );
    expect(Object.fromEntries(report.sources.map((s) => [s.fileName, s.format]))).toEqual(
      Object.fromEntries([...files.keys()].map((name) => [name, name.endsWith(".pdf") ? "pdf" : name.endsWith(".html") ? "html" : "text"])),
    );
    // Read directly (text layer, HTML, text): the earliest stored carries the figures, and they agree.
    expect(report.sources.every((s) => s.readBy === "text")).toBe(true);
    expect(report.sources.filter((s) => s.carried)).toHaveLength(1);
    expect(report.findings.filter((f) => f.rule === "sources.disagree")).toEqual([]);
  });

  it("counts the report once in /stats and in the export", async () => {
    const stats = await get<{ reportCount: number; computedFrom: string }>(`/stats?year=${wuhai.record.year}`);
    expect(stats).toMatchObject({ reportCount: 1, computedFrom: "aggregates" });
    const byAgency = await get<{ reportCount: number }>(`/stats?agency=${encodeURIComponent(wuhai.record.agency!)}`);
    expect(byAgency.reportCount).toBe(1);
    const csv = await (await fetch(`${local.stack.apiUrl}/export.csv?year=${wuhai.record.year}`)).text();
    expect(csv.trim().split("\r\n").slice(1).filter((line) => line.includes(wuhai.record.agency!))).toHaveLength(1);
  });

  it("adds no source and no row when a file is stored again", async () => {
    const [name, bytes] = [...files][0]!;
    await drop(`incoming/sources/${name}`, bytes);
    await local.stack.idle();
    const rows = await listed(wuhai.record.agency!);
    expect(rows).toHaveLength(1);
    expect((await get<ReportBody>(`/reports/${rows[0]!.id}`)).sources).toHaveLength(files.size);
    expect((await get<{ reportCount: number }>(`/stats?year=${wuhai.record.year}`)).reportCount).toBe(1);
  });

  it("reads every file of the report again on reprocessing, and still lists it once", async () => {
    // Act
    const out: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let code: number;
    try {
      code = await runReprocess(["--agency", wuhai.record.agency!, "--endpoint", local.stack.apiUrl, "--json", "--poll-ms", "50"]);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    await local.stack.idle();

    // Assess: one run per file, no new row, no new source, counted once
    expect(code).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ total: files.size, succeeded: files.size, failed: 0 });
    const rows = await listed(wuhai.record.agency!);
    expect(rows).toHaveLength(1);
    expect((await get<ReportBody>(`/reports/${rows[0]!.id}`)).sources).toHaveLength(files.size);
    expect((await get<{ reportCount: number }>(`/stats?year=${wuhai.record.year}`)).reportCount).toBe(1);
  });

  it("names the cell and both files when a second file prints one figure differently", async () => {
    // Prepare: seed 001 as its GB18030 text, then as a web page printing one figure 5 more
    const hualong = seed("001");
    const changed = structuredClone(hualong.record);
    const granted = changed.applications.granted as Record<string, number>;
    const printed = granted.naturalPerson!;
    granted.naturalPerson = printed + 5;
    granted.total = granted.total! + 5;
    const text = await gb18030Text(hualong.name);
    await drop("incoming/sources/hualong.txt", text);
    await local.stack.idle();

    // Act
    await drop("incoming/sources/hualong.html", renderHtml(layoutReport(changed)));
    await local.stack.idle();

    // Assess
    const rows = await listed(hualong.record.agency!);
    expect(rows).toHaveLength(1);
    const report = await get<ReportBody>(`/reports/${sha256(text)}`);
    expect(report.id).toBe(sha256(text));
    const disagree = report.findings.filter((f) => f.rule === "sources.disagree");
    expect(disagree).toHaveLength(1);
    expect(disagree[0]!.cells).toEqual(expect.arrayContaining(["granted.naturalPerson", "granted.total"]));
    expect(disagree[0]!.message).toContain(`表三（一）予以公开·自然人：hualong.txt 为 ${printed}，hualong.html 为 ${printed + 5}`);
    // Counted once, with the text's figures.
    const stats = await get<{ reportCount: number; applications: { granted: { naturalPerson: number } } }>(
      `/stats?agency=${encodeURIComponent(hualong.record.agency!)}`,
    );
    expect(stats.reportCount).toBe(1);
    expect(stats.applications.granted.naturalPerson).toBe(printed);
  });
});

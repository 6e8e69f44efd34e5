/**
 * One report, however many files (issue 15 item 2), on the local stack: a report arriving as a
 * PDF, a web page and a GB18030 text is one row, counted once in /stats and the export, with
 * three sources; another report whose web page prints one figure differently gets a
 * `sources.disagree` finding naming the cell and both files. Then the edges: a file read again as
 * another year leaves its report (and joins its new one), records stored before merging existed are
 * merged by the scheduled reprocessing, and reviewers' corrections carry over to a newly carried file.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run as runReprocess } from "../../bin/commands/reprocess.ts";
import { createDocumentClient } from "../../functions/adapters/clients.ts";
import { rebuildStatsAggregates } from "../../functions/adapters/stats-rebuild.ts";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport, PARSER_VERSION } from "../../functions/report/index.ts";
import type { ReportRecord } from "../../functions/report/record.ts";
import { Config } from "../../functions/shared/config.ts";
import { toVersionOrder } from "../../functions/shared/parser-version.ts";
import { LOCAL_NAMES } from "../../local/stack.ts";
import { reprocessCli } from "../support/reprocess-cli.ts";
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

type Figures = Record<string, Record<string, number>>;
type FullReport = ReportBody & { applications: Figures; reviews?: Record<string, Record<string, unknown>> };

describe("a report's files read again, stored before, and reviewed", { timeout: 180_000 }, () => {
  const bucket = () => local.stack.ingestBucket;
  const table = () => createDocumentClient(Config.parse({ DYNAMODB_ENDPOINT: local.stack.dynamoDbEndpoint }));
  /** The aggregates of /stats equal a recomputation from the records. */
  const noDrift = async () => expect((await rebuildStatsAggregates(table(), LOCAL_NAMES.TABLE, { repair: false })).drift).toEqual([]);
  const seedText = async (s: Seed) => new Uint8Array(await readFile(join(SEEDS_DIR, `${s.name}.txt`)));
  const parsed = async (bytes: Uint8Array, fileName: string) => parseReport(await extractDocument(bytes, { fileName }));
  /** A seed's figures with （一）予以公开·自然人 printed `more` higher (and its total with it). */
  function grantedMore(record: Seed["record"], more: number) {
    const changed = structuredClone(record);
    const granted = changed.applications.granted as Record<string, number>;
    granted.naturalPerson = granted.naturalPerson! + more;
    granted.total = granted.total! + more;
    return changed;
  }
  const disagreement = (report: ReportBody) => report.findings.filter((f) => f.rule === "sources.disagree");
  const statsOf = (agency: string) => get<{ reportCount: number; applications: Figures }>(`/stats?agency=${encodeURIComponent(agency)}`);
  /** What Store does with a newer parser's reading of a file already stored. */
  const storeReading = (bytes: Uint8Array, key: string, record: ReportRecord, status: "VALID" | "NEEDS_REVIEW", format = "text") =>
    local.stack.adapters.records.putParsed({ reportId: sha256(bytes), status, parserVersion: record.parserVersion, record, source: { bucket: bucket(), key, format }, format });

  it("takes a file read again as another year out of its report (the carried one: another file's figures then) and into its new one", async () => {
    // Prepare: seed 004 as text (stored first: its figures carried), then as a web page printing one figure 5
    // higher; a reviewer confirms the report's misprinted （七）总计·自然人
    const s004 = seed("004");
    const agency = s004.record.agency!;
    const year = s004.record.year!;
    const text = await seedText(s004);
    const html = renderHtml(layoutReport(grantedMore(s004.record, 5)));
    await drop("incoming/edges/report.txt", text);
    await local.stack.idle();
    await drop("incoming/edges/report.html", html);
    await local.stack.idle();
    expect(disagreement(await get<ReportBody>(`/reports/${sha256(text)}`))).toHaveLength(1);
    const confirmed = await fetch(`${local.stack.apiUrl}/reports/${sha256(text)}/reviews`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cell: "resultsTotal.naturalPerson", finding: "applications.resultsTotal", verdict: "misprint", reason: "原文如此", reviewer: "审核员丙" }),
    });
    expect(confirmed.status).toBe(201);
    const { record, status } = await parsed(text, "report.txt");
    const printed = record.applications.granted!.naturalPerson!;

    // Act: a newer parser reads the text as the next year's report
    await storeReading(text, "incoming/edges/report.txt", { ...record, year: year + 1, parserVersion: "9.0.0" }, status);

    // Assess: two reports of one file each; the old year's now carries the web page's figures, with no disagreement
    const rows = await listed(agency);
    expect(rows.map((r) => [r.year, r.id, r.sourceCount]).sort()).toEqual([
      [year, sha256(html), 1],
      [year + 1, sha256(text), 1],
    ]);
    const old = await get<FullReport>(`/reports/${sha256(html)}`);
    expect(old.sources.map((s) => [s.fileName, s.carried])).toEqual([["report.html", true]]);
    expect(disagreement(old)).toEqual([]);
    expect(old.applications.granted!.naturalPerson).toBe(printed + 5);
    // The review is the report's: it stays with it, history included.
    expect(old.reviews!["resultsTotal.naturalPerson"]).toMatchObject({ verdict: "misprint", reviewer: "审核员丙" });
    expect((await get<{ reviews: unknown[] }>(`/reports/${sha256(html)}/reviews`)).reviews).toHaveLength(1);
    const moved = await get<FullReport>(`/reports/${sha256(text)}`);
    expect(moved).toMatchObject({ id: sha256(text), year: year + 1 });
    expect(moved.sources.map((s) => s.fileName)).toEqual(["report.txt"]);
    expect(disagreement(moved)).toEqual([]);
    expect(moved.reviews).toBeUndefined();
    const stats = await statsOf(agency);
    expect(stats.reportCount).toBe(2);
    expect(stats.applications.granted!.naturalPerson).toBe(2 * printed + 5);
    await noDrift();

    // Act again: a still newer parser reads it as the first year again: it joins that report
    await storeReading(text, "incoming/edges/report.txt", { ...record, parserVersion: "9.0.1" }, status);

    // Assess: one report of two files (the web page, stored earlier, carried), their disagreement named again
    const again = await listed(agency);
    expect(again.map((r) => [r.year, r.id, r.sourceCount])).toEqual([[year, sha256(html), 2]]);
    const joined = await get<FullReport>(`/reports/${sha256(text)}`);
    expect(joined.id).toBe(sha256(html));
    expect(joined.sources.filter((s) => s.carried).map((s) => s.fileName)).toEqual(["report.html"]);
    expect(disagreement(joined)[0]!.message).toContain(`report.html 为 ${printed + 5}，report.txt 为 ${printed}`);
    expect((await statsOf(agency)).reportCount).toBe(1);
    await noDrift();
  });

  it("merges the separate records of one report stored before merging existed when the scheduled reprocessing reads them again", async () => {
    // Prepare: seed 003 as text and as a web page, stored as parser 1.3.0 stored them (two records, no group
    // item, sources with their first four keys; outside incoming/, so not ingested now), counted by a rebuild
    const s003 = seed("003");
    const agency = s003.record.agency!;
    const files: [string, Uint8Array][] = [
      ["legacy/003.txt", await seedText(s003)],
      ["legacy/003.html", renderHtml(layoutReport(s003.record))],
    ];
    let agencyId = "";
    for (const [key, bytes] of files) {
      await local.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: bytes }));
      const { record, status } = await parsed(bytes, key.split("/").pop()!);
      agencyId = record.agencyId!;
      const at = new Date(Date.now() - 86_400_000).toISOString();
      const uri = `s3://${bucket()}/${key}`;
      await table().send(
        new PutCommand({
          TableName: LOCAL_NAMES.TABLE,
          Item: {
            pk: `REPORT#${sha256(bytes)}`, sk: "RECORD", reportId: sha256(bytes), status, parserVersion: "1.3.0", parserVersionOrder: toVersionOrder("1.3.0"),
            record: { ...record, parserVersion: "1.3.0" }, agency: record.agency, agencyKey: record.agencyId, year: record.year, edition: record.edition,
            sources: [{ bucket: bucket(), key, uri, receivedAt: at }], sourceKeys: new Set([uri]), createdAt: at, updatedAt: at,
          },
        }),
      );
    }
    await rebuildStatsAggregates(table(), LOCAL_NAMES.TABLE, { repair: true });
    expect(await listed(agency)).toHaveLength(2);
    // By the body's id: no Store of this stack registered the body's name.
    expect((await statsOf(agencyId)).reportCount).toBe(2);

    // Act: what the daily rule starts after a deployment, { olderThan: the deployed parser version }
    const { code, summary } = await reprocessCli(local.stack.apiUrl, "--older-than", PARSER_VERSION);
    await local.stack.idle();

    // Assess: one report, both files listed with name and format, counted once
    expect(code).toBe(0);
    expect(summary).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    const rows = await listed(agency);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sourceCount).toBe(2);
    const report = await get<ReportBody>(`/reports/${rows[0]!.id}`);
    expect(report.sources.map((s) => [s.fileName, s.format]).sort()).toEqual([["003.html", "html"], ["003.txt", "text"]]);
    for (const [, bytes] of files) expect((await get<ReportBody>(`/reports/${sha256(bytes)}`)).id).toBe(report.id);
    expect((await statsOf(agencyId)).reportCount).toBe(1);
    await noDrift();
  });

  it("carries the reviewers' corrections over to the file whose figures a merge makes carried, agreed or disputed", async () => {
    // Prepare: seed 000 as a scan is read (OCR) with （一）予以公开·自然人 misread 5 higher, as Store stores it; two misreads
    // reviewed on it: that cell (the page shows the printed figure) and （七）总计·自然人 (the reviewer says 19; the text prints 0)
    const s000 = seed("000");
    const agency = s000.record.agency!;
    const text = await seedText(s000);
    const { record, status } = await parsed(text, "000.txt");
    const printed = record.applications.granted!.naturalPerson!;
    const scan = new TextEncoder().encode(`a scan of ${s000.name}`);
    const scanned = structuredClone(record);
    scanned.applications.granted!.naturalPerson = printed + 5;
    scanned.ocr = { engine: "paddleocr", pages: [1, 2, 3] };
    await storeReading(scan, "incoming/edges/000-scan.pdf", scanned, status, "pdf");
    const review = (body: object) =>
      fetch(`${local.stack.apiUrl}/reports/${sha256(scan)}/reviews`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ finding: "applications.resultsTotal", verdict: "misread", reviewer: "审核员乙", ...body }),
      });
    const answers = [
      await review({ cell: "granted.naturalPerson", value: printed, reason: "扫描件印的是这个数" }),
      await review({ cell: "resultsTotal.naturalPerson", value: 19, reason: "原文印 19" }),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 201]);

    // Act: the report's text arrives; read directly, its figures are carried from now on
    await drop("incoming/edges/000.txt", text);
    await local.stack.idle();

    // Assess: the text agrees with one correction (no longer applied) and disputes the other (it stands)
    const report = await get<FullReport>(`/reports/${sha256(text)}`);
    expect(report.id).toBe(sha256(scan));
    expect(report.sources.filter((s) => s.carried).map((s) => s.fileName)).toEqual(["000.txt"]);
    expect(report.reviews!["granted.naturalPerson"]).toMatchObject({ value: printed, agreedBy: PARSER_VERSION });
    expect(report.applications.granted!.naturalPerson).toBe(printed);
    expect(report.reviews!["resultsTotal.naturalPerson"]).toMatchObject({ value: 19, read: 0, disputedBy: PARSER_VERSION });
    expect(report.applications.resultsTotal!.naturalPerson).toBe(19);
    const disputed = report.findings.filter((f) => f.rule === "review.correctionDisputed");
    expect(disputed.map((f) => f.cells)).toEqual([["resultsTotal.naturalPerson"]]);
    expect(disputed[0]!.message).toContain("表三（七）总计·自然人");
    // The files' own readings still disagree on the misread cell.
    expect(disagreement(report)[0]!.message).toContain(`000.txt 为 ${printed}，000-scan.pdf 为 ${printed + 5}`);
    expect((await statsOf(agency)).reportCount).toBe(1);
    await noDrift();
    // A verdict given now measures the carried file's format (the report's first file was the scan).
    const misprint = await review({ cell: "resultsTotal.total", verdict: "misprint", reason: "原文如此" });
    expect(misprint.status).toBe(201);
    expect(((await misprint.json()) as { review: { format: string } }).review.format).toBe("text");
  });
});

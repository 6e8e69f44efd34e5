/**
 * End to end on the local stand-ins: DynamoDB Local (Java), s3rver, the local Step
 * Functions running the pipeline's definition with the Lambdas' handlers, and the local
 * API. Objects are dropped into the bucket with a plain S3 client, as a user would.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run as runIngest } from "../../bin/commands/ingest.ts";
import { run as runStatus } from "../../bin/commands/status.ts";
import { localOcrEngine } from "../../functions/documents/ocr/local.ts";
import { TEMPLATE_LABELS } from "../../functions/report/ocr-labels.ts";
import { extractDocument } from "../../functions/documents/index.ts";
import { parseReport } from "../../functions/report/index.ts";
import { startLocalStack, type LocalStack } from "../../local/stack.ts";
import { SEEDS, SEEDS_DIR } from "../fixtures/seeds.ts";
import { loadSeeds, seedDocx, seedHtml, seedPdf, type Seed } from "../fixtures/generate/index.ts";
import { findChromium } from "../fixtures/generate/render-pdf.ts";
import { imagesToPdf, scanPdf } from "../fixtures/generate/render-scan.ts";

/** The engine the local stack and `nianbao parse` read scans with (PaddleOCR where npm ci installed it). */
const localEngine = localOcrEngine({ labels: TEMPLATE_LABELS })?.name;
const hasLocalOcr = localEngine !== undefined;

const EXPECTED_STATUS: Record<string, string> = {
  "000_da3b4a7bec10951f": "NEEDS_REVIEW",
  "001_4b9b066e761ef3f1": "VALID",
  "002_732b3b243defc543": "VALID",
  "003_d18ac2812112a4c0": "VALID",
  "004_3c5ccc28fdec33c7": "NEEDS_REVIEW",
};

type ListItem = { id: string; agency: string | null; year: number | null; edition: string | null; status: string };
type ReportBody = Record<string, unknown> & {
  id: string;
  status: string;
  sources: { bucket: string; key: string }[];
  failure?: { error: string; cause: string };
};

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let stack: LocalStack;
let dataDir: string;
let s3: S3Client;
const seedBytes = new Map<string, Uint8Array>();

async function drop(key: string, body: Uint8Array) {
  await s3.send(new PutObjectCommand({ Bucket: stack.ingestBucket, Key: key, Body: body }));
}

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.apiUrl}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function listReports(): Promise<ListItem[]> {
  return (await getJson<{ items: ListItem[] }>("/reports")).body.items;
}

async function readNotifications(): Promise<
  { reportId: string; status: string; cause?: string; cells?: string[]; problems?: string[] }[]
> {
  const text = await readFile(stack.notificationsLog, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function start() {
  stack = await startLocalStack({ dataDir, port: 0 });
  s3 = new S3Client({
    region: "us-east-1",
    endpoint: stack.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "nianbao-e2e-"));
  await start();
  for (const seed of SEEDS) {
    const bytes = new Uint8Array(await readFile(join(SEEDS_DIR, `${seed}.txt`)));
    seedBytes.set(seed, bytes);
    await drop(`incoming/seeds/${seed}.txt`, bytes);
  }
  await stack.idle();
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

// Generous: the suite shares two cores with everything else; the stack and OCR are CPU-bound.
describe("the local pipeline", { timeout: 120_000 }, () => {
  it("lists one record per seed with its agency, year, edition and status", async () => {
    // Prepare
    const items = await listReports();

    // Assess
    expect(items).toHaveLength(SEEDS.length);
    for (const seed of SEEDS) {
      const expected = JSON.parse(await readFile(join(SEEDS_DIR, `${seed}.expected.json`), "utf8"));
      const item = items.find((i) => i.id === sha256(seedBytes.get(seed)!));
      expect(item, seed).toMatchObject({
        agency: expected.agency,
        year: expected.year,
        edition: expected.edition,
        status: EXPECTED_STATUS[seed],
      });
    }
  });

  it("returns each stored record exactly as the domain parses it, with status and sources", async () => {
    for (const seed of SEEDS) {
      // Prepare
      const bytes = seedBytes.get(seed)!;
      const { record, status } = parseReport(await extractDocument(bytes, { fileName: `${seed}.txt` }));

      // Act
      const { status: http, body } = await getJson<ReportBody>(`/reports/${sha256(bytes)}`);

      // Assess
      expect(http).toBe(200);
      expect(body.status).toBe(status);
      expect(body.sources.map((s) => s.key)).toEqual([`incoming/seeds/${seed}.txt`]);
      for (const [key, value] of Object.entries(record)) expect(body[key], `${seed} ${key}`).toEqual(value);
    }
  });

  it("notifies once for each seed that needs review, naming the cells", async () => {
    const notes = await readNotifications();
    for (const seed of ["000_da3b4a7bec10951f", "004_3c5ccc28fdec33c7"]) {
      const mine = notes.filter((n) => n.reportId === sha256(seedBytes.get(seed)!));
      expect(mine, seed).toHaveLength(1);
      expect(mine[0]?.status).toBe("NEEDS_REVIEW");
      expect(mine[0]?.cells).toContain("resultsTotal.total");
    }
    const westLake = notes.find((n) => n.reportId === sha256(seedBytes.get("000_da3b4a7bec10951f")!));
    expect([...(westLake?.problems ?? [])].sort()).toEqual(
      ["表三 总计列：一+二=19，三（七）+四=0，不平衡", "表三 自然人列：一+二=19，三（七）+四=0，不平衡", "表三（七）总计·总计：印 0，应为 19", "表三（七）总计·自然人：印 0，应为 19"].sort(),
    );
    expect(notes.filter((n) => n.status === "NEEDS_REVIEW")).toHaveLength(2);
  });

  it("keeps one record when a seed is dropped again and under other keys, listing each key once", async () => {
    // Prepare
    const seed = "002_732b3b243defc543";
    const bytes = seedBytes.get(seed)!;

    // Act: the same key again (a duplicate event), then three other keys at once (racing writers)
    await drop(`incoming/seeds/${seed}.txt`, bytes);
    await Promise.all(["incoming/copies/a.txt", "incoming/copies/b.txt", "incoming/copies/c.txt"].map((key) => drop(key, bytes)));
    await stack.idle();

    // Assess
    const items = await listReports();
    expect(items).toHaveLength(SEEDS.length);
    const { body } = await getJson<ReportBody>(`/reports/${sha256(bytes)}`);
    expect(body.status).toBe("VALID");
    expect(body.sources.map((s) => s.key).sort()).toEqual(
      ["incoming/copies/a.txt", "incoming/copies/b.txt", "incoming/copies/c.txt", `incoming/seeds/${seed}.txt`].sort(),
    );
  });

  it("records an empty file and a corrupt one as FAILED with a reason and a notification", async () => {
    // Prepare
    const empty = new Uint8Array();
    const corrupt = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02]);

    // Act
    await drop("incoming/broken/empty.txt", empty);
    await drop("incoming/broken/corrupt.docx", corrupt);
    await stack.idle();

    // Assess
    const notes = await readNotifications();
    for (const [key, bytes] of [
      ["incoming/broken/empty.txt", empty],
      ["incoming/broken/corrupt.docx", corrupt],
    ] as const) {
      const { status, body } = await getJson<ReportBody>(`/reports/${sha256(bytes)}`);
      expect(status, key).toBe(200);
      expect(body.status, key).toBe("FAILED");
      expect(body.failure?.error, key).toBe("UnreadableDocumentError");
      expect(body.failure?.cause.length, key).toBeGreaterThan(0);
      expect(body.sources.map((s) => s.key)).toEqual([key]);
      const note = notes.find((n) => n.reportId === sha256(bytes));
      expect(note?.status, key).toBe("FAILED");
      expect(note?.cause, key).toBe(body.failure?.cause);
    }
    expect(await listReports()).toHaveLength(SEEDS.length + 2);
  });

  /** Drops each seed rendered by `render` and checks its record's status, agency and year. */
  async function checkRenderings(extension: string, render: (seed: Seed) => Promise<Uint8Array> | Uint8Array) {
    // Prepare
    const seeds = loadSeeds();
    const rendered = new Map<string, Uint8Array>();
    for (const seed of seeds) rendered.set(seed.name, await render(seed));

    // Act
    for (const seed of seeds) await drop(`incoming/rendered/${seed.name}.${extension}`, rendered.get(seed.name)!);
    await stack.idle();

    // Assess
    for (const seed of seeds) {
      const { status, body } = await getJson<ReportBody>(`/reports/${sha256(rendered.get(seed.name)!)}`);
      expect(status, seed.name).toBe(200);
      expect(
        { status: body.status, agency: body.agency, year: body.year, edition: body.edition, failure: body.failure },
        `${seed.name}.${extension}`,
      ).toEqual({
        status: EXPECTED_STATUS[seed.name],
        agency: seed.record.agency,
        year: seed.record.year,
        edition: seed.record.edition,
        failure: undefined,
      });
    }
  }

  it("reads the seeds rendered as web pages and Word documents to the same statuses", async () => {
    await checkRenderings("html", seedHtml);
    await checkRenderings("docx", seedDocx);
  });

  it.skipIf(!findChromium())("reads the seeds rendered as PDF to the same statuses", async () => {
    await checkRenderings("pdf", seedPdf);
  }, 120_000);

  it.skipIf(!findChromium() || !hasLocalOcr)("reads a scanned report with the local OCR engine", async () => {
    // Prepare: seed 003 printed to PDF, then scanned (300 dpi JPEG pages, no text layer). It prints
    // another year: the same body's report for the same year in other files is one report, whose
    // figures come from the file read most directly (the text), not from OCR.
    const printed = loadSeeds().find((s) => s.name.startsWith("003"))!;
    const seed = { ...printed, record: { ...printed.record, year: printed.record.year - 1 } };
    const scannedPages = await scanPdf(await seedPdf(seed));
    const scan = imagesToPdf(scannedPages);

    // Act: watch its progress the way the page does, until the record is stored
    await drop("incoming/scans/003.pdf", scan);
    type Progress = { steps: { step: string }[]; current: string | null; done: boolean };
    const seen: string[] = [];
    let progress: Progress | undefined;
    for (const until = Date.now() + 150_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const res = await getJson<Progress>(`/reports/${sha256(scan)}/progress`);
      if (res.status !== 200) continue;
      progress = res.body;
      if (progress.current && seen.at(-1) !== progress.current) seen.push(progress.current);
      if (progress.done) break;
    }
    await stack.idle();

    // Assess: read by OCR into a record (how exactly OCR reads it is the documents tests' concern)
    const { status, body } = await getJson<ReportBody>(`/reports/${sha256(scan)}`);
    expect(status).toBe(200);
    expect(body.failure).toBeUndefined();
    expect(["VALID", "NEEDS_REVIEW"]).toContain(body.status);
    expect({ year: body.year, edition: body.edition }).toEqual({ year: seed.record.year, edition: seed.record.edition });
    // Extract passed the scan on; the Ocr step read its pages and the record says so.
    expect(body.ocr).toMatchObject({ engine: localEngine, pages: expect.arrayContaining([1]) });
    expect((body.ocr as { pages: number[] }).pages.every((n) => n >= 1 && n <= scannedPages.length)).toBe(true);
    // The progress went through Ocr, seen while it ran (OCR takes seconds), and ended done.
    expect(progress?.steps.map((s) => s.step)).toEqual(["Extract", "Ocr", "Parse", "Store"]);
    expect(seen).toContain("Ocr");
    expect(seen.at(-1)).toBe("Done");
  }, 180_000);

  /** Runs a CLI command in-process, returning its exit code and what it wrote. */
  async function runCli(run: (argv: string[]) => Promise<number>, argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
    try {
      const code = await run(argv);
      return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }

  it("ingests files through the CLI, never overwriting an original, and prints their statuses", async () => {
    // Prepare: a seed already known (as another key), and other bytes under a name already taken
    const dir = await mkdtemp(join(tmpdir(), "nianbao-cli-"));
    const known = join(dir, "001_4b9b066e761ef3f1.txt");
    await writeFile(known, seedBytes.get("001_4b9b066e761ef3f1")!);
    await drop("incoming/clash.txt", new TextEncoder().encode("an earlier, different upload"));
    const clash = join(dir, "clash.txt");
    await writeFile(clash, seedBytes.get("003_d18ac2812112a4c0")!);

    // Act
    const result = await runCli(runIngest, [dir, "--wait", "--endpoint", stack.apiUrl]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("2/2");
    expect(result.stdout).toMatch(/001_4b9b066e761ef3f1\.txt\s+VALID\s+华龙区教育局\s+2020/);
    expect(result.stdout).toMatch(/clash\.txt\s+VALID\s+杭州市教育局\s+2020/);
    const clashReport = await getJson<ReportBody>(`/reports/${sha256(seedBytes.get("003_d18ac2812112a4c0")!)}`);
    const clashKey = `incoming/clash-${sha256(seedBytes.get("003_d18ac2812112a4c0")!).slice(0, 8)}.txt`;
    expect(clashReport.body.sources.map((s) => s.key)).toContain(clashKey);
    await rm(dir, { recursive: true, force: true });
  });

  it("lists every record through the CLI, with the cells that do not add up", async () => {
    const result = await runCli(runStatus, ["--endpoint", stack.apiUrl]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/西湖区教育局\s+2019\s+2019\s+NEEDS_REVIEW\s+\w+\s+.*表三（七）总计·总计：印 0，应为 19/);
    expect(result.stdout).toMatch(/瑶海区人民政府\s+2019\s+2019\s+NEEDS_REVIEW\s+\w+\s+.*表三（七）总计·总计：印 124，应为 127/);
    // A FAILED row: its id, its file, then the file and the reason.
    expect(result.stdout).toMatch(/FAILED\s+\w+\s+(\S+)\s+\1：\S.*（(UnreadableDocumentError|NotAnnualReportError)）/);
    // Every row names its file (the seeds were dropped as <name>.txt).
    expect(result.stdout).toMatch(/西湖区教育局\s+2019\s+2019\s+NEEDS_REVIEW\s+\w+\s+000_da3b4a7bec10951f\.txt\s/);
    // and the latest notifications from the local SNS log
    const notices = result.stdout.slice(result.stdout.indexOf("latest notifications"));
    expect(notices).toMatch(
      /NEEDS_REVIEW\s+[0-9a-f]{12}\s+(西湖区教育局|瑶海区人民政府) 2019 需要复核，数字不符：.*表三（七）总计·自然人：印 \d+，应为 \d+/,
    );
    expect(notices).toMatch(/FAILED\s+[0-9a-f]{12}\s+s3:\/\/nianbao-ingest\/\S+ 处理失败：\S/);
  });

  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    expect((await getJson("/reports/not-a-hash")).status).toBe(400);
    expect((await getJson(`/reports/${"0".repeat(64)}`)).status).toBe(404);
  });

  it("keeps every record across a restart on the same data folder", async () => {
    // Prepare
    const before = await listReports();

    // Act
    s3.destroy();
    await stack.stop();
    await start();
    await stack.idle();

    // Assess
    const after = await listReports();
    expect(after.map((i) => `${i.id} ${i.status}`).sort()).toEqual(before.map((i) => `${i.id} ${i.status}`).sort());
    expect(stack.reconciled).toBe(0);
  });
});

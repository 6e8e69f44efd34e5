import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Stack } from "aws-cdk-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NianbaoFunction } from "../../lib/constructs/nianbao-function.ts";
import { simplePdf } from "../documents/helpers/pdf.ts";
import { createApp } from "./synth.ts";

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL("./fixtures/read-pdf-handler.ts", import.meta.url));

let workDir: string;
let assetDir: string;

beforeAll(() => {
  // Prepare: bundle the fixture exactly as a PDF-reading step is bundled, then move the asset
  // out of the repository, where no node_modules can be found above it (as in /var/task).
  const app = createApp();
  const stack = new Stack(app, "PdfBundle");
  new NianbaoFunction(stack, "ReadPdf", { step: "read-pdf", entry: FIXTURE, readsPdf: true });
  const assembly = app.synth();
  const template = assembly.getStackByName("PdfBundle").template as { Resources: Record<string, { Type: string; Properties: any }> };
  const fn = Object.values(template.Resources).find((r) => r.Type === "AWS::Lambda::Function");
  const s3Key = String(fn?.Properties.Code.S3Key ?? "");
  if (!s3Key.endsWith(".zip")) throw new Error(`no bundled code in the stack (S3Key ${s3Key})`);
  const bundleDir = join(assembly.directory, `asset.${s3Key.replace(/\.zip$/, "")}`);
  workDir = mkdtempSync(join(tmpdir(), "nianbao-lambda-"));
  assetDir = join(workDir, "task");
  cpSync(bundleDir, assetDir, { recursive: true });
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("a PDF-reading Lambda bundle", () => {
  it("carries pdf.js's worker, CMaps, standard fonts and wasm beside the handler", () => {
    expect(existsSync(join(assetDir, "index.mjs"))).toBe(true);
    expect(existsSync(join(assetDir, "pdf.worker.mjs"))).toBe(true);
    for (const dir of ["cmaps", "standard_fonts", "wasm"]) {
      expect(existsSync(join(assetDir, "node_modules", "pdfjs-dist", dir)), dir).toBe(true);
    }
    expect(existsSync(join(assetDir, "node_modules", "pdfjs-dist", "cmaps", "UniGB-UCS2-H.bcmap"))).toBe(true);
  });

  it("reads a PDF's text layer when run on its own, without the native canvas addon", async () => {
    const pdf = Buffer.from(simplePdf(["Annual report 2020", "second line of text"])).toString("base64");
    const script = `import("./index.mjs").then(async (m) => process.stdout.write(JSON.stringify(await m.handler({ pdfBase64: "${pdf}" }))))`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: assetDir });
    const result = JSON.parse(stdout) as { format: string; pages: number; blocks: Array<{ kind: string; text?: string }> };
    expect(result.format).toBe("pdf");
    expect(result.pages).toBe(1);
    expect(result.blocks.map((b) => b.text)).toEqual(["Annual report 2020", "second line of text"]);
  });
});

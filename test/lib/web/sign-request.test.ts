/**
 * The browser's SigV4 signer as the page loads it: the esbuild bundle (vendor/sigv4.js),
 * imported in node. Checked against AWS's published SigV4 test vectors and against
 * @smithy/signature-v4 with node's own SHA-256 for a request like the page's.
 */
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { signRequest as SignRequest } from "../../../lib/web/sign-request.ts";
import { bundleSigner } from "../../../lib/web/stage-web.ts";

// The credentials and time of AWS's SigV4 test suite (aws-sig-v4-test-suite).
const SUITE_CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const SUITE_DATE = new Date("2015-08-30T12:36:00Z");

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): Uint8Array | string {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

let dir: string;
let bundle: string;
let signRequest: typeof SignRequest;

/** node:crypto's SHA-256 in the shape @smithy/signature-v4 takes (independent of the bundle's). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

beforeAll(async () => {
  // Prepare: the bundle exactly as the web site's deployment builds it.
  dir = mkdtempSync(join(tmpdir(), "nianbao-signer-"));
  const file = join(dir, "sigv4.js");
  bundleSigner(file);
  bundle = readFileSync(file, "utf8");
  ({ signRequest } = (await import(pathToFileURL(file).href)) as { signRequest: typeof SignRequest });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("browser SigV4 signer bundle", () => {
  it("is one self-contained ES module", () => {
    expect(bundle).not.toMatch(/\bimport\s*[^(]/);
    expect(bundle).not.toMatch(/\brequire\(/);
    expect(bundle.length).toBeLessThan(60_000);
  });

  it.each([
    ["get-vanilla", "GET", "https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"],
    ["post-vanilla", "POST", "https://example.amazonaws.com/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"],
    [
      "get-vanilla-query-order-key-case",
      "GET",
      "https://example.amazonaws.com/?Param2=value2&Param1=value1",
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ],
  ])("signs AWS's %s test vector to its published signature", async (_name, method, url, signature) => {
    // Act
    const headers = await signRequest({ method, url }, SUITE_CREDENTIALS, { region: "us-east-1", service: "service", signingDate: SUITE_DATE });
    // Assess
    expect(headers["x-amz-date"]).toBe("20150830T123600Z");
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    );
  });

  it.each([
    ["a GET with a Chinese agency in the path and a query", "GET", "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/agencies/%E8%A5%BF%E6%B9%96%E5%8C%BA/series?year=2021&limit=25", undefined],
    ["a POST /uploads with a JSON body", "POST", "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/uploads", JSON.stringify({ fileName: "报告.pdf", size: 1234 })],
  ])("signs %s as @smithy/signature-v4 does for execute-api", async (_name, method, url, body) => {
    // Prepare
    const credentials = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "c2VjcmV0LWtleS1leGFtcGxl", sessionToken: "FwoGZXIvYXdzEXAMPLE//token=" };
    const signingDate = new Date("2026-11-23T13:20:00Z");
    const headers: Record<string, string> = body ? { "content-type": "application/json", accept: "application/json" } : { accept: "application/json" };
    const parsed = new URL(url);
    const reference = await new SignatureV4({ service: "execute-api", region: "eu-west-1", credentials, sha256: NodeSha256, applyChecksum: false }).sign(
      {
        method,
        protocol: "https:",
        hostname: parsed.hostname,
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        headers: { host: parsed.host, ...headers },
        body,
      },
      { signingDate },
    );
    // Act
    const signed = await signRequest({ method, url, headers, body }, credentials, { region: "eu-west-1", signingDate });
    // Assess
    expect(signed.authorization).toBe(reference.headers.authorization);
    expect(signed.authorization).toContain("SignedHeaders=accept;");
    expect(signed["x-amz-security-token"]).toBe(credentials.sessionToken);
    expect(signed.host).toBe(parsed.host);
  });

  it("signs a different signature when the body changes", async () => {
    const request = { method: "POST", url: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/uploads" };
    const options = { region: "eu-west-1", signingDate: SUITE_DATE };
    const a = await signRequest({ ...request, body: "{}" }, SUITE_CREDENTIALS, options);
    const b = await signRequest({ ...request, body: "{ }" }, SUITE_CREDENTIALS, options);
    expect(a.authorization).not.toBe(b.authorization);
  });
});

/**
 * The web page as the cloud serves it (web/ staged for the deployment, with a config.json),
 * in chromium, against stand-ins on another origin: a fake Cognito hosted UI and token
 * endpoint (checking PKCE), a fake Cognito Identity (GetId, GetCredentialsForIdentity), and
 * an API stand-in that verifies each request's SigV4 signature against the credentials it
 * issued before passing it on, unsigned, to the local stack's API.
 */
import { createHash, createHmac } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageWeb } from "../../lib/web/stage-web.ts";
import { SEEDS_DIR } from "../fixtures/seeds.ts";
import { CHROMIUM } from "../support/chromium.ts";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const REGION = "eu-west-1";
const CLIENT_ID = "webclient123";
const USER_POOL_ID = `${REGION}_TestPool`;
const IDENTITY_POOL_ID = `${REGION}:00000000-0000-0000-0000-000000000000`;
const ISSUED = { accessKeyId: "ASIATESTKEY", secretAccessKey: "dGVzdC1zZWNyZXQta2V5LWZvci1jaHJvbWl1bQ", sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/session+token=" };
const EMAIL = "reader@example.org";

type Seen = { method: string; path: string; verified: boolean; reason?: string };

let local: TestStack;
let siteDir: string;
let site: Server;
let fakes: Server;
let siteOrigin: string;
let fakeOrigin: string;
let browser: BrowserContext;
let page: Page;
let profile: string;
const apiCalls: Seen[] = [];
const authorizeRequests: URLSearchParams[] = [];
const tokenRequests: URLSearchParams[] = [];
const identityCalls: Array<{ target: string; body: Record<string, any> }> = [];
const logouts: URLSearchParams[] = [];
const consoleErrors: string[] = [];
const challenges = new Map<string, string>(); // code -> code_challenge

class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function base64Url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

function idTokenFor(email: string): string {
  return [base64Url('{"alg":"none"}'), base64Url(JSON.stringify({ email, aud: CLIENT_ID })), "sig"].join(".");
}

/** Recomputes the request's signature from its signed headers with the issued credentials. */
async function verifySignature(req: IncomingMessage, url: URL, body: string): Promise<string | undefined> {
  const auth = req.headers.authorization ?? "";
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!match) return `malformed authorization: ${auth}`;
  const [, keyId, day, region, signedHeaders, signature] = match;
  if (keyId !== ISSUED.accessKeyId) return `unknown key ${keyId}`;
  if (region !== REGION) return `region ${region}`;
  if (req.headers["x-amz-security-token"] !== ISSUED.sessionToken) return "missing or wrong session token";
  const date = String(req.headers["x-amz-date"] ?? "");
  if (!date.startsWith(day!)) return `x-amz-date ${date} is not of ${day}`;
  const names = signedHeaders!.split(";");
  for (const required of ["host", "x-amz-date", "x-amz-security-token"]) if (!names.includes(required)) return `${required} not signed`;
  const headers = Object.fromEntries(names.map((n) => [n, String(req.headers[n] ?? "")]));
  const signingDate = new Date(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? [...[query[k]!].flat(), v] : v;
  const expected = await new SignatureV4({ service: "execute-api", region: REGION, credentials: ISSUED, sha256: NodeSha256, applyChecksum: false }).sign(
    { method: req.method!, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: body || undefined },
    { signingDate },
  );
  const expectedSignature = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1];
  return expectedSignature === signature ? undefined : "signature does not match";
}

const CORS = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "Content-Type, Authorization, X-Amz-Date, X-Amz-Security-Token, X-Amz-Target",
};

/** Fake Cognito (hosted UI, token endpoint, identity) and the API stand-in, on one origin. */
async function handleFake(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", fakeOrigin);
  const cors = { ...CORS, "access-control-allow-origin": siteOrigin };
  if (req.method === "OPTIONS") {
    res.writeHead(204, cors).end();
    return;
  }
  const body = await readBody(req);
  const json = (status: number, payload: unknown) =>
    res.writeHead(status, { ...cors, "content-type": "application/json" }).end(JSON.stringify(payload));

  if (url.pathname === "/oauth2/authorize") {
    authorizeRequests.push(url.searchParams);
    const code = `code-${authorizeRequests.length}`;
    challenges.set(code, url.searchParams.get("code_challenge") ?? "");
    const back = new URL(url.searchParams.get("redirect_uri")!);
    back.search = new URLSearchParams({ code, state: url.searchParams.get("state") ?? "" }).toString();
    res.writeHead(302, { location: back.toString() }).end();
  } else if (url.pathname === "/logout") {
    logouts.push(url.searchParams);
    res.writeHead(302, { location: url.searchParams.get("logout_uri")! }).end();
  } else if (url.pathname === "/oauth2/token") {
    const form = new URLSearchParams(body);
    tokenRequests.push(form);
    if (form.get("grant_type") === "refresh_token") {
      if (form.get("refresh_token") !== "refresh" || form.get("client_id") !== CLIENT_ID) json(400, { error: "invalid_grant" });
      else json(200, { id_token: idTokenFor(EMAIL), access_token: "access", expires_in: 3600, token_type: "Bearer" });
      return;
    }
    const challenge = challenges.get(form.get("code") ?? "");
    const verifierHash = base64Url(createHash("sha256").update(form.get("code_verifier") ?? "").digest());
    if (form.get("grant_type") !== "authorization_code" || !challenge || challenge !== verifierHash || form.get("client_id") !== CLIENT_ID) {
      json(400, { error: "invalid_grant" });
      return;
    }
    json(200, { id_token: idTokenFor(EMAIL), access_token: "access", refresh_token: "refresh", expires_in: 3600, token_type: "Bearer" });
  } else if (url.pathname === "/identity/") {
    const target = String(req.headers["x-amz-target"] ?? "");
    const payload = JSON.parse(body) as Record<string, any>;
    identityCalls.push({ target, body: payload });
    const login = payload.Logins?.[`cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`];
    if (typeof login !== "string" || !login.includes(".")) {
      json(400, { __type: "NotAuthorizedException", message: "no login" });
    } else if (target === "AWSCognitoIdentityService.GetId" && payload.IdentityPoolId === IDENTITY_POOL_ID) {
      json(200, { IdentityId: `${REGION}:identity-1` });
    } else if (target === "AWSCognitoIdentityService.GetCredentialsForIdentity" && payload.IdentityId === `${REGION}:identity-1`) {
      json(200, {
        IdentityId: payload.IdentityId,
        Credentials: { AccessKeyId: ISSUED.accessKeyId, SecretKey: ISSUED.secretAccessKey, SessionToken: ISSUED.sessionToken, Expiration: Date.now() / 1000 + 3600 },
      });
    } else {
      json(400, { __type: "InvalidParameterException", message: target });
    }
  } else if (url.pathname.startsWith("/api/v1/")) {
    const reason = await verifySignature(req, url, body);
    const path = url.pathname.slice("/api/v1".length);
    apiCalls.push({ method: req.method!, path, verified: !reason, reason });
    if (reason) {
      json(403, { message: reason });
      return;
    }
    const upstream = await fetch(`${local.stack.apiUrl}${path}${url.search}`, {
      method: req.method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body || undefined,
    });
    res
      .writeHead(upstream.status, { ...cors, "content-type": upstream.headers.get("content-type") ?? "application/json" })
      .end(Buffer.from(await upstream.arrayBuffer()));
  } else {
    json(404, { message: "not found" });
  }
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

/** The staged site, as CloudFront serves the bucket (index.html at the root). */
async function handleSite(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const pathname = new URL(req.url ?? "/", siteOrigin).pathname;
  const file = normalize(join(siteDir, pathname === "/" ? "index.html" : decodeURIComponent(pathname)));
  try {
    if (!file.startsWith(siteDir + sep)) throw new Error("outside");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>, host: string): Promise<[Server, string]> {
  const server = createServer((req, res) => void handler(req, res).catch((e: Error) => res.writeHead(500).end(e.message)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://${host}:${(server.address() as AddressInfo).port}`];
}

describe.skipIf(!CHROMIUM)("web page in the cloud, in chromium", () => {
  beforeAll(async () => {
    local = await startTestStack("nianbao-web-cloud-");
    const seed = await readFile(join(SEEDS_DIR, "001_4b9b066e761ef3f1.txt"));
    await local.s3.send(new PutObjectCommand({ Bucket: local.stack.ingestBucket, Key: "incoming/001.txt", Body: seed }));
    await local.stack.idle();

    // Two origins, as in the cloud: the page (CloudFront) and the API and Cognito elsewhere.
    [site, siteOrigin] = await listen(handleSite, "127.0.0.1");
    [fakes, fakeOrigin] = await listen(handleFake, "localhost");
    siteDir = await mkdtemp(join(tmpdir(), "nianbao-site-"));
    stageWeb(siteDir);
    // The test's own module beside the staged page: the page's api.js for page.evaluate (a dynamic
    // import inside the evaluated function would be rewritten by vitest; a string would be eval).
    await writeFile(join(siteDir, "test-expose-api.js"), 'import * as api from "./api.js";\nglobalThis.nianbaoApi = api;\n');
    await writeFile(
      join(siteDir, "config.json"),
      JSON.stringify({
        apiUrl: `${fakeOrigin}/api/v1/`,
        region: REGION,
        userPoolId: USER_POOL_ID,
        userPoolClientId: CLIENT_ID,
        signInUrl: fakeOrigin,
        identityPoolId: IDENTITY_POOL_ID,
        identityEndpoint: `${fakeOrigin}/identity/`,
      }),
    );

    profile = await mkdtemp(join(tmpdir(), "nianbao-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM!,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    fakes?.close();
    await local?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
    if (siteDir) await rm(siteDir, { recursive: true, force: true });
  });

  it("signs in through the hosted UI with PKCE and comes back to the view it was opened on", async () => {
    // Act
    await page.goto(`${siteOrigin}/#/compare`);
    await page.waitForSelector("#session:not([hidden])");
    // Assess
    const authorize = authorizeRequests[0]!;
    expect(Object.fromEntries(authorize)).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: `${siteOrigin}/`,
      code_challenge_method: "S256",
      scope: "openid email",
    });
    expect(authorize.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenRequests.map((f) => f.get("grant_type"))).toEqual(["authorization_code"]);
    expect(tokenRequests[0]!.get("redirect_uri")).toBe(`${siteOrigin}/`);
    expect(identityCalls.map((c) => c.target)).toEqual(["AWSCognitoIdentityService.GetId", "AWSCognitoIdentityService.GetCredentialsForIdentity"]);
    expect(await page.locator("#session-user").textContent()).toBe(EMAIL);
    expect(new URL(page.url()).search).toBe("");
    expect(new URL(page.url()).hash).toBe("#/compare");
  });

  it("signs every API call, which the stand-in verifies, and shows the stored report", async () => {
    await page.goto(`${siteOrigin}/#/`);
    await page.waitForSelector("#report-table tbody tr[data-id]");
    expect(await page.locator("#report-table tbody tr[data-id]").count()).toBe(1);
    expect(apiCalls.map((c) => c.path)).toEqual(expect.arrayContaining(["/reports", "/stats", "/template"]));
    expect(apiCalls.filter((c) => !c.verified)).toEqual([]);
    // A session in sessionStorage: no second sign-in.
    expect(authorizeRequests).toHaveLength(1);
  });

  it("signs a POST with a JSON body (an upload ticket)", async () => {
    const before = apiCalls.length;
    await page.addScriptTag({ url: `${siteOrigin}/test-expose-api.js`, type: "module" });
    await page.waitForFunction(() => (globalThis as any).nianbaoApi !== undefined);
    // A function, not a string: the page's CSP (script-src 'self') forbids eval.
    const ticket = await page.evaluate(
      (sha256) => (globalThis as any).nianbaoApi.postJson("/uploads", { fileName: "年报.txt", contentType: "text/plain", size: 10, sha256 }),
      "a".repeat(64),
    );
    expect(apiCalls.slice(before)).toEqual([{ method: "POST", path: "/uploads", verified: true, reason: undefined }]);
    expect(ticket).toHaveProperty("statusPath", `/reports/${"a".repeat(64)}`);
  });

  it("renews an expired ID token with the refresh token, without signing in again", async () => {
    // Prepare: the session's tokens expired.
    await page.evaluate(() => {
      const { sessionStorage } = globalThis as any;
      const tokens = JSON.parse(sessionStorage.getItem("nianbao.tokens"));
      sessionStorage.setItem("nianbao.tokens", JSON.stringify({ ...tokens, expiresAt: 0 }));
    });
    const identityBefore = identityCalls.length;
    // Act
    await page.reload();
    await page.waitForSelector("#report-table tbody tr[data-id]");
    // Assess
    expect(tokenRequests.map((f) => f.get("grant_type"))).toEqual(["authorization_code", "refresh_token"]);
    expect(identityCalls.slice(identityBefore).map((c) => c.target)).toEqual([
      "AWSCognitoIdentityService.GetId",
      "AWSCognitoIdentityService.GetCredentialsForIdentity",
    ]);
    expect(authorizeRequests).toHaveLength(1);
    expect(apiCalls.filter((c) => !c.verified)).toEqual([]);
  });

  it("signs out through the hosted UI's logout endpoint", async () => {
    await page.click("#sign-out");
    await page.waitForURL((url) => url.origin === siteOrigin && authorizeRequests.length === 2);
    expect(Object.fromEntries(logouts[0]!)).toEqual({ client_id: CLIENT_ID, logout_uri: `${siteOrigin}/` });
    await page.waitForSelector("#session:not([hidden])");
    expect(consoleErrors).toEqual([]);
  });
});

/**
 * Fuzz: fast-check-generated HTTP requests (methods, paths with escapes and dot segments, query
 * strings, headers, bodies) against the local stack's API server. None may end the server: each
 * gets a status, every 4xx/5xx a JSON message; the server answers an ordinary request afterwards.
 * Bounded: FUZZ_REQUESTS requests (default 400), one at a time, to 127.0.0.1 only.
 */
import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/local-stack.ts";

const COUNT = Number(process.env.FUZZ_REQUESTS ?? 400);
let local: TestStack;

beforeAll(async () => {
  local = await startTestStack("nianbao-fuzz-api-");
}, 120_000);

afterAll(async () => {
  await local?.stop();
});

type Answer = { status: number; body: string };

/** Sends one raw request (no client-side normalisation) and reads the answer; a reset socket is status 0. */
function send(method: string, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const url = new URL(local.stack.apiUrl);
  return new Promise((resolve) => {
    const length = { "content-length": String(Buffer.byteLength(body)) };
    const req = request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, ...length }, timeout: 10_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", () => resolve({ status: 0, body: "" }));
    });
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.on("timeout", () => req.destroy());
    req.end(body);
  });
}

const segment = fc.oneof(
  fc.constantFrom("reports", "agencies", "stats", "export.csv", "uploads", "template", "openapi.json", "web", "_local", "stack", "source", "progress", "series", "compare", "..", ".", "%2e%2e", "%E0%A4%A", "%00", "%", "a".repeat(64), encodeURIComponent("洪泽")),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }),
);
const randomPath = fc.tuple(fc.array(segment, { maxLength: 5 }), fc.option(fc.array(fc.tuple(fc.constantFrom("year", "agency", "status", "limit", "cursor", "q", "region", "edition", "parent", "x"), fc.oneof(fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.integer().map(String), fc.constant("%%"), fc.constant("%E0%A4%A"))), { maxLength: 4 }))).map(
  ([segments, query]) => `/${segments.join("/")}${query ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : ""}`,
);
/** Real routes with generated ids and parameters, so most requests reach a handler. */
const routePath = fc
  .tuple(
    fc.constantFrom("/reports", "/reports/{id}", "/reports/{id}/source", "/reports/{id}/progress", "/reports/{id}/reviews", "/stats", "/export.csv", "/agencies", "/agencies/{id}", "/agencies/{id}/series", "/compare", "/regions", "/template", "/uploads"),
    segment,
    fc.array(fc.tuple(fc.constantFrom("year", "agency", "status", "limit", "cursor", "q", "region", "edition", "parent", "agencies", "reports", "parserVersion"), fc.oneof(fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.integer({ min: -5, max: 3000 }).map(String), fc.constant("%%"), fc.base64String({ maxLength: 60 }).map(encodeURIComponent))), { maxLength: 4 }),
  )
  .map(([route, id, query]) => `${route.replace("{id}", id)}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : ""}`);
const path = fc.oneof({ arbitrary: routePath, weight: 3 }, { arbitrary: randomPath, weight: 1 });
const method = fc.oneof({ arbitrary: fc.constant("GET"), weight: 4 }, { arbitrary: fc.constantFrom("POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"), weight: 1 });
const headers = fc.dictionary(fc.constantFrom("content-type", "origin", "accept", "x-forwarded-for", "cookie", "authorization"), fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")), { maxKeys: 3 });
const body = fc.oneof(fc.constant(""), fc.json(), fc.string({ maxLength: 200 }), fc.constant('{"fileName":"${filename}","sha256":"' + "a".repeat(64) + '","size":1}'));

describe("API server under generated requests", () => {
  it(`answers ${COUNT} generated requests with a status each and keeps serving`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, async (m, p, h, b) => {
        const answer = await send(m, p, h, m === "GET" || m === "HEAD" ? "" : b);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status, `${m} ${p}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${m} ${p}`).not.toBe(502);
        // A refusal carries its reason: JSON from the API, a plain line from the web files' server.
        if (answer.status >= 400 && m !== "HEAD" && m !== "OPTIONS" && !p.startsWith("/web/")) expect(() => JSON.parse(answer.body), `${m} ${p}: ${answer.body.slice(0, 80)}`).not.toThrow();
        if (answer.status >= 400 && m !== "HEAD" && m !== "OPTIONS") expect(answer.body.length, `${m} ${p}`).toBeGreaterThan(0);
      }),
      { numRuns: COUNT, seed: 20261201 },
    );
    console.log(`fuzz: ${COUNT} requests sent; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect((await fetch(`${local.stack.apiUrl}/template`)).status).toBe(200);
  }, 300_000);
});

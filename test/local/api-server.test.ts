/**
 * The local API Gateway refuses what would have ended the process: malformed escapes and
 * request lines, oversized bodies; its local-only routes answer only on loopback.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_DISCOVERY_PATH, MAX_BODY_BYTES, startLocalApi, type LocalApi } from "../../local/api-server.ts";

let api: LocalApi;
const seen: string[] = [];

beforeAll(async () => {
  // Prepare: a handler that echoes the path it was given.
  api = await startLocalApi(
    async (event: { path: string; body: string | null }) => {
      seen.push(event.path);
      return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ path: event.path, length: event.body?.length ?? 0 }) };
    },
    0,
    { s3Endpoint: "http://127.0.0.1:1" },
  );
});

afterAll(async () => {
  await api?.stop();
});

/** Sends raw bytes and returns the status line of the answer. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(api.port, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("end", () => resolve(answer.split("\r\n")[0] ?? ""));
    socket.on("error", reject);
    setTimeout(() => socket.end(), 2000);
  });
}

describe("local web page", () => {
  it("answers the page's request for its cloud config with one that names no API (no sign-in), not a 404", async () => {
    const res = await fetch(`${api.url}/web/config.json`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as Record<string, unknown>;
    expect(config.apiUrl).toBeUndefined();
  });
});

describe("local API server under bad requests", () => {
  it("answers 400 to a malformed percent-escape in a web path and an API path, and keeps serving", async () => {
    expect((await fetch(`${api.url}/web/%E0%A4%A`)).status).toBe(404);
    const res = await fetch(`${api.url}/reports/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/percent-escape/);
    expect((await fetch(`${api.url}/reports/abc`)).status).toBe(200);
  });

  it("answers 400 to a request line whose target is not a URL, and keeps serving", async () => {
    expect(await raw("GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw("NOT A REQUEST\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${api.url}/reports`)).status).toBe(200);
  });

  it("refuses a body over the limit with 413 before reading it, and keeps serving", async () => {
    // A declared 600 MB body: refused on its header, nothing buffered.
    expect(await raw(`POST /uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${600 * 1024 * 1024}\r\n\r\n{`)).toMatch(/^HTTP\/1\.1 413/);
    // A chunked body that grows past the limit: refused as it crosses it.
    const big = await fetch(`${api.url}/uploads`, { method: "POST", body: new Uint8Array(MAX_BODY_BYTES + 1) });
    expect(big.status).toBe(413);
    const small = await fetch(`${api.url}/uploads`, { method: "POST", body: "x".repeat(1000) });
    expect(await small.json()).toEqual({ path: "/uploads", length: 1000 });
  });

  it("answers its local-only routes on loopback with a loopback Host only", async () => {
    expect((await fetch(`${api.url}${LOCAL_DISCOVERY_PATH}`)).status).toBe(200);
    const rebound = await raw(`GET ${LOCAL_DISCOVERY_PATH} HTTP/1.1\r\nHost: evil.example:${api.port}\r\nConnection: close\r\n\r\n`);
    expect(rebound).toMatch(/^HTTP\/1\.1 403/);
    expect(seen).not.toContain(LOCAL_DISCOVERY_PATH);
  });
});

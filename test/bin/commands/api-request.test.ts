/**
 * The CLI's requests to the API (bin/commands/api-request.ts): unsigned on the loopback, SigV4
 * for a deployed API (its region read from the execute-api host name, .cn included), and the
 * signature computed over the very method, path and body that reach the server.
 */
import { createServer, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiRequester, regionOf, signingFor } from "../../../bin/commands/api-request.ts";
import { signRequest } from "../../../lib/web/sign-request.ts";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
let received: { req: IncomingMessage; body: string } | undefined;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    received = { req, body };
    res.writeHead(202, { "content-type": "application/json" }).end("{}");
  });
});
let endpoint: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("API requests from the CLI", () => {
  it("the loopback is not signed; a deployed API is, in its region", () => {
    expect(signingFor("http://127.0.0.1:3000")).toBeUndefined();
    expect(signingFor("http://localhost:3000")).toBeUndefined();
    expect(regionOf("https://a1b2c3.execute-api.eu-west-1.amazonaws.com/v1")).toBe("eu-west-1");
    expect(regionOf("https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn/v1")).toBe("cn-north-1");
    expect(signingFor("https://a1b2c3.execute-api.cn-northwest-1.amazonaws.com.cn/v1")?.region).toBe("cn-northwest-1");
  });

  it("a signed POST carries the SigV4 of what was sent", async () => {
    const api = createApiRequester(endpoint, { region: "eu-west-1", credentials: async () => credentials });
    const res = await api.request("POST", "/exports", { format: "csv", filters: { year: 2021 } });
    expect(res.status).toBe(202);
    const { req, body } = received!;
    const authorization = String(req.headers.authorization);
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z;-]*host[a-z;-]*, Signature=[0-9a-f]{64}$/);
    // Signed again from what the server received, at the time the request says: the same signature.
    const date = String(req.headers["x-amz-date"]).replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z");
    const again = await signRequest(
      { method: req.method!, url: `${endpoint}${req.url}`, headers: { "content-type": String(req.headers["content-type"]) }, body },
      credentials,
      { region: "eu-west-1", signingDate: new Date(date) },
    );
    expect(again.authorization).toBe(authorization);
    expect(JSON.parse(body)).toEqual({ format: "csv", filters: { year: 2021 } });
  });

  it("an unsigned GET sends no authorization", async () => {
    await createApiRequester(endpoint).request("GET", "/exports/x");
    expect(received!.req.headers.authorization).toBeUndefined();
  });
});

/**
 * The local API Gateway: a node:http server that turns each request into a REST API
 * proxy event for the api handler and writes back its response.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { NianbaoError } from "../functions/shared/errors.ts";
import type { LambdaHandler } from "./step-functions.ts";
import { serveWeb } from "./web.ts";

/** The API port is taken (another `nianbao up`, most likely). */
export class PortInUseError extends NianbaoError {
  constructor(port: number, options?: ErrorOptions) {
    super(`port ${port} is already in use (another \`nianbao up\`?): choose another with --port N`, options);
    this.name = "PortInUseError";
  }
}

export type LocalApi = { url: string; port: number; stop: () => Promise<void> };

function firstValues(params: URLSearchParams) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of params) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

/** The REST API (v1) proxy event API Gateway would send for this request. */
export function toProxyEvent(req: IncomingMessage, body: string): APIGatewayProxyEvent {
  const url = new URL(req.url ?? "/", "http://localhost");
  const { single, multi } = firstValues(url.searchParams);
  const headers: Record<string, string> = {};
  const multiHeaders: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[key] = values.join(",");
    multiHeaders[key] = values;
  }
  const hasQuery = Object.keys(single).length > 0;
  return {
    resource: "/{proxy+}",
    path: decodeURIComponent(url.pathname),
    httpMethod: req.method ?? "GET",
    headers,
    multiValueHeaders: multiHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: { proxy: url.pathname.replace(/^\//, "") },
    stageVariables: null,
    body: body || null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      protocol: "HTTP/1.1",
      httpMethod: req.method ?? "GET",
      identity: { sourceIp: req.socket.remoteAddress ?? "127.0.0.1" } as APIGatewayProxyEvent["requestContext"]["identity"],
      path: url.pathname,
      stage: "local",
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: "/{proxy+}",
    },
  };
}

/** Path of the local-only route that tells the CLI where the stand-ins listen. */
export const LOCAL_DISCOVERY_PATH = "/_local/stack";

/**
 * Serves `handler` on `port` (0: any free port) at 127.0.0.1. `discovery` is served at
 * `LOCAL_DISCOVERY_PATH` by this server itself (it is not part of the cloud API).
 */
export async function startLocalApi(
  handler: LambdaHandler,
  port: number,
  discovery: Record<string, unknown> = {},
  host = "127.0.0.1",
): Promise<LocalApi> {
  const server: Server = createServer((req, res) => {
    // The web page (web/) shares this origin with the API.
    if (serveWeb(req, res)) return;
    if (req.method === "GET" && req.url === LOCAL_DISCOVERY_PATH) {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(discovery));
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      void (async () => {
        try {
          const result = (await handler(toProxyEvent(req, body), {} as never)) as APIGatewayProxyResult;
          res.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) });
          res.end(result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
        } catch (error) {
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: "handler failed", error: (error as Error).message }));
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, { cause: error }) : error),
    );
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${actual}`,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

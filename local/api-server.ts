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

/** API Gateway's own limit on a request payload (10 MB); larger bodies are refused with 413. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A request the local API Gateway refuses before the handler sees it (API Gateway would too). */
export class BadRequestError extends NianbaoError {
  constructor(
    readonly statusCode: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = "BadRequestError";
  }
}

/** The path with its percent-escapes decoded, as API Gateway passes it; a malformed escape is a 400. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new BadRequestError(400, `malformed percent-escape in the path: ${pathname.slice(0, 200)}`);
  }
}

/** The REST API (v1) proxy event API Gateway would send for this request. */
export function toProxyEvent(req: IncomingMessage, body: string): APIGatewayProxyEvent {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "http://localhost");
  } catch {
    throw new BadRequestError(400, `the request target is not a URL: ${String(req.url).slice(0, 200)}`);
  }
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
    path: decodePath(url.pathname),
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

/**
 * Whether a request came over loopback and names a loopback host: a page elsewhere that
 * rebinds its DNS name to 127.0.0.1 still sends its own Host, and is refused.
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  const remote = req.socket.remoteAddress ?? "";
  const host = (req.headers.host ?? "").replace(/:\d+$/, "");
  const loopbackRemote = remote.startsWith("127.") || remote === "::1" || remote === "::ffff:127.0.0.1";
  return loopbackRemote && ["127.0.0.1", "localhost", "[::1]"].includes(host);
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
    if (req.url?.startsWith("/_local/") && !isLoopbackRequest(req)) {
      res.writeHead(403, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: "local routes answer only on the loopback interface" }));
      return;
    }
    if (req.method === "GET" && req.url === LOCAL_DISCOVERY_PATH) {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(discovery));
      return;
    }
    const refuse = (error: BadRequestError) => {
      if (res.headersSent) return;
      res.writeHead(error.statusCode, { "content-type": "application/json; charset=utf-8", connection: "close" });
      res.end(JSON.stringify({ message: error.message }));
    };
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      // Refused before a byte of it is read; the connection closes so the rest is never buffered.
      refuse(new BadRequestError(413, `request body of ${declared} bytes is over the limit of ${MAX_BODY_BYTES}`));
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        refuse(new BadRequestError(413, `request body over the limit of ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => undefined); // a client that hangs up mid-body ends only its own request
    req.on("end", () => {
      void (async () => {
        try {
          const event = toProxyEvent(req, Buffer.concat(chunks).toString("utf8"));
          const result = (await handler(event, {} as never)) as APIGatewayProxyResult;
          res.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined) });
          res.end(result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
        } catch (error) {
          if (error instanceof BadRequestError) return refuse(error);
          if (res.headersSent) return;
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: "handler failed", error: (error as Error).message }));
        }
      })();
    });
  });
  // A malformed request line or header never reaches the handler: node answers 400 itself.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify({ message: `malformed request (${error.code ?? "parse error"})` });
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
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

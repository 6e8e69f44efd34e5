/**
 * CORS limited to the web page's origin (`WEB_ORIGIN`): a response carries
 * `Access-Control-Allow-Origin` only when the request's Origin is that origin, so other
 * sites' scripts cannot read it. Preflight `OPTIONS` is answered here for the local server
 * (in the cloud API Gateway answers it with the same origin, see lib/constructs/records-api.ts).
 */
import type { MiddlewareObj, Request } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

export const CORS_ALLOWED = {
  METHODS: "GET, POST, OPTIONS",
  HEADERS: "Content-Type, Authorization, X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-Sha256",
  MAX_AGE: "3600",
} as const;

function requestOrigin(event: APIGatewayProxyEvent): string | undefined {
  const headers = event.headers ?? {};
  return headers.origin ?? headers.Origin ?? undefined;
}

export type CorsOptions = {
  /** The web page's origin (`WEB_ORIGIN`, ../config.ts), asked per request; undefined: no origin may read. */
  webOrigin: () => string | undefined;
};

function allowedOrigin(event: APIGatewayProxyEvent, options: CorsOptions): string | undefined {
  const origin = requestOrigin(event);
  const allowed = options.webOrigin();
  return origin !== undefined && allowed !== undefined && origin === allowed ? origin : undefined;
}

function addCorsHeaders(request: Request<APIGatewayProxyEvent, APIGatewayProxyResult>, options: CorsOptions): void {
  const response = request.response;
  if (!response) return;
  const headers = { ...(response.headers ?? {}) } as Record<string, string | number | boolean>;
  headers.vary = "Origin";
  const origin = allowedOrigin(request.event, options);
  if (origin) headers["access-control-allow-origin"] = origin;
  response.headers = headers;
}

/**
 * @example
 * middy(handler).use(cors({ webOrigin: () => apiConfig.WEB_ORIGIN }));
 */
export function cors(options: CorsOptions): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: function corsBefore(request) {
      if (request.event.httpMethod !== "OPTIONS") return;
      const origin = allowedOrigin(request.event, options);
      return {
        statusCode: origin ? 204 : 403,
        headers: origin
          ? {
              "access-control-allow-origin": origin,
              "access-control-allow-methods": CORS_ALLOWED.METHODS,
              "access-control-allow-headers": CORS_ALLOWED.HEADERS,
              "access-control-max-age": CORS_ALLOWED.MAX_AGE,
              vary: "Origin",
            }
          : { vary: "Origin" },
        body: "",
      };
    },
    after: function corsAfter(request) {
      addCorsHeaders(request, options);
    },
    onError: function corsOnError(request) {
      addCorsHeaders(request, options);
    },
  };
}

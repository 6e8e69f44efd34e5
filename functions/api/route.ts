/**
 * A small router for API Gateway REST proxy events: each route names its method, path
 * template (`/reports/{id}`), the zod schemas of its path, query and body, its responses
 * (for the OpenAPI document) and a handler that receives the parsed input.
 *
 * Matching and validation run in the `validateRequest` middleware; the handler built by
 * `createApiHandler` (./router.ts) only dispatches to the matched route.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { z } from "zod";
import type { ApiDeps } from "./deps.ts";

export type HttpMethod = "GET" | "POST";

export type RouteResponse = {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
};

export type RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  event: APIGatewayProxyEvent;
};

export type Route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> = {
  method: HttpMethod;
  /** Path template with `{name}` segments, e.g. `/reports/{id}/source`. */
  path: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, RouteResponse>;
  /** Answers the request; `deps` are the API handler's (records, query, S3, settings). */
  handle(input: RouteInput<P, Q, B>, deps: ApiDeps): Promise<APIGatewayProxyResult>;
};

/** Declares a route with its input types inferred from its schemas. */
export function defineRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(route: Route<P, Q, B>): Route {
  return route as unknown as Route;
}

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

/** A path template as a regular expression with one named group per `{name}`. */
export function compilePath(template: string): RegExp {
  const pattern = template
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      return param ? `(?<${param[1]}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return new RegExp(`^${pattern}$`);
}

/** Where `validateRequest` leaves the matched route and its parsed input on the event. */
export const MATCHED = Symbol.for("nianbao.api.matched");

export type MatchedRoute = { route: Route; input: { params: unknown; query: unknown; body: unknown } };

/**
 * Finds the route of a request and parses its path, query and body with the route's zod
 * schemas: an unknown path is 404, a wrong method 405, and any rejected input 400 with a
 * message that names the parameter (`year: expected a year such as 2021`).
 */
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { z } from "zod";
import { HttpError } from "../errors.ts";
import { compilePath, MATCHED, type MatchedRoute, type Route } from "../route.ts";

function describeIssue(where: string, issue: z.core.$ZodIssue): { parameter: string; message: string } {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys;
    // A schema's own message (the export request's Chinese one) over the generic one.
    if (!/^Unrecognized key/.test(issue.message)) return { parameter: [...issue.path.map(String), keys[0] ?? where].join("."), message: issue.message };
    return { parameter: keys[0] ?? where, message: `unknown ${where} parameter${keys.length > 1 ? "s" : ""} ${keys.map((k) => `'${k}'`).join(", ")}` };
  }
  const parameter = issue.path.length ? issue.path.map(String).join(".") : where;
  return { parameter, message: `${parameter}: ${issue.message}` };
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => describeIssue(where, i));
  throw new HttpError(400, `invalid ${where}: ${issues.map((i) => i.message).join("; ")}`, {
    parameter: issues[0]?.parameter ?? where,
    cause: parsed.error,
  });
}

function readBody(event: APIGatewayProxyEvent): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "body: expected a JSON document", { parameter: "body", cause: error });
  }
}

/**
 * @example
 * middy(handler).use(validateRequest(ROUTES));
 */
export function validateRequest(routes: readonly Route[]): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const compiled = routes.map((route) => ({ route, pattern: compilePath(route.path) }));
  return {
    before: function validateRequestBefore(request) {
      const event = request.event;
      const path = (event.path ?? "/").replace(/\/+$/, "") || "/";
      const candidates = compiled
        .map(({ route, pattern }) => ({ route, match: pattern.exec(path) }))
        .filter((c) => c.match !== null);
      if (candidates.length === 0) throw new HttpError(404, `no route for ${path}`);
      const hit = candidates.find((c) => c.route.method === event.httpMethod);
      if (!hit) {
        const allowed = [...new Set(candidates.map((c) => c.route.method))].join(", ");
        throw new HttpError(405, `${event.httpMethod} is not allowed on ${path} (allowed: ${allowed})`, {
          headers: { allow: allowed },
        });
      }
      const rawParams: Record<string, string> = {};
      for (const [name, value] of Object.entries(hit.match!.groups ?? {})) {
        try {
          rawParams[name] = decodeURIComponent(value);
        } catch {
          rawParams[name] = value;
        }
      }
      const query = Object.fromEntries(
        Object.entries(event.queryStringParameters ?? {}).filter(([, v]) => v !== undefined && v !== ""),
      );
      const matched = {
        route: hit.route,
        input: {
          params: parseWith(hit.route.params, rawParams, "path"),
          query: parseWith(hit.route.query, query, "query"),
          body: hit.route.body ? parseWith(hit.route.body, readBody(event) ?? {}, "body") : undefined,
        },
      };
      (event as APIGatewayProxyEvent & { [MATCHED]?: MatchedRoute })[MATCHED] = matched;
    },
  };
}

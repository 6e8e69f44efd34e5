/**
 * Finds the route of a request and parses its path, query and body with the route's zod
 * schemas: an unknown path is 404, a wrong method 405, and any rejected input 400 with a
 * Chinese message that names the parameter (`查询参数有误：year: 应为年份，如 2021 (expected a year
 * such as 2021)`) and an English `code` for programs (`invalid_query`).
 */
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { z } from "zod";
import zhCN from "zod/v4/locales/zh-CN.js";
import { HttpError } from "../errors.ts";
import { compilePath, MATCHED, type MatchedRoute, type Route } from "../route.ts";

/** What each part of a request is called in a message. */
const PART_NAMES: Record<string, string> = { path: "路径参数", query: "查询参数", body: "请求体" };
/** zod's own messages in Chinese (a schema's own message, Chinese already, comes first). */
const CHINESE_ISSUES = { error: zhCN().localeError };

function describeIssue(where: string, issue: z.core.$ZodIssue): { parameter: string; message: string } {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys;
    // A schema's own message (the export request's Chinese one) over the generic one.
    if (!/^(?:Unrecognized key|出现未知的键)/.test(issue.message)) return { parameter: [...issue.path.map(String), keys[0] ?? where].join("."), message: issue.message };
    return { parameter: keys[0] ?? where, message: `未知的${PART_NAMES[where] ?? where}：${keys.map((k) => `'${k}'`).join("、")}` };
  }
  const parameter = issue.path.length ? issue.path.map(String).join(".") : where;
  return { parameter, message: `${parameter}: ${issue.message}` };
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value, CHINESE_ISSUES);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => describeIssue(where, i));
  throw new HttpError(400, `${PART_NAMES[where] ?? where}有误：${issues.map((i) => i.message).join("；")}`, {
    parameter: issues[0]?.parameter ?? where,
    code: `invalid_${where}`,
    cause: parsed.error,
  });
}

function readBody(event: APIGatewayProxyEvent): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "请求体应为 JSON 文档 (body: expected a JSON document)", { parameter: "body", code: "invalid_body", cause: error });
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
      if (candidates.length === 0) throw new HttpError(404, `没有路径 ${path} (no route for ${path})`, { code: "no_route" });
      const hit = candidates.find((c) => c.route.method === event.httpMethod);
      if (!hit) {
        const allowed = [...new Set(candidates.map((c) => c.route.method))].join(", ");
        throw new HttpError(405, `路径 ${path} 不接受 ${event.httpMethod} 请求，可用：${allowed}`, {
          headers: { allow: allowed },
          code: "method_not_allowed",
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

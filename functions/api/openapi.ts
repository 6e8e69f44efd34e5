/**
 * The OpenAPI 3.1 document of the API, generated from the routes' own zod schemas
 * (`z.toJSONSchema`), so what is documented is what is validated.
 */
import * as z from "zod";
import type { Route } from "./route.ts";

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
};

function parametersOf(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = toSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || (required.has(name) && !("default" in property)),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * @example
 * const doc = buildOpenApiDocument(ROUTES, { title: "nianbao", version: "1.0.0" });
 */
export function buildOpenApiDocument(routes: readonly Route[], info: { title: string; version: string; description?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      parameters: [...parametersOf(route.params, "path"), ...parametersOf(route.query, "query")],
      ...(route.body
        ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(route.body) } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema || response.contentType
              ? {
                  content: {
                    [response.contentType ?? "application/json"]: response.schema
                      ? { schema: toSchema(response.schema) }
                      : { schema: { type: "string" } },
                  },
                }
              : {}),
          },
        ]),
      ),
      security: [{ sigv4: [] }],
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      securitySchemes: {
        sigv4: {
          type: "apiKey",
          name: "Authorization",
          in: "header",
          description: "In the cloud every route is AWS_IAM-authorised: sign requests with SigV4 (service execute-api). The local server needs no signature.",
        },
      },
    },
  };
}

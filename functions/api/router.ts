/**
 * The API's middy chain: request log, CORS, JSON errors, route matching with zod
 * validation, then the matched route's handler.
 */
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { cors } from "./middleware/cors.ts";
import { errorHandler } from "./middleware/error-handler.ts";
import { requestLogger } from "./middleware/request-logger.ts";
import { validateRequest } from "./middleware/validate-request.ts";
import type { ApiDeps } from "./deps.ts";
import { MATCHED, type MatchedRoute, type Route } from "./route.ts";

/**
 * The middy handler that serves `routes` over `deps` (built once per container by ./handler.ts;
 * the local stack and tests pass their own).
 *
 * @example
 * export const handler = createApiHandler(ROUTES, once(() => buildApiDeps(readConfig(), readApiConfig())));
 */
export function createApiHandler(routes: readonly Route[], deps: () => ApiDeps) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestLogger())
    .use(cors({ webOrigin: () => deps().config.WEB_ORIGIN }))
    .use(errorHandler())
    .use(validateRequest(routes))
    .handler(async function apiHandler(event) {
      const matched = (event as APIGatewayProxyEvent & { [MATCHED]?: MatchedRoute })[MATCHED];
      if (!matched) throw new Error("validateRequest did not run");
      return matched.route.handle({ ...matched.input, event }, deps());
    });
}


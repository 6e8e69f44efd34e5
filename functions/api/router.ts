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
import { MATCHED, type MatchedRoute, type Route } from "./route.ts";

/**
 * The middy handler that serves `routes`.
 *
 * @example
 * export const handler = createApiHandler(ROUTES);
 */
export function createApiHandler(routes: readonly Route[]) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(requestLogger())
    .use(cors())
    .use(errorHandler())
    .use(validateRequest(routes))
    .handler(async (event) => {
      const matched = (event as APIGatewayProxyEvent & { [MATCHED]?: MatchedRoute })[MATCHED];
      if (!matched) throw new Error("validateRequest did not run");
      return matched.route.handle({ ...matched.input, event });
    });
}


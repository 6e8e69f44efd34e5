/**
 * Turns errors into JSON responses: an `HttpError` keeps its status and message (plus the
 * rejected `parameter`); a transient dependency error is 503; anything else is logged and
 * answered with a generic 500, so no internal detail reaches the client.
 */
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { logger } from "../../shared/logger.ts";
import { InvalidCursorError, TransientError } from "../../shared/errors.ts";
import { HttpError } from "../errors.ts";
import { json } from "../route.ts";

/**
 * @example
 * middy(handler).use(errorHandler());
 */
export function errorHandler(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: function errorHandlerOnError(request) {
      const error = request.error;
      if (error instanceof HttpError) {
        request.response = json(
          error.statusCode,
          { message: error.message, ...(error.parameter !== undefined ? { parameter: error.parameter } : {}) },
          error.headers,
        );
        return;
      }
      if (error instanceof InvalidCursorError) {
        request.response = json(400, { message: error.message, parameter: "cursor" });
        return;
      }
      if (error instanceof TransientError) {
        logger.warn("dependency busy", { error });
        request.response = json(503, { message: "the service is busy, try again shortly" }, { "retry-after": "2" });
        return;
      }
      logger.error("request failed", { error: error as Error, path: request.event?.path });
      request.response = json(500, { message: "internal error" });
    },
  };
}

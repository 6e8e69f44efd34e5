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
          { message: error.message, ...(error.parameter !== undefined ? { parameter: error.parameter } : {}), ...(error.code !== undefined ? { code: error.code } : {}) },
          error.headers,
        );
        return;
      }
      if (error instanceof InvalidCursorError) {
        request.response = json(400, { message: `分页游标 cursor 无效：应为此查询上一页返回的 nextCursor (${error.message})`, parameter: "cursor", code: "invalid_cursor" });
        return;
      }
      if (error instanceof TransientError) {
        logger.warn("dependency busy", { error });
        request.response = json(503, { message: "服务繁忙，请稍后再试 (the service is busy, try again shortly)", code: "busy" }, { "retry-after": "2" });
        return;
      }
      logger.error("request failed", { error: error as Error, path: request.event?.path });
      request.response = json(500, { message: "服务内部出错 (internal error)", code: "internal" });
    },
  };
}

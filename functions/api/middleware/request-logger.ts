/**
 * One structured log line per request (powertools logger): method, path, status and
 * duration, with the API Gateway request id as correlation id.
 */
import type { MiddlewareObj, Request } from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { logger } from "../../shared/logger.ts";

const started = new WeakMap<object, number>();

function logRequest(request: Request<APIGatewayProxyEvent, APIGatewayProxyResult>): void {
  const start = started.get(request) ?? performance.now();
  logger.info("request", {
    step: "api",
    method: request.event.httpMethod,
    path: request.event.path,
    status: request.response?.statusCode,
    durationMs: Math.round((performance.now() - start) * 10) / 10,
    requestId: request.event.requestContext?.requestId,
  });
}

/**
 * @example
 * middy(handler).use(requestLogger());
 */
export function requestLogger(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: function requestLoggerBefore(request) {
      started.set(request, performance.now());
    },
    after: logRequest,
    onError: logRequest,
  };
}

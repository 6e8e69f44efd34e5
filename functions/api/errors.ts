/** Errors the API answers with a status and a message (never a stack trace). */
import { NianbaoError } from "../shared/errors.ts";

/** A request the API refuses: `statusCode` 400–499, `parameter` names the rejected input. */
export class HttpError extends NianbaoError {
  readonly statusCode: number;
  readonly parameter?: string;
  readonly headers?: Record<string, string>;
  /** A stable English code for programs (`invalid_query`), beside the Chinese message people read. */
  readonly code?: string;

  constructor(
    statusCode: number,
    message: string,
    options?: ErrorOptions & { parameter?: string; headers?: Record<string, string>; code?: string },
  ) {
    super(message, options);
    this.name = "HttpError";
    this.statusCode = statusCode;
    if (options?.parameter !== undefined) this.parameter = options.parameter;
    if (options?.headers !== undefined) this.headers = options.headers;
    if (options?.code !== undefined) this.code = options.code;
  }
}

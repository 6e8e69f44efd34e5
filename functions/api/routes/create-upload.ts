/**
 * `POST /uploads`: a presigned POST that lets a browser drop one report into the ingest
 * bucket. The key is `<UPLOAD_PREFIX><sha256>/<file name>`, fixed by the policy together
 * with the size range; the record's id is the SHA-256 of the bytes, so the page can poll
 * `GET /reports/{sha256}` until the record appears.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, UploadRequest, UploadTicket } from "../schemas.ts";

/**
 * A file name without folders or control characters, kept readable (Chinese stays). `${…}` is
 * taken apart: a key ending in `${filename}` would turn the policy's exact key into `starts-with`.
 */
export function toSafeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, "").replace(/\$\{/g, "_{").trim();
  return (cleaned || "report").slice(0, 200);
}

/** Who is uploading: the signed-in Cognito identity or IAM caller, else the client address. */
export function callerOf(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext?.identity;
  return identity?.cognitoIdentityId ?? identity?.userArn ?? identity?.caller ?? `ip:${identity?.sourceIp ?? "unknown"}`;
}

export const createUploadRoute = defineRoute({
  method: "POST",
  path: "/uploads",
  summary: "A presigned POST for uploading one report",
  body: UploadRequest,
  responses: {
    201: { description: "POST `fields` and then `file` as multipart/form-data to `url`", schema: UploadTicket },
    400: { description: "A rejected field", schema: ErrorBody },
    413: { description: "Larger than UPLOAD_MAX_BYTES", schema: ErrorBody },
    429: { description: "Over UPLOADS_PER_HOUR for this caller", schema: ErrorBody },
  },
  async handle({ body, event }, deps) {
    const config = deps.config;
    if (!config.INGEST_BUCKET) throw new Error("INGEST_BUCKET is not set");
    if (body.size > config.UPLOAD_MAX_BYTES) {
      throw new HttpError(413, `size: at most ${config.UPLOAD_MAX_BYTES} bytes can be uploaded`, { parameter: "size" });
    }
    if (!(await deps.quota.take(callerOf(event), config.UPLOADS_PER_HOUR))) {
      throw new HttpError(429, `已达每小时上传上限（${config.UPLOADS_PER_HOUR} 份），请稍后再试 (at most ${config.UPLOADS_PER_HOUR} uploads an hour per user)`, {
        headers: { "retry-after": String(3600 - (Math.floor(Date.now() / 1000) % 3600)) },
      });
    }
    const key = `${config.UPLOAD_PREFIX}${body.sha256}/${toSafeFileName(body.fileName)}`;
    const contentType = body.contentType || "application/octet-stream";
    const post = await createPresignedPost(deps.s3, {
      Bucket: config.INGEST_BUCKET,
      Key: key,
      Conditions: [
        // The exact key (the SDK adds it too; stated so the policy never widens to a prefix).
        ["eq", "$key", key],
        ["content-length-range", 1, config.UPLOAD_MAX_BYTES],
        ["eq", "$Content-Type", contentType],
      ],
      Fields: { "Content-Type": contentType },
      Expires: config.PRESIGN_TTL_SECONDS,
    });
    return json(201, {
      reportId: body.sha256,
      url: post.url,
      fields: post.fields,
      key,
      maxBytes: config.UPLOAD_MAX_BYTES,
      expiresAt: new Date(Date.now() + config.PRESIGN_TTL_SECONDS * 1000).toISOString(),
      statusPath: `/reports/${body.sha256}`,
      progressPath: `/reports/${body.sha256}/progress`,
    });
  },
});

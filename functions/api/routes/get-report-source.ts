/** `GET /reports/{id}/source`: a short-lived presigned GET URL of the original. */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { RecordStore } from "../../adapters/record-store.ts";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, ReportPathParams, SourceLink } from "../schemas.ts";
import { CONTENT_KIND, detectContentKind, type ContentKind } from "../../documents/detect.ts";

/**
 * The type an original is served as, from what the reader detects in its bytes, never from
 * the uploader's claim: markup is served as plain text, so no original's script ever runs.
 */
const SERVED_TYPE: Partial<Record<ContentKind, string>> = {
  [CONTENT_KIND.PDF]: "application/pdf",
  [CONTENT_KIND.ZIP]: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  [CONTENT_KIND.PNG]: "image/png",
  [CONTENT_KIND.JPEG]: "image/jpeg",
  [CONTENT_KIND.TIFF]: "image/tiff",
  [CONTENT_KIND.HTML]: "text/plain; charset=utf-8",
  [CONTENT_KIND.TEXT]: "text/plain; charset=utf-8",
};

/** The headers a presigned GET of an original answers with: detected type, always a download. */
export function servedHeaders(head: Uint8Array, key: string): { ResponseContentType: string; ResponseContentDisposition: string } {
  const fileName = key.split("/").pop() || "original";
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return {
    ResponseContentType: SERVED_TYPE[detectContentKind(head)] ?? "application/octet-stream",
    ResponseContentDisposition: `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  };
}

/** The original of a report (its first source object), or a 404 naming what is missing. */
export async function firstSource(records: RecordStore, id: string): Promise<{ bucket: string; key: string }> {
  const report = await records.get(id);
  if (!report) throw new HttpError(404, `no report ${id}`, { parameter: "id" });
  const source = report.sources[0];
  if (!source) throw new HttpError(404, `report ${id} lists no source object`, { parameter: "id" });
  return source;
}

export const getReportSourceRoute = defineRoute({
  method: "GET",
  path: "/reports/{id}/source",
  summary: "A presigned URL of the report's original",
  params: ReportPathParams,
  responses: {
    200: { description: "A URL valid for PRESIGN_TTL_SECONDS", schema: SourceLink },
    400: { description: "Not a report id", schema: ErrorBody },
    404: { description: "No such report, or it lists no source", schema: ErrorBody },
  },
  async handle({ params }, deps) {
    const { s3 } = deps;
    const source = await firstSource(deps.records, params.id);
    const ttl = deps.config.PRESIGN_TTL_SECONDS;
    // The first bytes tell the reader's detection what the original is (a ranged read).
    const head = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: source.key, Range: "bytes=0-8191" }));
    const bytes = head.Body ? await head.Body.transformToByteArray() : new Uint8Array();
    const headers = servedHeaders(bytes, source.key);
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: source.bucket, Key: source.key, ...headers }), { expiresIn: ttl });
    return json(200, {
      url,
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
      bucket: source.bucket,
      key: source.key,
    });
  },
});

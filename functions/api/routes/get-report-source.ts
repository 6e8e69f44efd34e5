/** `GET /reports/{id}/source`: a short-lived presigned GET URL of the original. */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { HttpError } from "../errors.ts";
import { defineRoute, json } from "../route.ts";
import { ErrorBody, ReportPathParams, SourceLink } from "../schemas.ts";

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
    const { records, s3 } = deps;
    const report = await records.get(params.id);
    if (!report) throw new HttpError(404, `no report ${params.id}`, { parameter: "id" });
    const source = report.sources[0];
    if (!source) throw new HttpError(404, `report ${params.id} lists no source object`, { parameter: "id" });
    const ttl = deps.config.PRESIGN_TTL_SECONDS;
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: source.bucket, Key: source.key }), { expiresIn: ttl });
    return json(200, {
      url,
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
      bucket: source.bucket,
      key: source.key,
    });
  },
});

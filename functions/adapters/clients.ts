/**
 * AWS SDK clients built from the configuration. An endpoint override (set by the local
 * stack) points a client at its stand-in; otherwise the SDK's own resolution applies.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SNSClient } from "@aws-sdk/client-sns";
import { TextractClient } from "@aws-sdk/client-textract";
import type { Config } from "../shared/config.ts";

/** Credentials the stand-ins accept (s3rver checks signatures against this pair). */
export const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

function localOptions(endpoint: string | undefined) {
  if (!endpoint) return {};
  return { endpoint, credentials: LOCAL_CREDENTIALS };
}

export function createS3Client(config: Config): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    ...localOptions(config.S3_ENDPOINT),
    ...(config.S3_ENDPOINT
      ? {
          forcePathStyle: true,
          // s3rver predates the SDK's default CRC32 trailers: only send checksums when S3 requires them.
          requestChecksumCalculation: "WHEN_REQUIRED" as const,
          responseChecksumValidation: "WHEN_REQUIRED" as const,
        }
      : {}),
  });
}

export function createDocumentClient(config: Config): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ region: config.AWS_REGION, ...localOptions(config.DYNAMODB_ENDPOINT) });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createSfnClient(config: Config): SFNClient {
  return new SFNClient({ region: config.AWS_REGION, ...localOptions(config.SFN_ENDPOINT) });
}

export function createSnsClient(config: Config): SNSClient {
  return new SNSClient({ region: config.AWS_REGION, ...localOptions(config.SNS_ENDPOINT) });
}

/** Textract has no local stand-in: the local stack reads scans with Tesseract instead. */
export function createTextractClient(config: Config): TextractClient {
  return new TextractClient({ region: config.AWS_REGION });
}

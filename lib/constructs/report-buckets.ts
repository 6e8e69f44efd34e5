import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { OCR_CACHE_PREFIX } from "../../functions/documents/ocr/cache.ts";
import { ARTIFACT_PREFIX } from "../../functions/shared/workflow-payloads.ts";
import { EXPORT_PREFIX } from "../../functions/adapters/export-file.ts";
import { EXPORT_JOB_TTL_SECONDS } from "../../functions/adapters/export-jobs.ts";

export interface ReportBucketsProps {
  /**
   * Days after which intermediates (extracted documents, parsed records) expire from the
   * artifacts bucket; the record in DynamoDB is the lasting result.
   * @default 30
   */
  readonly artifactRetentionDays?: number;

  /**
   * Days after which what OCR read (kept by the scan's hash) expires; until then, reprocessing a
   * scan costs no OCR.
   * @default 400
   */
  readonly ocrCacheRetentionDays?: number;

  /**
   * Days after which non-current versions of uploaded reports expire.
   * @default 90
   */
  readonly noncurrentVersionRetentionDays?: number;

  /**
   * Days the S3 server access logs are kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;

  /**
   * Web origins that may upload to the ingest bucket with presigned POSTs and download
   * sources with presigned GETs (S3 CORS).
   * @default - none (no browser access)
   */
  readonly browserOrigins?: readonly string[];

  /**
   * What happens to the buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The buckets of the pipeline: `ingest` (reports are dropped here; versioned), `artifacts`
 * (large intermediates, so Step Functions payloads stay small) and `accessLogs` (S3 server
 * access logs of both). All encrypted, public access blocked, TLS-only.
 *
 * @example
 * const buckets = new ReportBuckets(this, "Buckets", { artifactRetentionDays: 14 });
 */
export class ReportBuckets extends Construct {
  /** Reports land here; object-created events start the pipeline. */
  public readonly ingest: s3.Bucket;
  /** Extracted documents and parsed records between steps. */
  public readonly artifacts: s3.Bucket;
  /** Server access logs of `ingest` and `artifacts`. */
  public readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReportBucketsProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    } as const;

    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      ...common,
      // The log delivery service writes only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 365) }],
    });

    this.ingest = new s3.Bucket(this, "Ingest", {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "ingest/",
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays ?? 90) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    if (props.browserOrigins?.length) this.allowBrowserOrigins(props.browserOrigins);

    this.artifacts = new s3.Bucket(this, "Artifacts", {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: "artifacts/",
      lifecycleRules: [
        // Documents and records between steps, reprocess manifests, PDFs staged for Textract.
        { prefix: ARTIFACT_PREFIX, expiration: Duration.days(props.artifactRetentionDays ?? 30) },
        // What OCR read, by the scan's hash: kept longer, so reprocessing a scan costs no OCR.
        { prefix: OCR_CACHE_PREFIX, expiration: Duration.days(props.ocrCacheRetentionDays ?? 400) },
        // Export jobs' files: gone with their job items (EXPORT_JOB_TTL_SECONDS, 7 days).
        { prefix: EXPORT_PREFIX, expiration: Duration.days(EXPORT_JOB_TTL_SECONDS / 86_400) },
        { noncurrentVersionExpiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }

  /**
   * Lets web pages from `origins` upload to the ingest bucket with presigned POSTs and
   * download sources with presigned GETs (S3 CORS). For origins known only after the
   * buckets exist, e.g. a CloudFront distribution whose access logs go to `accessLogs`.
   */
  public allowBrowserOrigins(origins: readonly string[]): void {
    this.ingest.addCorsRule({
      allowedOrigins: [...origins],
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET],
      allowedHeaders: ["*"],
      maxAge: 3600,
    });
  }
}

/**
 * Handler configuration, read once from the environment through a zod schema.
 *
 * In the cloud the CDK stack sets the names (bucket, table, topic, state machine);
 * the local stack (`local/stack.ts`) builds the same `Config` as a value, with the
 * endpoint overrides that point the SDK clients at the stand-ins (s3rver, DynamoDB Local,
 * the local Step Functions API) and a notifications log in place of SNS.
 */
import * as z from "zod";

const OptionalUrl = z.url().optional();

export const Config = z.object({
  AWS_REGION: z.string().min(1).default("us-east-1"),
  /** Where Extract writes the extracted document and Parse its record (small state payloads). */
  ARTIFACTS_BUCKET: z.string().min(1).optional(),
  /** The bucket reports are dropped into (the CLI and the local event bridge use it). */
  INGEST_BUCKET: z.string().min(1).optional(),
  TABLE_NAME: z.string().min(1).optional(),
  TOPIC_ARN: z.string().min(1).optional(),
  /** Local stand-in for SNS: notifications are appended to this file as JSON lines. */
  NOTIFICATIONS_LOG: z.string().min(1).optional(),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** The export workflow (lib/export-workflow.ts): `POST /exports` starts it; files go to ARTIFACTS_BUCKET under exports/. */
  EXPORT_STATE_MACHINE_ARN: z.string().min(1).optional(),
  S3_ENDPOINT: OptionalUrl,
  DYNAMODB_ENDPOINT: OptionalUrl,
  SFN_ENDPOINT: OptionalUrl,
  SNS_ENDPOINT: OptionalUrl,
  /**
   * The OCR engine of the Ocr step: `paddleocr` (the stack's Ocr function: PaddleOCR in the
   * Lambda, Textract for what it cannot read), `textract` alone, or `none`. The local stack plugs
   * in its own engine.
   */
  OCR_ENGINE: z.enum(["paddleocr", "textract", "none"]).default("textract"),
  /** The local OCR engine (local stack, `nianbao parse`): `paddleocr` or `tesseract`; the best installed by default. */
  NIANBAO_OCR_ENGINE: z.enum(["paddleocr", "tesseract"]).optional(),
  /** ONNX Runtime threads of the local PaddleOCR engine. */
  NIANBAO_OCR_THREADS: z.coerce.number().int().positive().optional(),
  /** OCR calls in flight at once across every execution (functions/adapters/rate-limiter.ts). */
  OCR_MAX_CONCURRENCY: z.coerce.number().int().positive().optional(),
  /** Longest wait for one OCR call before it counts as timed out (retried by the state machine). */
  OCR_TIMEOUT_SECONDS: z.coerce.number().positive().optional(),
});
export type Config = z.infer<typeof Config>;

/** A variable that this handler needs was not set (a deployment bug, never retried). */
export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/**
 * The configuration, parsed from the environment. Each handler reads it once, when its
 * container builds its dependencies (`once(() => buildXDeps(readConfig()))`); the local
 * stack and the CLI build a `Config` of their own instead.
 *
 * @example
 * const { TABLE_NAME } = readConfig();
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Config.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The value of a variable this handler cannot work without. */
export function requireConfig<K extends keyof Config>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined || value === null) throw new ConfigError(`${String(key)} is not set`);
  return value as NonNullable<Config[K]>;
}

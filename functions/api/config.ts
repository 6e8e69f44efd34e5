/**
 * The API function's own settings, read from the environment through a zod schema
 * (the shared names — table, buckets, endpoints — come from ../shared/config.ts).
 */
import * as z from "zod";
import { ConfigError } from "../shared/config.ts";

export const ApiConfig = z.object({
  /** The web page's origin: the only one CORS lets read responses (e.g. `http://127.0.0.1:3000`). */
  WEB_ORIGIN: z.string().min(1).optional(),
  /** Where browser uploads go, under `UPLOAD_PREFIX`. */
  INGEST_BUCKET: z.string().min(1).optional(),
  UPLOAD_PREFIX: z.string().default("incoming/"),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
  /**
   * Uploads one caller (a signed-in identity; the client address where there is none) may start
   * per hour. Each upload is at most UPLOAD_MAX_BYTES and one execution, so this bounds what one
   * user can cost in OCR: at most this many scans an hour.
   */
  UPLOADS_PER_HOUR: z.coerce.number().int().positive().default(60),
  /** Lifetime of presigned URLs and POST policies. */
  PRESIGN_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
});
export type ApiConfig = z.infer<typeof ApiConfig>;

/**
 * The API settings, read once per container with the routes' other dependencies (./deps.ts).
 *
 * @example
 * const { WEB_ORIGIN } = readApiConfig();
 */
export function readApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = ApiConfig.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid API configuration: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

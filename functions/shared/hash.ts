import { createHash } from "node:crypto";

/** The report id: SHA-256 hex of the source bytes (same bytes, same record). */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

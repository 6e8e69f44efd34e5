import { createHash } from "node:crypto";

/** The report id: SHA-256 hex of the source bytes (same bytes, same record). */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 hex of chunks read one after another (as of their concatenation, without copying them together). */
export function hashChunks(chunks: readonly (Uint8Array | string)[]): string {
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Resource limits for reading untrusted files. Every reader checks them before it allocates,
 * so a hostile file (zip bomb, page bomb) fails with an UnreadableDocumentError, not an OOM.
 */
export type ExtractLimits = {
  /** Largest input file, in bytes. */
  maxBytes: number;
  /** Largest single archive entry after decompression (a DOCX part or an embedded image). */
  maxEntryBytes: number;
  /** Largest total of decompressed archive entries read from one file. */
  maxTotalUncompressedBytes: number;
  /** Largest decompressed/compressed size ratio of an archive entry bigger than `ratioFloorBytes`. */
  maxCompressionRatio: number;
  /** Entries smaller than this are exempt from the ratio check (tiny XML parts compress very well). */
  ratioFloorBytes: number;
  /** Most entries in an archive's central directory. */
  maxArchiveEntries: number;
  /** Most pages read from a PDF. */
  maxPages: number;
  /** Most images sent to OCR from one document. */
  maxOcrImages: number;
};

const MB = 1024 * 1024;

export const DEFAULT_EXTRACT_LIMITS = {
  maxBytes: 50 * MB,
  maxEntryBytes: 64 * MB,
  maxTotalUncompressedBytes: 256 * MB,
  maxCompressionRatio: 200,
  ratioFloorBytes: 1 * MB,
  maxArchiveEntries: 10_000,
  maxPages: 500,
  maxOcrImages: 200,
} as const satisfies ExtractLimits;

/** Fills the caller's partial limits with the defaults. */
export function resolveLimits(limits?: Partial<ExtractLimits>): ExtractLimits {
  return { ...DEFAULT_EXTRACT_LIMITS, ...limits };
}

/** Formats a byte count for a user message ("12.5 MB"). */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${bytes} B`;
}

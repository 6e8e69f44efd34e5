/**
 * A report's status, defined once: the record, the workflow's payloads, the table, the API,
 * the CLI and the state machine's Choice all use these values.
 */
// zod/mini: the same schemas without classic zod's methods, cheaper to build at every CLI start.
import * as z from "zod/mini";

export const STATUS = { VALID: "VALID", NEEDS_REVIEW: "NEEDS_REVIEW", FAILED: "FAILED" } as const;

/** Any stored report: parsed (VALID, NEEDS_REVIEW) or not (FAILED). */
export const Status = z.enum([STATUS.VALID, STATUS.NEEDS_REVIEW, STATUS.FAILED]);
export type Status = z.infer<typeof Status>;

/** The status of a parsed record: NEEDS_REVIEW when an error finding names its cells. */
export const ParsedStatus = z.enum([STATUS.VALID, STATUS.NEEDS_REVIEW]);
export type ParsedStatus = z.infer<typeof ParsedStatus>;

/** Every status, in the order listings and stats show them. */
export const STATUSES = Status.options;

/** Schemas of the coverage and body-list routes (./routes/get-coverage.ts, ./routes/import-body-list.ts). */
import * as z from "zod";
import { MAX_LISTED_BODIES } from "../report/body-list.ts";
import { codePrefix } from "../report/division-tree.ts";
import { BODY_LEVEL } from "../report/body.ts";
import { Year } from "./schemas.ts";

const RegionPrefix = z
  .string()
  .regex(/^\d{2}(?:\d{2}){0,2}$/, "应为 GB/T 2260 区划代码或其 2、4、6 位前缀 (expected a GB/T 2260 division code or its prefix of 2, 4 or 6 digits)")
  // 320800 is the city 3208 and all it governs, as 3208 is.
  .transform((code) => (code.length === 6 ? codePrefix(code) : code));

export const CoverageQuery = z.strictObject({
  year: Year,
  region: RegionPrefix.meta({ description: "The region: a division code or its prefix (32, 3208, 320813)", example: "3208" }),
  level: z.enum(Object.values(BODY_LEVEL) as [string, ...string[]]).optional().meta({ description: "Only the bodies of this level of government" }),
});

const Region = z.object({ code: z.string(), province: z.string().nullable(), city: z.string().nullable(), county: z.string().nullable() });
const Listed = z.object({ agencyId: z.string(), agency: z.string(), region: Region });
const Counts = z.object({ expected: z.number().int(), published: z.number().int(), missing: z.number().int() });

export const CoverageBody = z.object({
  year: z.number().int(),
  region: z.string(),
  counts: Counts,
  published: z.array(Listed.extend({ reportId: z.string() })),
  missing: z.array(
    Listed.extend({
      years: z.array(z.number().int()).meta({ description: "The years this body did publish" }),
      reports: z.array(z.object({ year: z.number().int(), reportId: z.string() })).meta({ description: "Its reports of those years" }),
    }),
  ),
  divisions: z.array(Counts.extend({ code: z.string(), name: z.string(), own: z.boolean().meta({ description: "The region's own level (its code exactly)" }) })),
  lists: z.array(z.object({ scope: z.string(), importedAt: z.string(), bodies: z.number().int() })).meta({ description: "The imported lists of bodies used" }),
});

export const ImportBodyListRequest = z.strictObject({
  csvBase64: z
    .string()
    .min(1, "须给出 base64 编码的 CSV 文件 (expected the CSV file's bytes in base64)")
    .max(4_000_000, "名单最多几 MB (expected a list of at most a few megabytes)")
    .regex(/^[A-Za-z0-9+/=\s]+$/, "应为 base64 编码 (expected base64)")
    .meta({ description: `The CSV (name, region code; UTF-8 or GB18030), base64; at most ${MAX_LISTED_BODIES} rows` }),
  region: RegionPrefix.optional().meta({ description: "The region the list is for (default: the deepest division holding every row)" }),
});

export const ImportBodyListResult = z.object({ scope: z.string(), imported: z.number().int(), importedAt: z.string() });

export const ImportProblems = z.object({
  message: z.string(),
  parameter: z.string().optional(),
  problems: z.array(z.object({ line: z.number().int(), message: z.string() })).meta({ description: "Each bad line of the list (line 0: the list as a whole)" }),
});

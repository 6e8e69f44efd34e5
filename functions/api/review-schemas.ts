/** Schemas of the review routes (`POST` and `GET /reports/{id}/reviews`): what a reviewer sends and what the history holds. */
import * as z from "zod";
import { VERDICT } from "../report/reviews.ts";

export const ReviewRequestBody = z.strictObject({
  cell: z
    .string({ error: "须给出单元格（cell），如 resultsTotal.naturalPerson" })
    .min(3, "须给出单元格（cell），如 resultsTotal.naturalPerson")
    .max(100)
    .meta({ description: "The cell reviewed, `<row>.<column>` as findings name it", example: "resultsTotal.naturalPerson" }),
  finding: z
    .string({ error: "须给出所复核错误的规则（finding），如 applications.resultsTotal" })
    .min(1, "须给出所复核错误的规则（finding），如 applications.resultsTotal")
    .max(100)
    .meta({ description: "The rule of the error finding reviewed", example: "applications.resultsTotal" }),
  verdict: z.enum([VERDICT.MISPRINT, VERDICT.MISREAD], { error: "复核结论（verdict）须为 misprint（原文印错）或 misread（误读）" }).meta({
    description: "`misprint`: the report prints it so (the finding stands, the body's error); `misread`: we read it wrongly, `value` is what the page shows",
  }),
  value: z
    .number({ error: "value 须为数字：页面上印的数字" })
    .finite("value 须为数字：页面上印的数字")
    .optional()
    .meta({ description: "misread: the figure the page shows" }),
  reason: z
    .string({ error: "须说明理由（reason）" })
    .trim()
    .min(1, "须说明理由（reason）")
    .max(1000, "理由（reason）不超过 1000 字")
    .meta({ description: "Why: what the reviewer saw on the page" }),
  reviewer: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "Who reviews, where the API does not know the caller (locally); in AWS the IAM caller is recorded instead" }),
});

const CellReviewShape = {
  verdict: z.enum([VERDICT.MISPRINT, VERDICT.MISREAD]),
  rule: z.string(),
  value: z.number().optional().meta({ description: "misread: the figure the page shows (the correction)" }),
  read: z.number().meta({ description: "The figure as read when reviewed: the printed reading the correction stands beside" }),
  readBy: z.string().meta({ description: "The parser version that read it" }),
  reason: z.string(),
  reviewer: z.string(),
  at: z.string(),
  reader: z.string().meta({ description: "How the cell was read: rows, order, grid or ocr:<engine>" }),
  format: z.string().meta({ description: "The source's format (scan where the cell was OCR'd)" }),
  agreedBy: z.string().optional().meta({ description: "A later parser version read the corrected figure itself: the correction no longer applies" }),
  disputedBy: z.string().optional().meta({ description: "A later parser version read another figure: the correction stands, with a review.correctionDisputed warning" }),
};

export const ReviewEntryBody = z.object({ ...CellReviewShape, cell: z.string(), revision: z.number().int() });

export const ReviewResult = z.object({
  review: ReviewEntryBody,
  status: z.string().meta({ description: "The record's status after the review" }),
  findings: z.array(z.looseObject({ rule: z.string(), severity: z.string(), cells: z.array(z.string()) })).meta({ description: "The record's findings, revalidated" }),
});

export const ReviewHistory = z.object({
  reportId: z.string(),
  reviews: z.array(ReviewEntryBody).meta({ description: "Every verdict, oldest first" }),
});

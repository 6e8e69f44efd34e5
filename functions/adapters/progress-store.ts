/**
 * Workflow progress of a report, for the page that watches an upload move through the
 * steps: one item per report id in the records table (`pk = PROGRESS#<id>`, `sk = PROGRESS`,
 * see ../shared/table-schema.ts), one attribute per step reached (`extractAt`, `ocrAt`, …)
 * holding when that step last started, and a TTL of a day.
 *
 * The item carries none of the indexes' key attributes (`status`, `updatedAt`, `agencyKey`,
 * `year`, `parserVersion`), so it never appears in a listing. Each mark is one UpdateItem
 * that only SETs its own attribute: steps marking concurrently never overwrite each other.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { KEY_PREFIXES, TIME_TO_LIVE_ATTRIBUTE, toProgressPk } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";

/** The steps that mark their start, in workflow order (the state names of lib/workflow.ts). */
export const PROGRESS_STEPS = ["Extract", "Ocr", "Parse", "Store", "RecordFailure"] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];

/** How long a progress item lives: long enough for any page still watching. */
export const PROGRESS_TTL_SECONDS = 24 * 60 * 60;

export type StepMark = { step: ProgressStep; at: string };
export type ReportProgress = { reportId: string; steps: StepMark[] };

export interface ProgressStore {
  /** Records that `step` started now (a retry or a rerun moves the time on). */
  mark(reportId: string, step: ProgressStep): Promise<void>;
  /** The steps reached, in workflow order; undefined when none was marked (or the item expired). */
  get(reportId: string): Promise<ReportProgress | undefined>;
}

/** The item attribute of a step: `Extract` → `extractAt`, `RecordFailure` → `recordFailureAt`. */
export function toStepAttribute(step: ProgressStep): string {
  return `${step[0]!.toLowerCase()}${step.slice(1)}At`;
}

/**
 * @example
 * const progress = createDynamoProgressStore(createDocumentClient(config), config.TABLE_NAME);
 * await progress.mark(reportId, "Parse");
 */
export function createDynamoProgressStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): ProgressStore {
  const keyOf = (reportId: string) => ({ pk: toProgressPk(reportId), sk: KEY_PREFIXES.PROGRESS_SK });
  return {
    async mark(reportId, step) {
      const at = now();
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(reportId),
            UpdateExpression: "SET #step = :at, #ttl = :ttl",
            ExpressionAttributeNames: { "#step": toStepAttribute(step), "#ttl": TIME_TO_LIVE_ATTRIBUTE },
            ExpressionAttributeValues: { ":at": at.toISOString(), ":ttl": Math.floor(at.getTime() / 1000) + PROGRESS_TTL_SECONDS },
          }),
        );
      } catch (error) {
        rethrowClassified(error, `mark ${step} of report ${reportId}`);
      }
    },
    async get(reportId) {
      let item: Record<string, unknown> | undefined;
      try {
        const out = await client.send(new GetCommand({ TableName: tableName, Key: keyOf(reportId), ConsistentRead: true }));
        item = out.Item;
      } catch (error) {
        return rethrowClassified(error, `get progress of report ${reportId}`);
      }
      if (!item) return undefined;
      // TTL deletes lazily (up to days late): an expired item counts as gone.
      const expireAfter = item[TIME_TO_LIVE_ATTRIBUTE];
      if (typeof expireAfter === "number" && expireAfter * 1000 < now().getTime()) return undefined;
      const steps: StepMark[] = [];
      for (const step of PROGRESS_STEPS) {
        const at = item[toStepAttribute(step)];
        if (typeof at === "string") steps.push({ step, at });
      }
      return steps.length > 0 ? { reportId, steps } : undefined;
    },
  };
}

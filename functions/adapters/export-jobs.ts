/**
 * Export jobs (issue 17, item 3): one item per job in the records table (`pk = EXPORT#<id>`,
 * `sk = JOB`, see ../shared/table-schema.ts) holding its format, filters, state, the records
 * written so far and, when done, the file's key; it expires through the table's TTL after
 * EXPORT_JOB_TTL_SECONDS.
 *
 * The item carries none of the indexes' key attributes (so `jobState`, `changedAt`, never
 * `status` or `updatedAt`): a job never appears in a listing of reports.
 * A DONE job stays DONE: a late failure (a retried or caught attempt) cannot overturn it.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { KEY_PREFIXES, TIME_TO_LIVE_ATTRIBUTE } from "../shared/table-schema.ts";
import { rethrowClassified } from "../shared/transient.ts";
import type { ReportFilter } from "./record-query.ts";

export const EXPORT_FORMATS = ["csv", "xlsx", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_STATES = ["QUEUED", "RUNNING", "DONE", "FAILED"] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** How long a job (and the link to its file) stays answerable. */
export const EXPORT_JOB_TTL_SECONDS = 7 * 24 * 60 * 60;

export type ExportJob = {
  jobId: string;
  format: ExportFormat;
  /** The filters with the agency already resolved to its index key. */
  filter: ReportFilter;
  state: ExportState;
  /** Records written to the file so far. */
  written: number;
  createdAt: string;
  changedAt: string;
  /** When DONE: the object under `exports/`, its size and its parts. */
  key?: string;
  bytes?: number;
  parts?: number;
  /** When FAILED: why, in Chinese. */
  failure?: string;
};

export type ExportResultFields = { key: string; written: number; bytes: number; parts: number };

export interface ExportJobStore {
  /** A new QUEUED job. */
  create(job: { jobId: string; format: ExportFormat; filter: ReportFilter }): Promise<ExportJob>;
  get(jobId: string): Promise<ExportJob | undefined>;
  /** RUNNING from 0 records (a retried attempt starts over); false when the job is unknown or DONE. */
  start(jobId: string): Promise<boolean>;
  progress(jobId: string, written: number): Promise<void>;
  finish(jobId: string, result: ExportResultFields): Promise<void>;
  /** FAILED with `reason`, unless the job is DONE already. */
  fail(jobId: string, reason: string): Promise<void>;
}

export const toExportKey = (jobId: string) => ({ pk: `${KEY_PREFIXES.EXPORT}${jobId}`, sk: KEY_PREFIXES.EXPORT_SK });

const isConditionFailure = (error: unknown) => (error as { name?: string })?.name === "ConditionalCheckFailedException";

/**
 * @example
 * const jobs = createDynamoExportJobStore(createDocumentClient(config), config.TABLE_NAME);
 * await jobs.create({ jobId, format: "csv", filter: { year: 2021 } });
 */
export function createDynamoExportJobStore(client: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()): ExportJobStore {
  /** SETs `fields` (and changedAt) on an existing job whose state is not DONE; false when the condition fails. */
  const change = async (jobId: string, fields: Record<string, unknown>, what: string): Promise<boolean> => {
    const names: Record<string, string> = { "#state": "jobState", "#changedAt": "changedAt" };
    const values: Record<string, unknown> = { ":done": "DONE", ":changedAt": now().toISOString() };
    const sets = ["#changedAt = :changedAt"];
    for (const [name, value] of Object.entries(fields)) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: toExportKey(jobId),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: "attribute_exists(pk) AND #state <> :done",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return rethrowClassified(error, `${what} export job ${jobId}`);
    }
  };
  return {
    async create({ jobId, format, filter }) {
      const at = now();
      const job: ExportJob = { jobId, format, filter, state: "QUEUED", written: 0, createdAt: at.toISOString(), changedAt: at.toISOString() };
      const { state, ...rest } = job;
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...toExportKey(jobId), ...rest, jobState: state, [TIME_TO_LIVE_ATTRIBUTE]: Math.floor(at.getTime() / 1000) + EXPORT_JOB_TTL_SECONDS },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      } catch (error) {
        rethrowClassified(error, `create export job ${jobId}`);
      }
      return job;
    },
    async get(jobId) {
      try {
        const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: toExportKey(jobId), ConsistentRead: true }));
        if (!Item) return undefined;
        const { pk: _pk, sk: _sk, jobState, [TIME_TO_LIVE_ATTRIBUTE]: _ttl, ...job } = Item;
        return { ...job, state: jobState } as ExportJob;
      } catch (error) {
        return rethrowClassified(error, `get export job ${jobId}`);
      }
    },
    start: (jobId) => change(jobId, { jobState: "RUNNING", written: 0 }, "start"),
    async progress(jobId, written) {
      await change(jobId, { written }, "progress of");
    },
    async finish(jobId, { key, written, bytes, parts }) {
      await change(jobId, { jobState: "DONE", key, written, bytes, parts }, "finish");
    },
    async fail(jobId, reason) {
      await change(jobId, { jobState: "FAILED", failure: reason }, "fail");
    },
  };
}

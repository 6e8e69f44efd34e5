/**
 * Ingest: turns object-created events into executions of the pipeline.
 *
 * S3 -> SQS -> this handler (batches, partial batch failures): a message is deleted only
 * when its executions have started, so a burst is never dropped, only queued. The
 * execution name is derived from the object and its event sequencer, so a redelivered
 * message starts nothing new. Also accepts S3 notifications and EventBridge
 * "Object Created" events delivered directly.
 */
import * as z from "zod";
import type { WorkflowStarter } from "../../adapters/workflow-starter.ts";
import { hashBytes } from "../../shared/hash.ts";
import { stepLogger } from "../../shared/logger.ts";
import { ARTIFACT_PREFIX, type ExecutionInput } from "../../shared/workflow-payloads.ts";

const S3Record = z.looseObject({
  eventName: z.string(),
  eventTime: z.string().optional(),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({
      key: z.string(),
      size: z.number().optional(),
      eTag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
const S3Notification = z.looseObject({ Records: z.array(S3Record) });
/** S3 sends this once when a notification is configured. */
const S3TestEvent = z.looseObject({ Event: z.literal("s3:TestEvent") });
const EventBridgeObjectCreated = z.looseObject({
  "detail-type": z.literal("Object Created"),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({
      key: z.string(),
      size: z.number().optional(),
      etag: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
const SqsEvent = z.looseObject({
  Records: z.array(z.looseObject({ messageId: z.string(), body: z.string(), eventSource: z.literal("aws:sqs") })),
});

export const IngestEvent = z.union([SqsEvent, S3Notification, EventBridgeObjectCreated]);
export type IngestEvent = z.infer<typeof IngestEvent>;

export type ObjectCreated = ExecutionInput & { sequencer: string };
export type IngestResult = { started: number; skipped: number; batchItemFailures: { itemIdentifier: string }[] };

/** S3 notifications URL-encode keys, with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}

/** Objects that are not reports: folder markers and the pipeline's own artifacts. */
function isIngestible(key: string): boolean {
  return !key.endsWith("/") && !key.startsWith(ARTIFACT_PREFIX);
}

/** The created objects an event (an SQS message body, or an event itself) announces. */
export function readObjectCreated(payload: unknown): ObjectCreated[] {
  if (S3TestEvent.safeParse(payload).success) return [];
  const bridge = EventBridgeObjectCreated.safeParse(payload);
  if (bridge.success) {
    const { bucket, object } = bridge.data.detail;
    return [
      {
        bucket: bucket.name,
        key: object.key, // EventBridge keys are not URL-encoded
        ...(object.size !== undefined ? { size: object.size } : {}),
        ...(object.etag ? { eTag: object.etag } : {}),
        sequencer: object.sequencer ?? "",
      },
    ];
  }
  const notification = S3Notification.parse(payload);
  return notification.Records.filter((r) => r.eventName.startsWith("ObjectCreated:")).map((r) => ({
    bucket: r.s3.bucket.name,
    key: decodeS3Key(r.s3.object.key),
    ...(r.s3.object.size !== undefined ? { size: r.s3.object.size } : {}),
    ...(r.s3.object.eTag ? { eTag: r.s3.object.eTag } : {}),
    sequencer: r.s3.object.sequencer ?? r.eventTime ?? "",
  }));
}

/** One name per object version seen: a redelivered event maps to the same execution. */
export function toExecutionName(object: ObjectCreated): string {
  return hashBytes(`s3://${object.bucket}/${object.key}#${object.sequencer}#${object.eTag ?? ""}`).slice(0, 64);
}

/** What Ingest needs: the pipeline's state machine. */
export type IngestDeps = { workflow: WorkflowStarter };

async function startAll(objects: ObjectCreated[], workflow: WorkflowStarter): Promise<{ started: number; skipped: number }> {
  let started = 0;
  let skipped = 0;
  for (const object of objects) {
    const log = stepLogger("ingest", { source: `s3://${object.bucket}/${object.key}` });
    if (!isIngestible(object.key)) {
      skipped++;
      continue;
    }
    const { sequencer: _sequencer, ...input } = object;
    const execution = await workflow.start(toExecutionName(object), input);
    log.info("execution started", { ...execution });
    started++;
  }
  return { started, skipped };
}

/**
 * Starts one execution per created object an event announces. For an SQS batch, a message
 * that fails goes back to the queue alone (`batchItemFailures`); the others are done.
 *
 * @example
 * const result = await runIngest(sqsEvent, { workflow });
 * // { started: 1, skipped: 0, batchItemFailures: [] }
 */
export async function runIngest(event: IngestEvent, deps: IngestDeps): Promise<IngestResult> {
  const sqs = SqsEvent.safeParse(event);
  if (!sqs.success) return { ...(await startAll(readObjectCreated(event), deps.workflow)), batchItemFailures: [] };

  const result: IngestResult = { started: 0, skipped: 0, batchItemFailures: [] };
  for (const message of sqs.data.Records) {
    try {
      const counts = await startAll(readObjectCreated(JSON.parse(message.body)), deps.workflow);
      result.started += counts.started;
      result.skipped += counts.skipped;
    } catch (error) {
      // Only this message goes back to the queue (ReportBatchItemFailures).
      stepLogger("ingest", { messageId: message.messageId }).error("message not handled", { error: error as Error });
      result.batchItemFailures.push({ itemIdentifier: message.messageId });
    }
  }
  return result;
}

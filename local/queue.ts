/**
 * An in-memory stand-in for the SQS queue between S3 and the ingest Lambda: batches
 * messages, delivers them as SQS events, redelivers what the handler reports as failed
 * (partial batch responses) and moves a message that keeps failing to a dead-letter log.
 */
import { appendFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { LambdaHandler } from "./step-functions.ts";

export type LocalQueueOptions = {
  handler: LambdaHandler;
  batchSize?: number;
  batchWindowMs?: number;
  visibilityTimeoutMs?: number;
  maxReceiveCount?: number;
  deadLetterFile?: string;
};

type Message = { messageId: string; body: string; receiveCount: number; sentAt: number };

export type LocalQueue = {
  send(body: string): void;
  idle(): Promise<void>;
  stop(): void;
};

function toRecord(message: Message): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:nianbao-ingest",
    awsRegion: "us-east-1",
  };
}

export function createLocalQueue(options: LocalQueueOptions): LocalQueue {
  const batchSize = options.batchSize ?? 10;
  const batchWindowMs = options.batchWindowMs ?? 50;
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 1000;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const ready: Message[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let delayed = 0;
  let stopped = false;
  const idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (ready.length === 0 && inFlight === 0 && delayed === 0 && !timer) for (const r of idleWaiters.splice(0)) r();
  };

  const requeue = async (message: Message) => {
    if (message.receiveCount >= maxReceiveCount) {
      if (options.deadLetterFile) {
        await appendFile(options.deadLetterFile, `${JSON.stringify({ time: new Date().toISOString(), ...message })}\n`);
      }
      return;
    }
    delayed++;
    setTimeout(() => {
      delayed--;
      ready.push(message);
      arm();
    }, visibilityTimeoutMs * message.receiveCount).unref();
  };

  async function deliver() {
    timer = undefined;
    while (ready.length > 0 && !stopped) {
      const batch = ready.splice(0, batchSize);
      for (const m of batch) m.receiveCount++;
      inFlight += batch.length;
      const event: SQSEvent = { Records: batch.map(toRecord) };
      let failed: Set<string>;
      try {
        const result = (await options.handler(event, {} as never)) as { batchItemFailures?: { itemIdentifier: string }[] };
        failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch {
        failed = new Set(batch.map((m) => m.messageId));
      }
      for (const m of batch) if (failed.has(m.messageId)) await requeue(m);
      inFlight -= batch.length;
    }
    settleIdle();
  }

  function arm() {
    if (timer || stopped) return;
    timer = setTimeout(() => void deliver(), batchWindowMs);
  }

  return {
    send(body) {
      ready.push({ messageId: randomUUID(), body, receiveCount: 0, sentAt: Date.now() });
      arm();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      settleIdle();
    },
  };
}

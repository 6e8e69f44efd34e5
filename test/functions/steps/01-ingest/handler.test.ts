import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../../../functions/shared/logger.ts";
import { resetAdapters, setAdapters } from "../../../../functions/adapters/index.ts";
import type { WorkflowStarter } from "../../../../functions/adapters/workflow-starter.ts";
import { handler, readObjectCreated, toExecutionName } from "../../../../functions/steps/01-ingest/handler.ts";

function s3Event(key: string, sequencer = "0055AED6DCD90281E5") {
  return {
    Records: [
      {
        eventName: "ObjectCreated:Put",
        eventTime: "2026-01-01T00:00:00.000Z",
        s3: { bucket: { name: "ingest" }, object: { key, size: 10, eTag: "abc", sequencer } },
      },
    ],
  };
}

function sqsEvent(bodies: unknown[]) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body: typeof body === "string" ? body : JSON.stringify(body),
      eventSource: "aws:sqs",
    })),
  };
}

function recordingStarter(fail?: (input: unknown) => boolean) {
  const started: { name: string; input: unknown }[] = [];
  const workflow: WorkflowStarter = {
    async start(name, input) {
      if (fail?.(input)) throw new Error("throttled");
      started.push({ name, input });
      return { executionArn: `arn:${name}`, alreadyStarted: false };
    },
  };
  return { workflow, started };
}

beforeAll(() => logger.setLogLevel("SILENT"));
afterEach(() => resetAdapters());

describe("readObjectCreated", () => {
  it("decodes keys as S3 notifications encode them", () => {
    expect(readObjectCreated(s3Event("reports/%E8%A5%BF%E6%B9%96+2019.txt"))[0]?.key).toBe("reports/西湖 2019.txt");
  });

  it("ignores the test event S3 sends when a notification is configured", () => {
    expect(readObjectCreated({ Event: "s3:TestEvent", Bucket: "ingest" })).toEqual([]);
  });

  it("reads EventBridge Object Created events", () => {
    const [object] = readObjectCreated({
      "detail-type": "Object Created",
      detail: { bucket: { name: "ingest" }, object: { key: "a b.txt", size: 3, sequencer: "01" } },
    });
    expect(object).toMatchObject({ bucket: "ingest", key: "a b.txt", size: 3 });
  });
});

describe("toExecutionName", () => {
  it("gives a redelivered event the same name and a new upload of the key another", () => {
    const [first] = readObjectCreated(s3Event("a.txt", "01"));
    const [again] = readObjectCreated(s3Event("a.txt", "01"));
    const [later] = readObjectCreated(s3Event("a.txt", "02"));
    expect(toExecutionName(first!)).toBe(toExecutionName(again!));
    expect(toExecutionName(first!)).not.toBe(toExecutionName(later!));
    expect(toExecutionName(first!)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("ingest handler", () => {
  it("starts one execution per created object and skips the pipeline's artifacts", async () => {
    // Prepare
    const { workflow, started } = recordingStarter();
    setAdapters({ workflow });

    // Act
    const result = await handler(sqsEvent([s3Event("reports/a.txt"), s3Event("artifacts/documents/x.json")]) as never, {} as never);

    // Assess
    expect(result).toEqual({ started: 1, skipped: 1, batchItemFailures: [] });
    expect(started.map((s) => s.input)).toEqual([{ bucket: "ingest", key: "reports/a.txt", size: 10, eTag: "abc" }]);
  });

  it("returns only the failed messages to the queue", async () => {
    const { workflow, started } = recordingStarter((input) => (input as { key: string }).key === "b.txt");
    setAdapters({ workflow });
    const result = await handler(sqsEvent([s3Event("a.txt"), s3Event("b.txt"), "not json"]) as never, {} as never);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }, { itemIdentifier: "m2" }]);
    expect(started).toHaveLength(1);
  });

  it("rejects an event of no known shape", async () => {
    await expect(handler({ hello: "world" } as never, {} as never)).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});

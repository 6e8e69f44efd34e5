import { beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../../../functions/shared/logger.ts";
import { createIngestHandler } from "../../../../functions/steps/01-ingest/handler.ts";
import { readObjectCreated, runIngest, toExecutionName } from "../../../../functions/steps/01-ingest/ingest.ts";
import { RecordingWorkflow } from "../../../support/fakes.ts";

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

beforeAll(() => logger.setLogLevel("SILENT"));

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

describe("runIngest", () => {
  it("starts one execution per created object and skips the pipeline's artifacts", async () => {
    // Prepare
    const workflow = new RecordingWorkflow();

    // Act
    const result = await runIngest(sqsEvent([s3Event("reports/a.txt"), s3Event("artifacts/documents/x.json")]) as never, { workflow });

    // Assess
    expect(result).toEqual({ started: 1, skipped: 1, batchItemFailures: [] });
    expect(workflow.started.map((s) => s.input)).toEqual([{ bucket: "ingest", key: "reports/a.txt", size: 10, eTag: "abc" }]);
  });

  it("starts the same execution name for a redelivered notification", async () => {
    const workflow = new RecordingWorkflow();
    await runIngest(s3Event("reports/a.txt") as never, { workflow });
    await runIngest(s3Event("reports/a.txt") as never, { workflow });
    expect(workflow.started).toHaveLength(2);
    expect(workflow.started[0]!.name).toBe(workflow.started[1]!.name);
  });

  it("returns only the failed messages to the queue", async () => {
    const workflow = new RecordingWorkflow((input) => (input as { key: string }).key === "b.txt");
    const result = await runIngest(sqsEvent([s3Event("a.txt"), s3Event("b.txt"), "not json"]) as never, { workflow });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }, { itemIdentifier: "m2" }]);
    expect(workflow.started).toHaveLength(1);
  });
});

describe("ingest handler", () => {
  it("runs Ingest on a parsed event with the dependencies it is given", async () => {
    const workflow = new RecordingWorkflow();
    const handler = createIngestHandler(() => ({ workflow }));
    const result = await handler(sqsEvent([s3Event("reports/a.txt")]) as never, {} as never);
    expect(result).toEqual({ started: 1, skipped: 0, batchItemFailures: [] });
  });

  it("rejects an event of no known shape", async () => {
    const handler = createIngestHandler(() => ({ workflow: new RecordingWorkflow() }));
    await expect(handler({ hello: "world" } as never, {} as never)).rejects.toMatchObject({ name: "InvalidEventError" });
  });
});

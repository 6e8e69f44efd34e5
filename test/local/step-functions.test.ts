/** The definition's Retry and Catch, run by the local interpreter with stand-in handlers. */
import { describe, expect, it } from "vitest";
import { buildWorkflowDefinition } from "../../lib/workflow.ts";
import { TransientError, UnreadableDocumentError } from "../../functions/shared/errors.ts";
import { createLocalStateMachine, type LambdaHandler } from "../../local/step-functions.ts";

const RESOURCES = {
  extractFunction: "arn:aws:lambda:us-east-1:000000000000:function:extract",
  parseFunction: "arn:aws:lambda:us-east-1:000000000000:function:parse",
  storeFunction: "arn:aws:lambda:us-east-1:000000000000:function:store",
  recordFailureFunction: "arn:aws:lambda:us-east-1:000000000000:function:record-failure",
  notifyFunction: "arn:aws:lambda:us-east-1:000000000000:function:notify",
  ocrFunction: "arn:aws:lambda:us-east-1:000000000000:function:ocr",
};
const ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:test";

function machineWith(handlers: Partial<Record<keyof typeof RESOURCES, LambdaHandler>>, calls: string[]) {
  const record = (name: string, fn?: LambdaHandler): LambdaHandler => async (event, context) => {
    calls.push(name);
    return fn ? fn(event, context) : {};
  };
  return createLocalStateMachine({
    stateMachineArn: ARN,
    definition: buildWorkflowDefinition(RESOURCES),
    retryIntervalMs: 1,
    handlers: {
      [RESOURCES.extractFunction]: record("extract", handlers.extractFunction),
      [RESOURCES.parseFunction]: record("parse", handlers.parseFunction),
      [RESOURCES.storeFunction]: record("store", handlers.storeFunction ?? (async () => ({ status: "VALID", written: true }))),
      [RESOURCES.recordFailureFunction]: record("record-failure", handlers.recordFailureFunction),
      [RESOURCES.notifyFunction]: record("notify", handlers.notifyFunction),
      [RESOURCES.ocrFunction]: record("ocr", handlers.ocrFunction),
    },
  });
}

describe("the pipeline definition on the local interpreter", () => {
  it("reads a scan through the Ocr step, retrying its throttling, and parses what it read", async () => {
    // Prepare: Extract finds no text layer; the OCR engine is throttled once
    const calls: string[] = [];
    let parsedInput: { extracted?: { needsOcr?: boolean; pageCount?: number } } = {};
    let ocrAttempts = 0;
    const machine = await machineWith(
      {
        extractFunction: async () => ({ reportId: "r", artifactKey: "a", needsOcr: true, pageCount: 0 }),
        ocrFunction: async (event) => {
          if (++ocrAttempts === 1) throw new TransientError("Textract is busy");
          return { ...(event as { extracted: object }).extracted, needsOcr: false, pageCount: 3 };
        },
        parseFunction: async (event) => {
          parsedInput = event as typeof parsedInput;
          return { status: "VALID" };
        },
      },
      calls,
    );

    // Act
    const execution = machine.start("scan", JSON.stringify({ bucket: "b", key: "scan.pdf" }));
    await machine.idle();

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(calls).toEqual(["extract", "ocr", "ocr", "parse", "store"]);
    expect(parsedInput.extracted).toMatchObject({ needsOcr: false, pageCount: 3 });
  });

  it("skips the Ocr step for a document with a text layer", async () => {
    const calls: string[] = [];
    const machine = await machineWith({ extractFunction: async () => ({ reportId: "r", artifactKey: "a", needsOcr: false }) }, calls);
    const execution = machine.start("text", JSON.stringify({ bucket: "b", key: "report.docx" }));
    await machine.idle();
    expect(execution.status).toBe("SUCCEEDED");
    expect(calls).toEqual(["extract", "parse", "store"]);
  });

  it("retries a TransientError and goes on when the step then succeeds", async () => {
    // Prepare
    const calls: string[] = [];
    let attempts = 0;
    const machine = await machineWith(
      {
        parseFunction: async () => {
          attempts++;
          if (attempts < 3) throw new TransientError("throttled");
          return { status: "VALID" };
        },
      },
      calls,
    );

    // Act
    const execution = machine.start("retry", JSON.stringify({ bucket: "b", key: "k" }));
    await machine.idle();

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(calls).toEqual(["extract", "parse", "parse", "parse", "store"]);
  });

  it("records an unreadable document as a failure without retrying, then notifies", async () => {
    // Prepare
    const calls: string[] = [];
    let failureInput: unknown;
    const machine = await machineWith(
      {
        extractFunction: async () => {
          throw new UnreadableDocumentError("文件为空");
        },
        recordFailureFunction: async (event) => {
          failureInput = event;
          return { reportId: "x", status: "FAILED", written: true, sourceAdded: true };
        },
      },
      calls,
    );

    // Act
    const execution = machine.start("unreadable", JSON.stringify({ bucket: "b", key: "k" }));
    await machine.idle();

    // Assess
    expect(execution.status).toBe("SUCCEEDED");
    expect(calls).toEqual(["extract", "record-failure", "notify"]);
    expect(failureInput).toMatchObject({
      bucket: "b",
      key: "k",
      error: { Error: "UnreadableDocumentError", Cause: "文件为空" },
    });
  });

  it("records a failure when a transient error outlasts its retries", async () => {
    const calls: string[] = [];
    const machine = await machineWith(
      {
        storeFunction: async () => {
          throw new TransientError("table busy");
        },
        recordFailureFunction: async () => ({ reportId: "x", status: "FAILED", written: true, sourceAdded: true }),
      },
      calls,
    );
    machine.start("exhausted", JSON.stringify({ bucket: "b", key: "k" }));
    await machine.idle();
    expect(calls.filter((c) => c === "store")).toHaveLength(5); // 1 attempt + MaxAttempts 4 retries
    expect(calls.slice(-2)).toEqual(["record-failure", "notify"]);
  });

  it("does not notify about a valid record", async () => {
    const calls: string[] = [];
    const machine = await machineWith({}, calls);
    machine.start("valid", JSON.stringify({ bucket: "b", key: "k" }));
    await machine.idle();
    expect(calls).toEqual(["extract", "parse", "store"]);
  });

  it("starts one execution per name and refuses the name with other input", async () => {
    const machine = await machineWith({}, []);
    const first = machine.start("same", JSON.stringify({ bucket: "b", key: "k" }));
    expect(machine.start("same", JSON.stringify({ bucket: "b", key: "k" }))).toBe(first);
    expect(() => machine.start("same", JSON.stringify({ bucket: "b", key: "other" }))).toThrow(/Already Exists/);
    await machine.idle();
    expect(machine.list()).toHaveLength(1);
  });

  it("aborts running executions and drops waiting ones on shutdown", async () => {
    // Prepare: extraction hangs, so executions pile up behind the concurrency limit
    const calls: string[] = [];
    const machine = await machineWith({ extractFunction: () => new Promise(() => undefined) }, calls);
    const executions = ["a", "b", "c"].map((name) => machine.start(name, JSON.stringify({ bucket: "b", key: name })));

    // Act
    machine.abortAll();
    await machine.idle();

    // Assess
    expect(executions.map((e) => e.status)).toEqual(["ABORTED", "ABORTED", "ABORTED"]);
    expect(calls).toEqual(["extract", "extract"]);
  });
});

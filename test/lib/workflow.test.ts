import { describe, expect, it } from "vitest";
import "../../local/polyfill.ts";
import {
  buildWorkflowDefinition,
  RETRYABLE_ERRORS,
  THROTTLE_RETRY_POLICY,
  WORKFLOW_STATES,
  type TaskState,
  type WorkflowResources,
} from "../../lib/workflow.ts";

const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const RESOURCES: WorkflowResources = {
  extractFunction: arn("extract"),
  parseFunction: arn("parse"),
  storeFunction: arn("store"),
  recordFailureFunction: arn("record-failure"),
  notifyFunction: arn("notify"),
  ocrFunction: arn("ocr"),
};

function tasks(definition: ReturnType<typeof buildWorkflowDefinition>): [string, TaskState][] {
  return Object.entries(definition.States).filter((e): e is [string, TaskState] => e[1].Type === "Task");
}

describe("buildWorkflowDefinition", () => {
  it("invokes each function directly by its ARN", () => {
    const definition = buildWorkflowDefinition(RESOURCES);
    expect(definition.States[WORKFLOW_STATES.EXTRACT]).toMatchObject({ Resource: RESOURCES.extractFunction });
    expect(definition.States[WORKFLOW_STATES.PARSE]).toMatchObject({ Resource: RESOURCES.parseFunction });
    expect(definition.States[WORKFLOW_STATES.STORE]).toMatchObject({ Resource: RESOURCES.storeFunction });
    expect(definition.States[WORKFLOW_STATES.RECORD_FAILURE]).toMatchObject({ Resource: RESOURCES.recordFailureFunction });
    expect(definition.States[WORKFLOW_STATES.NOTIFY]).toMatchObject({ Resource: RESOURCES.notifyFunction });
  });

  it("waits out its function's throttling first, then retries the other transient errors, with exponential backoff and full jitter in every Task", () => {
    for (const [name, state] of tasks(buildWorkflowDefinition(RESOURCES))) {
      expect(state.Retry, name).toEqual([
        { ErrorEquals: ["Lambda.TooManyRequestsException"], ...THROTTLE_RETRY_POLICY },
        expect.objectContaining({
          ErrorEquals: [...RETRYABLE_ERRORS],
          BackoffRate: 2,
          JitterStrategy: "FULL",
          IntervalSeconds: expect.any(Number),
          MaxAttempts: expect.any(Number),
        }),
      ]);
      expect(state.Retry?.[1]?.ErrorEquals, name).toEqual(expect.arrayContaining(["TransientError", "Lambda.ServiceException", "States.Timeout"]));
    }
  });

  it("waits a throttled function out for longer than a burst of scans takes to drain, and inside the execution's timeout", () => {
    const { IntervalSeconds, BackoffRate, MaxAttempts, MaxDelaySeconds } = THROTTLE_RETRY_POLICY;
    // The longest total pause (full jitter only shortens each one).
    let total = 0;
    for (let attempt = 0; attempt < MaxAttempts; attempt++) total += Math.min(MaxDelaySeconds, IntervalSeconds * BackoffRate ** attempt);
    expect(total).toBe(2115);
    expect(total).toBeLessThan(buildWorkflowDefinition(RESOURCES).TimeoutSeconds);
    expect(total).toBeGreaterThan(20 * 60);
  });

  it("sends any failure of Extract, Parse and Store to RecordFailure, keeping the input", () => {
    const definition = buildWorkflowDefinition(RESOURCES);
    for (const name of [WORKFLOW_STATES.EXTRACT, WORKFLOW_STATES.PARSE, WORKFLOW_STATES.STORE]) {
      expect((definition.States[name] as TaskState).Catch, name).toEqual([
        { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: WORKFLOW_STATES.RECORD_FAILURE },
      ]);
    }
    expect((definition.States[WORKFLOW_STATES.RECORD_FAILURE] as TaskState).Next).toBe(WORKFLOW_STATES.SHOULD_NOTIFY);
  });

  it("sends a scan from Extract through Ocr to Parse, and everything else straight to Parse", () => {
    const definition = buildWorkflowDefinition(RESOURCES);
    expect(definition.States[WORKFLOW_STATES.EXTRACT]).toMatchObject({ Next: WORKFLOW_STATES.NEEDS_OCR });
    expect(definition.States[WORKFLOW_STATES.NEEDS_OCR]).toMatchObject({
      Type: "Choice",
      Choices: [expect.objectContaining({ Next: WORKFLOW_STATES.OCR })],
      Default: WORKFLOW_STATES.PARSE,
    });
    expect(definition.States[WORKFLOW_STATES.OCR]).toMatchObject({ Resource: arn("ocr"), ResultPath: "$.extracted", Next: WORKFLOW_STATES.PARSE });
  });

  it("runs CrossYear after Store when given, and lets its failure go on to the notification choice", () => {
    expect(buildWorkflowDefinition(RESOURCES).States[WORKFLOW_STATES.CROSS_YEAR]).toBeUndefined();
    const definition = buildWorkflowDefinition({ ...RESOURCES, crossYearFunction: arn("cross-year") });
    expect(definition.States[WORKFLOW_STATES.STORE]).toMatchObject({ Next: WORKFLOW_STATES.CROSS_YEAR });
    const crossYear = definition.States[WORKFLOW_STATES.CROSS_YEAR] as TaskState;
    expect(crossYear).toMatchObject({ Resource: arn("cross-year"), ResultPath: "$.crossYear", Next: WORKFLOW_STATES.SHOULD_NOTIFY });
    expect(crossYear.Retry?.[1]?.ErrorEquals).toEqual(expect.arrayContaining(["TransientError"]));
    // Never into RecordFailure: the record is already stored.
    expect(crossYear.Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.crossYearError", Next: WORKFLOW_STATES.SHOULD_NOTIFY }]);
  });

  it("is valid Amazon States Language, with or without CrossYear", async () => {
    const { StateMachine } = await import("aws-local-stepfunctions");
    expect(() => new StateMachine(buildWorkflowDefinition(RESOURCES) as never)).not.toThrow();
    expect(() => new StateMachine(buildWorkflowDefinition({ ...RESOURCES, crossYearFunction: arn("cross-year") }) as never)).not.toThrow();
    expect(() => new StateMachine({ ...buildWorkflowDefinition(RESOURCES), StartAt: "Nowhere" } as never)).toThrow();
  });
});
